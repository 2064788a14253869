"""What a professional earned: the prices of their completed and closed jobs, per local month.

Month boundaries are local midnights of the 1st computed in Python (design.md §7 "Time"), so a month is cut where
the professional's calendar cuts it; the sums come from one statement on the (professional_id, service_status,
scheduled_at) index."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from models import ServiceRequest
from models.enums import RequestStatus
from services.core import cache, clock, validation
from services.core.access import require_professional
from services.core.rows import Actor
from services.requests.rows import MonthEarnings
from settings import get_settings

R = ServiceRequest
EARNING_STATUSES = (RequestStatus.COMPLETED, RequestStatus.CLOSED)
MAX_MONTHS = 36


def earnings_by_month(
    session: Session, actor: Actor, *, months: Any = 12, now: datetime | None = None
) -> tuple[MonthEarnings, ...]:
    """Professionals see what their completed and closed jobs earned in each of the last `months` local months,
    this month last, by the month of the job's slot (the price copied onto the request at booking); other roles
    are refused."""
    user = require_professional(session, actor)
    count = validation.whole_number(months, field='months', label='Months', minimum=1, maximum=MAX_MONTHS)
    zone = get_settings().zone
    firsts = month_firsts((now or clock.now()).astimezone(zone).date(), count)
    return cache.cached(
        cache.RATING_CARD, user.id, f'earnings:{firsts[0]}:{count}', lambda: _sums(session, user.id, firsts, zone)
    )


def _sums(session: Session, professional_id: int, firsts: list[date], zone: Any) -> tuple[MonthEarnings, ...]:
    bounds = [datetime.combine(first, time(), zone).astimezone(UTC) for first in firsts]
    columns = []
    for start, end in itertools.pairwise(bounds):
        in_month = and_(R.scheduled_at >= start, R.scheduled_at < end)
        columns += [func.sum(case((in_month, R.price), else_=0)), func.count(case((in_month, 1)))]
    sums = session.execute(
        select(*columns).where(
            R.professional_id == professional_id,
            R.service_status.in_(EARNING_STATUSES),
            R.scheduled_at >= bounds[0],
            R.scheduled_at < bounds[-1],
        )
    ).one()
    return tuple(
        MonthEarnings(month=first, amount=int(sums[2 * i] or 0), jobs=int(sums[2 * i + 1] or 0))
        for i, first in enumerate(firsts[:-1])
    )


def month_firsts(today: date, count: int) -> list[date]:
    """The first days of the `count` months up to `today`'s, then of the month after (the end bound)."""
    this_month = today.year * 12 + today.month - 1
    return [date(index // 12, index % 12 + 1, 1) for index in range(this_month - count + 1, this_month + 2)]
