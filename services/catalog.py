"""The service catalogue: admins create, edit and retire services; everyone lists the active ones."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models import ProfessionalProfile, Service, ServiceRequest, User
from models.enums import OPEN_STATUSES, ApprovalState, Role
from services import audit, clock, validation
from services.access import require_role
from services.errors import Conflict, NotFound, ValidationError
from services.views import Actor, ProfessionalContact, ServiceOverview, ServiceRow

MAX_MINUTES = 12 * 60  # a job must fit in one working day
EDITABLE = ('name', 'category', 'base_price', 'time_required', 'description')
FLAGGED_SHOWN = 50  # a retired service names at most this many of the professionals still on it


def create_service(
    session: Session,
    actor: Actor,
    *,
    name: Any,
    category: Any,
    base_price: Any,
    time_required: Any,
    description: Any = '',
    now: datetime | None = None,
) -> ServiceRow:
    """Admins add a service; names are unique regardless of case."""
    require_role(session, actor, Role.ADMIN)
    fields = _validated(
        name=name, category=category, base_price=base_price, time_required=time_required, description=description
    )
    _refuse_taken_name(session, fields['name'])
    now = now or clock.now()
    service = Service(**fields, name_key=_name_key(fields['name']), is_active=True, created_at=now, updated_at=now)
    session.add(service)
    _flush_or_conflict(session, fields['name'])
    audit.record(
        session,
        actor,
        'service.create',
        target_type='service',
        target_id=service.id,
        details={'after': fields},
        now=now,
    )
    return _row(service)


def edit_service(
    session: Session,
    actor: Actor,
    *,
    service_id: int,
    version: int | None = None,
    now: datetime | None = None,
    **changes: Any,
) -> ServiceRow:
    """Admins change a service's fields; passing the `version` they saw refuses a lost update."""
    require_role(session, actor, Role.ADMIN)
    unknown = changes.keys() - set(EDITABLE)
    if unknown:
        raise ValidationError(f'These fields cannot be edited: {", ".join(sorted(unknown))}.')
    service = _get(session, service_id)
    if version is not None and version != service.version:
        raise Conflict('Someone else changed this service a moment ago. Reload it and try again.')
    before = {key: getattr(service, key) for key in EDITABLE}
    fields = _validated(**{**before, **changes})
    if _name_key(fields['name']) != service.name_key:
        _refuse_taken_name(session, fields['name'])
    for key, value in fields.items():
        setattr(service, key, value)
    service.name_key = _name_key(service.name)
    service.updated_at = now or clock.now()
    _flush_or_conflict(session, fields['name'])
    changed = {key: [before[key], fields[key]] for key in EDITABLE if before[key] != fields[key]}
    audit.record(
        session,
        actor,
        'service.edit',
        target_type='service',
        target_id=service.id,
        details={'changed': changed},
        now=service.updated_at,
    )
    return _row(service)


def retire_service(session: Session, actor: Actor, *, service_id: int, now: datetime | None = None) -> ServiceRow:
    """Admins retire a service: it leaves search and booking; its rows and history stay."""
    return _set_active(session, actor, service_id=service_id, active=False, now=now or clock.now())


def reinstate_service(session: Session, actor: Actor, *, service_id: int, now: datetime | None = None) -> ServiceRow:
    """Admins bring a retired service back into search and booking."""
    return _set_active(session, actor, service_id=service_id, active=True, now=now or clock.now())


def get_service(session: Session, *, service_id: int, include_retired: bool = False) -> ServiceRow:
    """One service; a retired one only when asked for (it is gone for customers)."""
    service = _get(session, service_id)
    if not service.is_active and not include_retired:
        raise NotFound('That service is no longer offered.')
    return _row(service)


def list_services(
    session: Session, actor: Actor | None = None, *, include_retired: bool = False, category: str | None = None
) -> list[ServiceRow]:
    """Active services by category and name for anyone; retired ones too for admins."""
    query = select(Service).order_by(Service.category, Service.name)
    if include_retired:
        require_role(session, actor, Role.ADMIN)
    else:
        query = query.where(Service.is_active)
    if category:
        query = query.where(Service.category == category)
    return [_row(service) for service in session.scalars(query)]


