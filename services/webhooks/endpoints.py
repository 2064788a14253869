"""Admins register the endpoints that receive the marketplace's events: a URL that may be sent to (public, https in
production: services.core.addresses), the events wanted, a description; the secret that signs each delivery is made
here and shown once. Every change is audited."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from models import OutboxMessage, User, WebhookEndpoint
from models.enums import OutboxState, Role
from services import audit, messaging
from services.core import addresses, clock, events, jobs, validation
from services.core.access import check_role
from services.core.errors import NotFound, PermissionDenied, ValidationError
from services.core.rows import Actor
from services.webhooks.catalogue import EVENT_TYPES
from services.webhooks.rows import EndpointRow, NewSecret
from settings import get_settings

W = WebhookEndpoint
MAX_DESCRIPTION = 200
MAX_ENDPOINTS = 50
ENDPOINTS_CHANGED = 'webhook.endpoints_changed'  # an endpoint was added, changed or removed: the page shows it
LISTENING = 'hsa_webhook_endpoints'  # session.info: the unit's active endpoints (recording.py), read once per unit


def list_endpoints(session: Session, actor: Actor) -> tuple[EndpointRow, ...]:
    """Every endpoint, oldest first, with its deliveries counted by state."""
    check_role(session, actor, Role.ADMIN)
    endpoints = session.scalars(select(W).order_by(W.id)).all()
    return tuple(
        _row(endpoint, counts) for endpoint, counts in zip(endpoints, _counts(session, endpoints), strict=True)
    )


def add_endpoint(
    session: Session, actor: Actor, *, url: Any, event_types: Any, description: Any = '', now: datetime | None = None
) -> NewSecret:
    checked = _checked(actor, url, event_types, description)
    check_role(session, actor, Role.ADMIN)
    owner = actor.id or _first_admin(session)
    if session.scalar(select(func.count()).select_from(W)) >= MAX_ENDPOINTS:
        raise ValidationError(f'A site has at most {MAX_ENDPOINTS} webhook endpoints: remove one first.')
    now = now or clock.now()
    secret = new_secret()
    endpoint = W(
        **checked,
        secret=secret,
        is_active=True,
        created_by=owner,
        created_at=now,
        updated_at=now,
        secret_rotated_at=now,
    )
    session.add(endpoint)
    session.flush()
    _listeners_changed(session)
    audit.record(session, actor, 'webhook.add', target_type='webhook_endpoint', target_id=endpoint.id, now=now)
    return NewSecret(_row(endpoint, ()), secret)


def edit_endpoint(
    session: Session, actor: Actor, *, endpoint_id: Any, url: Any, event_types: Any, description: Any = ''
) -> EndpointRow:
    """A new URL is checked as a new one is; deliveries waiting to go out go to it."""
    checked = _checked(actor, url, event_types, description)
    endpoint = _endpoint(session, actor, endpoint_id)
    changed = [name for name, value in checked.items() if getattr(endpoint, name) != value]
    for name, value in checked.items():
        setattr(endpoint, name, value)
    endpoint.updated_at = clock.now()
    _listeners_changed(session)
    audit.record(
        session,
        actor,
        'webhook.edit',
        target_type='webhook_endpoint',
        target_id=endpoint.id,
        details={'changed': changed},
    )
    return _row(endpoint, _counts(session, [endpoint])[0])


def switch_endpoint(session: Session, actor: Actor, *, endpoint_id: Any, on: bool) -> None:
    """Off: no new deliveries are written for it, and those waiting wait as `not configured`. On: the events from
    now on, and what waited goes out (from its first attempt)."""
    endpoint = _endpoint(session, actor, endpoint_id)
    if endpoint.is_active == bool(on):
        return
    now = clock.now()
    endpoint.is_active, endpoint.updated_at = bool(on), now
    if on:
        _send_what_waited(session, endpoint.id, now)
    _listeners_changed(session)
    action = 'webhook.switch_on' if on else 'webhook.switch_off'
    audit.record(session, actor, action, target_type='webhook_endpoint', target_id=endpoint.id)


def rotate_secret(session: Session, actor: Actor, *, endpoint_id: Any) -> str:
    """A new secret signs every delivery from now on, retries of older ones too; the old one stops at once."""
    endpoint = _endpoint(session, actor, endpoint_id)
    endpoint.secret = new_secret()
    endpoint.secret_rotated_at = endpoint.updated_at = clock.now()
    _listeners_changed(session)
    audit.record(session, actor, 'webhook.rotate_secret', target_type='webhook_endpoint', target_id=endpoint.id)
    return endpoint.secret


def remove_endpoint(session: Session, actor: Actor, *, endpoint_id: Any) -> None:
    """The endpoint and its deliveries, sent or waiting, are deleted."""
    endpoint = _endpoint(session, actor, endpoint_id)
    details = {'url': messaging.shown_url(endpoint.url)}  # not a key its query may carry
    audit.record(
        session, actor, 'webhook.remove', target_type='webhook_endpoint', target_id=endpoint.id, details=details
    )
    session.execute(delete(OutboxMessage).where(OutboxMessage.webhook_endpoint_id == endpoint.id))
    session.delete(endpoint)
    _listeners_changed(session)


def _send_what_waited(session: Session, endpoint_id: int, now: datetime) -> None:
    m = OutboxMessage
    waited = session.execute(
        update(m)
        .where(m.webhook_endpoint_id == endpoint_id, m.state == OutboxState.NOT_CONFIGURED)
        .values(state=OutboxState.PENDING, attempts=0, next_attempt_at=now, last_error=None, updated_at=now)
    ).rowcount
    if waited:
        jobs.enqueue(session, messaging.DELIVER_JOB)


def new_secret() -> str:
    """Standard Webhooks' form: 'whsec_' and the base64 of 32 random bytes."""
    return 'whsec_' + base64.b64encode(secrets.token_bytes(32)).decode()


