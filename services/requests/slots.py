"""The slot grid (design.md §7): starts every `slot_minutes` from `day_start` local time, the job
ending by `day_end`, at least `min_lead_hours` and at most `horizon_days` ahead."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from services.core import clock
from services.core.errors import ValidationError
from settings import Settings, clock_time, get_settings


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