def list_overviews(session: Session, actor: Actor) -> list[ServiceOverview]:
    """Admins see every service, retired ones too, with how many professionals offer it and how many of its
    requests are open; a retired service names the approved professionals still on it. Four queries, however many."""
    require_role(session, actor, Role.ADMIN)
    return _overviews(session, list(session.scalars(select(Service).order_by(Service.category, Service.name))))


def get_overview(session: Session, actor: Actor, *, service_id: int) -> ServiceOverview:
    """One service as list_overviews shows it, read fresh (before retiring it, after a stale edit)."""
    require_role(session, actor, Role.ADMIN)
    return _overviews(session, [_get(session, service_id)])[0]


def search_services(session: Session, *, text: Any = '', category: Any = None) -> list[ServiceRow]:
    """Active services whose name or category contains `text` (any case), optionally in one category."""
    text = validation.text(text, field='text', label='Search', max_length=80, required=False)
    query = select(Service).where(Service.is_active)
    if text:
        pattern = f'%{_escape_like(text.casefold())}%'
        query = query.where(
            or_(Service.name_key.like(pattern, escape='\\'), func.lower(Service.category).like(pattern, escape='\\'))
        )
    if category:
        query = query.where(Service.category == category)
    return [_row(service) for service in session.scalars(query.order_by(Service.category, Service.name))]


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
            service=_row(service),
            professional_count=counts.get((service.id, ApprovalState.APPROVED), 0),
            pending_count=counts.get((service.id, ApprovalState.PENDING), 0),
            open_request_count=open_counts.get(service.id, 0),
            flagged_professionals=tuple(flagged[service.id][:FLAGGED_SHOWN]),
        )
        for service in services
    ]


def _escape_like(text: str) -> str:
    return text.replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_')


def _set_active(session: Session, actor: Actor, *, service_id: int, active: bool, now: datetime) -> ServiceRow:
    require_role(session, actor, Role.ADMIN)
    service = _get(session, service_id)
    if service.is_active == active:
        return _row(service)
    service.is_active = active
    service.retired_at = None if active else now
    service.updated_at = now
    session.flush()
    audit.record(
        session,
        actor,
        'service.reinstate' if active else 'service.retire',
        target_type='service',
        target_id=service.id,
        now=now,
    )
    return _row(service)


def _validated(**fields: Any) -> dict[str, Any]:
    return {
        'name': validation.text(fields['name'], field='name', label='Name', max_length=80),
        'category': validation.text(fields['category'], field='category', label='Category', max_length=60),
        'base_price': validation.paise(fields['base_price']),
        'time_required': validation.whole_number(
            fields['time_required'],
            field='time_required',
            label='Time required (minutes)',
            minimum=15,
            maximum=MAX_MINUTES,
        ),
        'description': validation.text(
            fields['description'],
            field='description',
            label='Description',
            max_length=2000,
            required=False,
            multiline=True,
        ),
    }


def _name_key(name: str) -> str:
    """What makes two names the same service: Unicode case folding ('Ölservice' = 'ölservice')."""
    return name.casefold()


def _refuse_taken_name(session: Session, name: str) -> None:
    taken = session.scalar(select(Service.id).where(Service.name_key == _name_key(name)))
    if taken is not None:
        raise Conflict(f'A service called "{name}" already exists.')


def _flush_or_conflict(session: Session, name: str) -> None:
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f'A service called "{name}" already exists.') from None
    except StaleDataError:
        raise Conflict('Someone else changed this service a moment ago. Reload it and try again.') from None


def _get(session: Session, service_id: int) -> Service:
    service = session.get(Service, service_id) if validation.is_id(service_id, Service.id) else None
    if service is None:
        raise NotFound('That service does not exist.')
    return service


def _row(service: Service) -> ServiceRow:
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
