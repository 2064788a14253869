"""The admin dashboard's figures: counters and chart series, computed once per page build from a handful of
index-backed queries (design.md §7 "Lists and figures"): one grouped scan serves both the by-status and the
by-service charts, and per-day counts use local-day boundaries computed in Python."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from models import ProfessionalProfile, Review, Service, ServiceRequest, User
from models.enums import OPEN_STATUSES, ApprovalState, RequestStatus, Role
from services import requests
from services.core import cache, clock
from services.core.access import require_role
from services.core.rows import Actor
from services.dashboard.rows import DashboardFigures
from settings import get_settings

R = ServiceRequest
DAYS = 30
LONGEST_WAITING_SHOWN = 5


def figures(session: Session, actor: Actor, *, now: datetime | None = None) -> DashboardFigures:
    """Admins see how the marketplace is doing right now (cached: every watching admin shares one computation, and
    whatever changes a figure makes the cached one stale; `now` given, as by tests, computes afresh)."""
    require_role(session, actor, Role.ADMIN)
    if now is not None:
        return _figures(session, now)
    return cache.cached(cache.DASHBOARD, '', 'figures', lambda: _figures(session, clock.now()))


def _figures(session: Session, now: datetime) -> DashboardFigures:
    settings = get_settings()
    by_status, by_service = _requests_by_status_and_service(session)
    days = _local_days(now, settings.zone)
    per_day = _booked_per_day(session, days)
    waiting_since = now - timedelta(minutes=settings.waiting_alert_minutes)
    return DashboardFigures(
        pending_approvals=_pending_approvals(session),
        open_requests=sum(count for status, count in by_status if status in OPEN_STATUSES),
        waiting_too_long=_count(session, *_waiting(waiting_since, now)),
        waiting_alert_minutes=settings.waiting_alert_minutes,
        bookings_today=per_day[-1][1],
        by_status=by_status,
        by_service=by_service,
        per_day=per_day,
        ratings=_ratings(session),
        longest_waiting=requests.longest_waiting(session, _waiting(waiting_since, now), LONGEST_WAITING_SHOWN),
    )


def _requests_by_status_and_service(
    session: Session,
) -> tuple[tuple[tuple[RequestStatus, int], ...], tuple[tuple[str, int], ...]]:
    """Two grouped scans, each reading an index that starts with its group key (so no sort): grouping by both at
    once would sort a million index entries (400 ms against 2 x 50 ms on the benchmark)."""
    statuses = dict.fromkeys(RequestStatus, 0)
    statuses.update(session.execute(select(R.service_status, func.count()).group_by(R.service_status)).all())
    per_service = dict(session.execute(select(R.service_id, func.count()).group_by(R.service_id)).all())
    names = dict(session.execute(select(Service.id, Service.name).where(Service.id.in_(per_service))).all())
    by_service = sorted(((names[i], count) for i, count in per_service.items()), key=lambda pair: (-pair[1], pair[0]))
    return tuple(statuses.items()), tuple(by_service)


def _local_days(now: datetime, zone: object) -> list[tuple[date, datetime, datetime]]:
    """The last DAYS local days (today last) with their UTC bounds; a day with a clock change is not 24 h."""
    today = now.astimezone(zone).date()
    days = [today - timedelta(days=back) for back in range(DAYS - 1, -1, -1)]
    starts = [datetime.combine(day, time(), zone) for day in [*days, today + timedelta(days=1)]]
    return [(day, starts[i], starts[i + 1]) for i, day in enumerate(days)]


def _booked_per_day(session: Session, days: list[tuple[date, datetime, datetime]]) -> tuple[tuple[date, int], ...]:
    """Requests booked on each local day: one range count per day on the booking-time index, sent as one statement
    (thirty index range counts take 2 ms; one pass testing every row against thirty ranges took 95)."""
    counts = union_all(
        *(
            select(literal(i).label('day'), func.count().label('booked'))
            .select_from(R)
            .where(R.date_of_request >= start, R.date_of_request < end)
            for i, (_, start, end) in enumerate(days)
        )
    ).subquery()
    booked = dict(session.execute(select(counts.c.day, counts.c.booked)).all())
    return tuple((day, booked.get(i, 0)) for i, (day, _, _) in enumerate(days))


def _pending_approvals(session: Session) -> int:
    p = ProfessionalProfile
    query = (
        select(func.count())
        .select_from(p)
        .join(User, User.id == p.user_id)
        .where(p.approval_state == ApprovalState.PENDING, User.is_blocked.is_(False))
    )
    return session.scalar(query) or 0


def _waiting(since: datetime, now: datetime) -> tuple:
    """Nobody has accepted it for too long and its slot is still ahead (past slots expire instead)."""
    return (R.service_status == RequestStatus.REQUESTED, R.scheduled_at > now, R.date_of_request <= since)


def _count(session: Session, *criteria: object) -> int:
    return session.scalar(select(func.count()).select_from(R).where(*criteria)) or 0


def _ratings(session: Session) -> tuple[tuple[int, int], ...]:
    counts = dict(session.execute(select(Review.rating, func.count()).group_by(Review.rating)).all())
    return tuple((stars, counts.get(stars, 0)) for stars in range(1, 6))
