"""The filters of the admin's requests list, each validated (a bad one names its field) and each backed by an index."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import ServiceRequest, User
from models.enums import RequestStatus, Role
from services.core import validation
from services.core.errors import ValidationError
from services.requests import slots

R = ServiceRequest
SORT_KEYS = {'scheduled': R.scheduled_at, 'booked': R.date_of_request}
MAX_PERSON_TEXT = 100
MAX_PEOPLE_LISTED = 500  # matching more people than this, the filter stays a subquery (too many bound values)
ISO_DAY = re.compile(r'\d{4}-\d{2}-\d{2}', re.ASCII)
MIN_DAY, MAX_DAY = date(2000, 1, 1), date(2200, 12, 31)  # beyond these a date filter is a typo


def sort_key(sort: Any) -> Any:
    """The column the list is sorted by: the slot (`'scheduled'`) or the booking time (`'booked'`)."""
    key = SORT_KEYS.get(sort) if isinstance(sort, str) else None
    if key is None:
        raise ValidationError('Sort by slot or by booking time.', field='sort')
    return key


def criteria(
    session: Session,
    key: Any,
    *,
    status: Any,
    service_id: Any,
    pincode: Any,
    date_from: Any,
    date_to: Any,
    customer: Any,
    professional: Any,
) -> tuple[Any, ...]:
    """The WHERE of the admin's list: each filter given, validated; dates are local days of the sort key."""
    return (
        *_status_filter(status),
        *_service_filter(service_id),
        *([R.pincode == validation.pincode(pincode)] if pincode else []),
        *_date_filter(key, date_from, date_to),
        *_person_filter(session, R.customer_id, customer, Role.CUSTOMER, field='customer'),
        *_person_filter(session, R.professional_id, professional, Role.PROFESSIONAL, field='professional'),
    )


def _status_filter(status: Any) -> list[Any]:
    if status in (None, ''):
        return []
    if status not in set(RequestStatus):
        raise ValidationError('Choose a status from the list.', field='status')
    return [R.service_status == RequestStatus(status)]


def _service_filter(service_id: Any) -> list[Any]:
    if service_id in (None, ''):
        return []
    if isinstance(service_id, str) and service_id.isdigit():
        service_id = int(service_id)
    if not validation.is_id(service_id, R.service_id):
        raise ValidationError('Choose a service from the list.', field='service_id')
    return [R.service_id == service_id]


def _date_filter(key: Any, date_from: Any, date_to: Any) -> list[Any]:
    """Local calendar days, inclusive at both ends, turned into UTC bounds of the sort key."""
    first = _local_date(date_from, field='date_from', label='From')
    last = _local_date(date_to, field='date_to', label='To')
    if first and last and first > last:
        raise ValidationError('The first day comes after the last one.', field='date_to')
    criteria = []
    if first:
        criteria.append(key >= slots.local_day_start(first))
    if last:
        criteria.append(key < slots.local_day_start(last + timedelta(days=1)))
    return criteria


def _local_date(value: Any, *, field: str, label: str) -> date | None:
    if value in (None, ''):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        parsed = date.fromisoformat(value) if isinstance(value, str) and ISO_DAY.fullmatch(value) else None
    except ValueError:
        parsed = None
    if parsed is None or not MIN_DAY <= parsed <= MAX_DAY:
        raise ValidationError(f'{label}: enter a date like 2026-03-31.', field=field)
    return parsed


def _person_filter(session: Session, column: Any, text: Any, role: Role, *, field: str) -> list[Any]:
    """Requests of the people of `role` whose name or email contains `text` (case-insensitive). The people are
    looked up once, here, rather than in both the count and the page query; a whole email is one index lookup."""
    if text in (None, ''):
        return []
    label = 'Customer' if role is Role.CUSTOMER else 'Professional'
    wanted = validation.text(text, field=field, label=label, max_length=MAX_PERSON_TEXT)
    exact = (
        session.scalar(select(User.id).where(User.email == wanted.lower(), User.role == role))
        if '@' in wanted
        else None
    )
    if exact is not None:
        return [column == exact]
    people = select(User.id).where(
        User.role == role,
        or_(User.name.icontains(wanted, autoescape=True), User.email.icontains(wanted, autoescape=True)),
    )
    found = session.scalars(people.limit(MAX_PEOPLE_LISTED + 1)).all()
    return [column.in_(found if len(found) <= MAX_PEOPLE_LISTED else people)]