def get_endpoint(session: Session, actor: Actor, endpoint_id: Any) -> WebhookEndpoint:
    """The endpoint, for an admin (NotFound for an id that names none)."""
    return _endpoint(session, actor, endpoint_id)


def _endpoint(session: Session, actor: Actor, endpoint_id: Any) -> WebhookEndpoint:
    check_role(session, actor, Role.ADMIN)
    endpoint = session.get(W, endpoint_id) if validation.is_id(endpoint_id, W.id) else None
    if endpoint is None:
        raise NotFound('That webhook endpoint does not exist.')
    return endpoint


def _checked(actor: Actor, url: Any, event_types: Any, description: Any) -> dict[str, Any]:
    """The endpoint's fields, the URL resolved and refused now rather than at the first event. It runs before the
    unit touches the database (a slow DNS answer must not hold SQLite's write lock), so the role is checked here first
    as the actor says it, and against the database after."""
    if actor is None or actor.role is not Role.ADMIN:
        raise PermissionDenied()
    settings = get_settings()
    addresses.resolve(addresses.checked_url(url, settings), settings)
    if not isinstance(description, str) or len(description.strip()) > MAX_DESCRIPTION:
        raise ValidationError(f'A description has at most {MAX_DESCRIPTION} characters.', field='description')
    return {'url': url.strip(), 'event_types': _event_types(event_types), 'description': description.strip()}


def _event_types(chosen: Any) -> list[str]:
    if isinstance(chosen, str) or not isinstance(chosen, list | tuple | set | frozenset):
        raise ValidationError('Choose the events this endpoint receives.', field='event_types')
    if not chosen:
        raise ValidationError('Choose at least one event.', field='event_types')
    unknown = [name for name in chosen if not isinstance(name, str) or name not in EVENT_TYPES]
    if unknown:
        raise ValidationError(f'Unknown events: {", ".join(map(str, unknown))[:200]}.', field='event_types')
    return sorted(set(chosen), key=list(EVENT_TYPES).index)


def _first_admin(session: Session) -> int:
    """The operator at the command line registers endpoints in the name of the first admin (an outbox row has an
    owner)."""
    found = session.scalar(select(User.id).where(User.role == Role.ADMIN).order_by(User.id).limit(1))
    if found is None:
        raise ValidationError('Create an admin first: an endpoint belongs to one.')
    return found


def _counts(session: Session, endpoints: list[WebhookEndpoint]) -> list[tuple[tuple[OutboxState, int], ...]]:
    ids = [endpoint.id for endpoint in endpoints]
    m = OutboxMessage
    found: dict[tuple[int, OutboxState], int] = {}
    if ids:
        query = select(m.webhook_endpoint_id, m.state, func.count()).where(m.webhook_endpoint_id.in_(ids))
        found = {(eid, state): n for eid, state, n in session.execute(query.group_by(m.webhook_endpoint_id, m.state))}
    return [tuple((state, found.get((eid, state), 0)) for state in OutboxState) for eid in ids]


def _row(endpoint: WebhookEndpoint, counts: tuple[tuple[OutboxState, int], ...]) -> EndpointRow:
    return EndpointRow(
        id=endpoint.id,
        url=endpoint.url,
        description=endpoint.description,
        event_types=tuple(endpoint.event_types),
        is_active=endpoint.is_active,
        created_at=endpoint.created_at,
        secret_rotated_at=endpoint.secret_rotated_at,
        counts=counts or tuple((state, 0) for state in OutboxState),
    )


def _listeners_changed(session: Session) -> None:
    """An event published later in this unit reads the endpoints again (recording.py keeps them per unit), and every
    admin's webhooks page shows the change."""
    session.info.pop(LISTENING, None)
    events.publish(session, ENDPOINTS_CHANGED)
