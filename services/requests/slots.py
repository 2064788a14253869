"""The slot grid (design.md §7): starts every `slot_minutes` from `day_start` local time, the job
ending by `day_end`, at least `min_lead_hours` and at most `horizon_days` ahead; and, for the booking form, a day's
whole grid with why each start cannot be booked."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Service, ServiceRequest
from models.enums import RequestStatus, Role
from services.core import clock, validation
from services.core.errors import ValidationError
from services.core.rows import Actor
from services.requests import actors
from services.requests.rows import SlotState
from settings import Settings, clock_time, get_settings

PAST, TAKEN = 'Already past', 'Taken: you already booked this service for this time'


def check_slot(scheduled_at: object, time_required: int, *, now: datetime | None = None) -> datetime:
    """Refuse a start time off the grid, too soon, too far ahead or ending after the working day;
    returns when the job ends (UTC)."""
    if not isinstance(scheduled_at, datetime) or scheduled_at.tzinfo is None:
        raise ValidationError('Choose a time slot from the list.', field='scheduled_at')
    settings, now = get_settings(), now or clock.now()
    local = scheduled_at.astimezone(settings.zone)
    if local not in _day_grid(local.date(), time_required, settings):
        raise ValidationError('That is not one of the offered time slots.', field='scheduled_at')
    if scheduled_at < now + timedelta(hours=settings.min_lead_hours):
        raise ValidationError(f'Book at least {settings.min_lead_hours} hours ahead.', field='scheduled_at')
    if scheduled_at > now + timedelta(days=settings.horizon_days):
        raise ValidationError(f'Book at most {settings.horizon_days} days ahead.', field='scheduled_at')
    return (scheduled_at + timedelta(minutes=time_required)).astimezone(UTC)


def available_slots(day: date, time_required: int, *, now: datetime | None = None) -> list[datetime]:
    """Every bookable start (UTC, aware) on a local `day` for a job of `time_required` minutes."""
    settings, now = get_settings(), now or clock.now()
    earliest = now + timedelta(hours=settings.min_lead_hours)
    latest = now + timedelta(days=settings.horizon_days)
    return [start.astimezone(UTC) for start in _day_grid(day, time_required, settings) if earliest <= start <= latest]


def bookable_days(time_required: int, *, now: datetime | None = None) -> list[date]:
    """The local days, today to the horizon, that offer at least one slot for a job of `time_required` minutes."""
    settings, now = get_settings(), now or clock.now()
    today = now.astimezone(settings.zone).date()
    days = (today + timedelta(days=n) for n in range(settings.horizon_days + 1))
    return [day for day in days if available_slots(day, time_required, now=now)]


def slot_states(
    session: Session, actor: Actor, *, service_id: Any, day: Any, now: datetime | None = None
) -> list[SlotState]:
    """Customers see every start of a local day's grid (today to the horizon) for an active service, each with why
    it cannot be booked: already past, too soon, too far ahead, or taken by their own open request for that service
    then (booking it again would be refused as a duplicate). Nobody else's bookings take a slot: there is no limit."""
    actors.check(session, actor, 'see slots', Role.CUSTOMER)
    settings, now = get_settings(), now or clock.now()
    today = now.astimezone(settings.zone).date()
    if (
        not isinstance(day, date)
        or isinstance(day, datetime)
        or not today <= day <= today + timedelta(days=settings.horizon_days)
    ):
        raise ValidationError('Choose a day from the list.', field='day')
    time_required = _active_service_minutes(session, service_id)
    grid = _day_grid(day, time_required, settings)
    taken = _own_open_starts(session, actor.id, service_id, grid) if grid else set()
    return [SlotState(start.astimezone(UTC), _why_not(start, taken, settings, now)) for start in grid]


def _why_not(start: datetime, taken: set[datetime], settings: Settings, now: datetime) -> str:
    """The rules check_slot applies, in the order a customer would ask about them; then the duplicate rule."""
    if start <= now:
        return PAST
    if start < now + timedelta(hours=settings.min_lead_hours):
        return f'Too soon to book: book at least {settings.min_lead_hours} hours ahead'
    if start > now + timedelta(days=settings.horizon_days):
        return f'Too far ahead: book at most {settings.horizon_days} days ahead'
    return TAKEN if start in taken else ''


def _active_service_minutes(session: Session, service_id: Any) -> int:
    minutes = None
    if validation.is_id(service_id, Service.id):
        active = (Service.id == service_id, Service.is_active.is_(True))
        minutes = session.scalar(select(Service.time_required).where(*active))
    if minutes is None:
        raise ValidationError('Choose a service from the list.', field='service_id')
    return minutes


def _own_open_starts(session: Session, customer_id: int, service_id: int, grid: list[datetime]) -> set[datetime]:
    """The starts of the customer's open requests (requested or assigned) for the service within the day's grid."""
    r = ServiceRequest
    query = select(r.scheduled_at).where(
        r.customer_id == customer_id,
        r.service_status.in_((RequestStatus.REQUESTED, RequestStatus.ASSIGNED)),
        r.scheduled_at.between(grid[0].astimezone(UTC), grid[-1].astimezone(UTC)),
        r.service_id == service_id,
    )
    return set(session.scalars(query))


def _day_grid(day: date, time_required: int, settings: Settings) -> list[datetime]:
    zone = settings.zone
    start = datetime.combine(day, clock_time(settings.day_start), zone)
    last = datetime.combine(day, clock_time(settings.day_end), zone) - timedelta(minutes=time_required)
    step = timedelta(minutes=settings.slot_minutes)
    grid = []
    while start <= last:
        grid.append(start)
        start = (start.astimezone(UTC) + step).astimezone(zone)  # steps in real time, safe across DST
    return grid


def local_day_start(day: date, *, settings: Settings | None = None) -> datetime:
    """Midnight of a local day, in UTC (per-day figures are cut at local midnights)."""
    zone = (settings or get_settings()).zone
    return datetime.combine(day, time.min, zone).astimezone(UTC)
