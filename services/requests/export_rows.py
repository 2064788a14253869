"""What an export of closed requests reads: the filters an actor may export with, a count, and keyset pages of
ready-made cells (ids, names, local times, rupees), in id order so a page is one range of the primary key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from models import Review, Service, ServiceRequest, User
from models.enums import RequestStatus, Role
from services.core.errors import ValidationError
from services.core.rows import Actor
from services.requests import actors, filters
from settings import get_settings

R = ServiceRequest
CUSTOMER, PROFESSIONAL = aliased(User, name='customer'), aliased(User, name='professional')
ADMIN_FILTERS = ('service_id', 'pincode', 'date_from', 'date_to', 'customer', 'professional', 'sort')


def export_header(currency: str) -> tuple[str, ...]:
    zone = get_settings().timezone
    return (
        'Request ID',
        'Service ID',
        'Service',
        'Customer ID',
        'Customer',
        'Professional ID',
        'Professional',
        f'Requested at ({zone})',
        f'Scheduled for ({zone})',
        f'Completed at ({zone})',
        f'Closed at ({zone})',
        'Status',
        f'Price ({currency})',
        'Rating',
        'Remarks',
    )


def closed_export_filters(session: Session, actor: Actor, given: dict[str, Any]) -> dict[str, Any]:
    """What an export of closed requests by this actor reads, checked now: an admin's requests-list filters (the
    status filter aside: an export of closed requests is of closed ones), a professional's own jobs only."""
    user = actors.require(session, actor, 'export', Role.ADMIN, Role.PROFESSIONAL)
    if user is not None and user.role is Role.PROFESSIONAL:
        return {'professional_id': user.id}
    if not isinstance(given, dict):
        raise ValidationError('Those filters are not valid.', field='filters')
    kept = {name: given[name] for name in ADMIN_FILTERS if given.get(name) not in (None, '')}
    export_criteria(session, kept)  # raises the error of the first bad filter, naming its field
    return kept


def export_criteria(session: Session, kept: dict[str, Any]) -> tuple[Any, ...]:
    closed = R.service_status == RequestStatus.CLOSED
    if 'professional_id' in kept:
        return (closed, R.professional_id == kept['professional_id'])
    key = filters.sort_key(kept.get('sort', 'scheduled'))
    given = {name: kept.get(name) for name in ADMIN_FILTERS if name != 'sort'}
    return (closed, *filters.criteria(session, key, status=None, **given))


def count_closed(session: Session, criteria: tuple[Any, ...]) -> int:
    return session.scalar(select(func.count()).select_from(R).where(*criteria)) or 0


def closed_rows(session: Session, criteria: tuple[Any, ...], *, after_id: int, limit: int) -> list[tuple[Any, ...]]:
    """The next `limit` closed requests after `after_id`, each a tuple of cells in `export_header` order."""
    rows = session.execute(_page_statement(criteria, after_id, limit)).all()
    zone = get_settings().zone  # once a page: reading the settings costs more than a row
    return [_cells(row, zone) for row in rows]


def _page_statement(criteria: tuple[Any, ...], after_id: int, limit: int) -> Select[Any]:
    return (
        select(
            R.id,
            R.service_id,
            Service.name,
            R.customer_id,
            CUSTOMER.name,
            R.professional_id,
            PROFESSIONAL.name,
            R.date_of_request,
            R.scheduled_at,
            R.date_of_completion,
            R.closed_at,
            R.service_status,
            R.price,
            Review.rating,
            Review.remarks,
        )
        .join(Service, Service.id == R.service_id)
        .join(CUSTOMER, CUSTOMER.id == R.customer_id)
        .outerjoin(PROFESSIONAL, PROFESSIONAL.id == R.professional_id)
        .outerjoin(Review, Review.request_id == R.id)
        .where(*criteria, R.id > after_id)
        .order_by(R.id)
        .limit(limit)
    )


def _cells(row: Any, zone: Any) -> tuple[Any, ...]:
    (request_id, service_id, service, customer_id, customer, professional_id, professional) = row[:7]
    booked, scheduled, completed, closed, status, price, rating, remarks = row[7:]
    return (
        request_id,
        service_id,
        service,
        customer_id,
        customer,
        professional_id or '',
        professional or '',
        _local(booked, zone),
        _local(scheduled, zone),
        _local(completed, zone),
        _local(closed, zone),
        status.value,
        f'{price // 100}.{price % 100:02d}',
        rating or '',
        remarks or '',
    )


def _local(moment: datetime | None, zone: Any) -> str:
    # 'YYYY-MM-DD HH:MM' (isoformat is the fastest way to it: an export formats four of these a row)
    return moment.astimezone(zone).isoformat(' ', 'minutes')[:16] if moment is not None else ''
