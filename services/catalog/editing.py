"""The catalogue as admins change it: create, edit (a stale edit is refused), retire and reinstate services."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models import Service
from models.enums import Role
from services import audit
from services.catalog import listing
from services.catalog.rows import ServiceRow
from services.core import clock, events, validation
from services.core.access import check_role
from services.core.errors import Conflict, StaleEdit, ValidationError
from services.core.rows import Actor

MAX_MINUTES = 12 * 60  # a job must fit in one working day
MAX_NAME, MAX_NAME_KEY = 80, 320  # the columns' lengths
EDITABLE = ('name', 'category', 'base_price', 'time_required', 'description')
SERVICE_CHANGED = 'service.changed'  # {service_id, active}: created, edited, retired or reinstated


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
    """Admins add a service; names are unique regardless of case, width and spacing."""
    check_role(session, actor, Role.ADMIN)
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
    return _announced(session, service)


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
    check_role(session, actor, Role.ADMIN)
    unknown = changes.keys() - set(EDITABLE)
    if unknown:
        raise ValidationError(f'These fields cannot be edited: {", ".join(sorted(unknown))}.')
    service = listing.service_or_not_found(session, service_id)
    if version is not None and version != service.version:
        raise StaleEdit('Someone else changed this service a moment ago. Reload it and try again.')
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
    return _announced(session, service)


def retire_service(session: Session, actor: Actor, *, service_id: int, now: datetime | None = None) -> ServiceRow:
    """Admins retire a service: it leaves search and booking; its rows and history stay."""
    return _set_active(session, actor, service_id=service_id, active=False, now=now or clock.now())


def reinstate_service(session: Session, actor: Actor, *, service_id: int, now: datetime | None = None) -> ServiceRow:
    """Admins bring a retired service back into search and booking."""
    return _set_active(session, actor, service_id=service_id, active=True, now=now or clock.now())


def _set_active(session: Session, actor: Actor, *, service_id: int, active: bool, now: datetime) -> ServiceRow:
    check_role(session, actor, Role.ADMIN)
    service = listing.service_or_not_found(session, service_id)
    if service.is_active == active:
        return listing.service_row(service)
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
    return _announced(session, service)


def _announced(session: Session, service: Service) -> ServiceRow:
    """The service as it is now, its change announced (search, booking and the dashboard show it)."""
    events.publish(session, SERVICE_CHANGED, service_id=service.id, active=service.is_active)
    return listing.service_row(service)


def _validated(**fields: Any) -> dict[str, Any]:
    return {
        'name': _service_name(fields['name']),
        'category': validation.name(fields['category'], field='category', label='Category', max_length=60),
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


def _service_name(value: Any) -> str:
    """A name, whose key (what makes two names the same service) fits its column."""
    name = validation.name(value, max_length=MAX_NAME)
    if len(_name_key(name)) > MAX_NAME_KEY:  # NFKC can grow a character up to eighteen
        raise ValidationError(f'Name must be at most {MAX_NAME} characters.', field='name')
    return name


def _name_key(name: str) -> str:
    """What makes two names the same service: `validation.name_key` ('Ölservice' = 'ölservice', full-width
    letters = ASCII ones, 'AC  Repair' = 'ac repair'); migration 0010 computed it for the services that existed."""
    return validation.name_key(name)


def _refuse_taken_name(session: Session, name: str) -> None:
    """Refuse a name that is another service's under the key, saying which (it may be written differently)."""
    taken = session.scalar(select(Service.name).where(Service.name_key == _name_key(name)))
    if taken is not None:
        raise Conflict(f'A service called "{taken}" already exists.')


def _flush_or_conflict(session: Session, name: str) -> None:
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f'A service called "{name}" already exists.') from None
    except StaleDataError:
        raise StaleEdit('Someone else changed this service a moment ago. Reload it and try again.') from None
