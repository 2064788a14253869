"""Local months: parsing 'YYYY-MM', their UTC bounds (cut at local midnights of the 1st, design.md §7 "Time"), the
month a report is due for, and which requests moved in a month: those with an entry in the audit trail then (booked,
edited, accepted, completed, closed, reviewed, cancelled, expired...), read through its (target_type, occurred_at)
and (target_type, target_id, occurred_at) indexes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Select, and_, exists, select

from models import AuditEvent, ServiceRequest
from services.core.errors import ValidationError
from settings import get_settings

E, R = AuditEvent, ServiceRequest
REQUEST_TARGET = 'service_request'
MONTH_TEXT = re.compile(r'(\d{4})-(\d{2})', re.ASCII)
FIRST_MONTH, LAST_MONTH = date(2000, 1, 1), date(2200, 12, 1)


def parse_month(value: Any) -> date:
    """'2026-11' -> date(2026, 11, 1); anything else is a validation error naming the field."""
    match = MONTH_TEXT.fullmatch(value) if isinstance(value, str) else None
    try:
        month = date(int(match[1]), int(match[2]), 1) if match else None
    except ValueError:  # month 00 or 13
        month = None
    if month is None or not FIRST_MONTH <= month <= LAST_MONTH:
        raise ValidationError('Enter a month like 2026-11.', field='month')
    return month


def month_text(month: date) -> str:
    return f'{month.year:04d}-{month.month:02d}'


def month_label(month: date) -> str:
    return month.strftime('%B %Y')


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def local_month_of(moment: datetime) -> date:
    local = moment.astimezone(get_settings().zone)
    return date(local.year, local.month, 1)


def bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first and the next month's first local midnight, in UTC."""
    zone = get_settings().zone
    start = datetime.combine(month, time.min, zone).astimezone(UTC)
    return start, datetime.combine(next_month(month), time.min, zone).astimezone(UTC)


def moved_in(month: date) -> Any:
    """A request had an entry in the audit trail during `month` (correlated on the request)."""
    start, end = bounds(month)
    return exists().where(
        E.target_type == REQUEST_TARGET, E.target_id == R.id, E.occurred_at >= start, E.occurred_at < end
    )


def customers_active_in(month: date) -> Select[Any]:
    """The customers with a request that moved during `month`, by id."""
    start, end = bounds(month)
    in_month = and_(E.target_type == REQUEST_TARGET, E.occurred_at >= start, E.occurred_at < end)
    return select(R.customer_id).join(E, E.target_id == R.id).where(in_month).distinct().order_by(R.customer_id)
