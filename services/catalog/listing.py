"""The catalogue as it is read: one service, the active ones, a text search, the categories, and the admins'
overviews."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import ProfessionalProfile, Service, ServiceRequest, User
from models.enums import OPEN_STATUSES, ApprovalState, Role
from services.catalog.rows import ProfessionalContact, ServiceOverview, ServiceRow
from services.core import text_search, validation
from services.core.access import check_role
from services.core.errors import NotFound
from services.core.rows import Actor

FLAGGED_SHOWN = 50  # a retired service names at most this many of the professionals still on it


def get_service(session: Session, *, service_id: int, include_retired: bool = False) -> ServiceRow:
    """One service; a retired one only when asked for (it is gone for customers)."""
    service = service_or_not_found(session, service_id)
    if not service.is_active and not include_retired:
        raise NotFound('That service is no longer offered.')
    return service_row(service)


def list_services(
    session: Session, actor: Actor | None = None, *, include_retired: bool = False, category: Any = None
) -> list[ServiceRow]:
    """Active services by category and name for anyone; retired ones too for admins."""
    query = select(Service).order_by(Service.category, Service.name)
    if include_retired:
        check_role(session, actor, Role.ADMIN)
    else:
        query = query.where(Service.is_active)
    query = query.where(*_in_category(category))
    return [service_row(service) for service in session.scalars(query)]


def list_overviews(session: Session, actor: Actor) -> list[ServiceOverview]:
    """Admins see every service, retired ones too, with how many professionals offer it and how many of its
    requests are open; a retired service names the approved professionals still on it. Four queries, however many."""
    check_role(session, actor, Role.ADMIN)
    return _overviews(session, list(session.scalars(select(Service).order_by(Service.category, Service.name))))


def get_overview(session: Session, actor: Actor, *, service_id: int) -> ServiceOverview:
    """One service as list_overviews shows it, read fresh (before retiring it, after a stale edit)."""
    check_role(session, actor, Role.ADMIN)
    return _overviews(session, [service_or_not_found(session, service_id)])[0]


def search_services(session: Session, *, text: Any = '', category: Any = None) -> list[ServiceRow]:
    """Active services whose name or category contains `text` (any case; services/core/text_search.py), optionally
    in one category."""
    text = validation.text(text, field='text', label='Search', max_length=80, required=False)
    query = select(Service).where(Service.is_active)
    if text:
        query = query.where(text_search.service_filter(session, text))
    query = query.where(*_in_category(category))
    return [service_row(service) for service in session.scalars(query.order_by(Service.category, Service.name))]


def list_categories(session: Session) -> list[str]:
    """The categories that have at least one active service, A to Z."""
    return list(
        session.scalars(select(Service.category).where(Service.is_active).distinct().order_by(Service.category))
    )


def _overviews(session: Session, services: list[Service]) -> list[ServiceOverview]:
    p, r = ProfessionalProfile, ServiceRequest
    ids = [service.id for service in services]
    unblocked = (User.id == p.user_id) & User.is_blocked.is_(False)
    staff = select(p.service_id, p.approval_state, func.count()).join(User, unblocked).where(p.service_id.in_(ids))
    counts = {(sid, state): n for sid, state, n in session.execute(staff.group_by(p.service_id, p.approval_state))}
    open_requests = select(r.service_id, func.count()).where(r.service_id.in_(ids), r.service_status.in_(OPEN_STATUSES))
    open_counts = {sid: n for sid, n in session.execute(open_requests.group_by(r.service_id))}
    flagged: defaultdict[int, list[ProfessionalContact]] = defaultdict(list)
    retired = [service.id for service in services if not service.is_active]
    if retired:
        still_on = (
            select(p.service_id, User.id, User.name, User.email, User.phone)
            .join(User, unblocked)
            .where(p.service_id.in_(retired), p.approval_state == ApprovalState.APPROVED)
            .order_by(User.name, User.id)
        )
        for sid, uid, name, email, phone in session.execute(still_on):
            flagged[sid].append(ProfessionalContact(id=uid, name=name, email=email, phone=phone or ''))
    return [
        ServiceOverview(
            service=service_row(service),
            professional_count=counts.get((service.id, ApprovalState.APPROVED), 0),
            pending_count=counts.get((service.id, ApprovalState.PENDING), 0),
            open_request_count=open_counts.get(service.id, 0),
            flagged_professionals=tuple(flagged[service.id][:FLAGGED_SHOWN]),
        )
        for service in services
    ]


def service_or_not_found(session: Session, service_id: int) -> Service:
    service = session.get(Service, service_id) if validation.is_id(service_id, Service.id) else None
    if service is None:
        raise NotFound('That service does not exist.')
    return service


def service_row(service: Service) -> ServiceRow:
    """A catalogue entry as pages see it."""
    return ServiceRow(
        id=service.id,
        name=service.name,
        category=service.category,
        base_price=service.base_price,
        time_required=service.time_required,
        description=service.description,
        is_active=service.is_active,
        version=service.version,
    )


def _in_category(category: Any) -> list[Any]:
    """Any category, or the one named (text, as a select gives it); anything else is a refusal, not a database error."""
    category = validation.text(category, field='category', label='Category', max_length=60, required=False)
    return [Service.category == category] if category else []
