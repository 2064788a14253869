"""Every domain event an endpoint asked for becomes a delivery in the outbox, written in the unit that publishes the
event (services.core.events calls `record_event`): it goes out only if that unit commits, and it cannot be lost
between the commit and the send. The payload is built now, from the rows as the change left them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import WebhookEndpoint
from services import audit, messaging
from services.core import clock, events
from services.core.errors import InvalidTransition
from services.core.rows import Actor
from services.webhooks.catalogue import EVENT_TYPES, TEST_EVENT
from services.webhooks.endpoints import LISTENING, get_endpoint
from services.webhooks.payloads import payload

Listening = tuple[tuple[int, int, str, frozenset[str]], ...]  # (id, owner, url, event types)


def record_event(session: Session, event_type: str, data: dict[str, Any]) -> None:
    """Queue a delivery of this event to each active endpoint that receives it (nothing when none does)."""
    if event_type not in EVENT_TYPES:
        return
    wanted = [endpoint for endpoint in _listening(session) if event_type in endpoint[3]]
    if not wanted:
        return
    now = clock.now()
    body = payload(session, event_type, data, now)
    if body is None:
        return
    for endpoint_id, owner_id, url, _ in wanted:
        messaging.queue_webhook(
            session, endpoint_id=endpoint_id, owner_id=owner_id, url=url, event_type=event_type, payload=body, now=now
        )


def send_test_event(session: Session, actor: Actor, *, endpoint_id: Any, now: datetime | None = None) -> str:
    """A `webhook.test` delivery to one endpoint that is switched on; its webhook-id."""
    endpoint = get_endpoint(session, actor, endpoint_id)
    now = now or clock.now()
    data = {'endpoint_id': endpoint.id, 'sent_by': actor.name}
    body = payload(session, TEST_EVENT, data, now)
    message_id = messaging.queue_webhook(
        session,
        endpoint_id=endpoint.id,
        owner_id=endpoint.created_by,
        url=endpoint.url,
        event_type=TEST_EVENT,
        payload=body or '{}',
        now=now,
    )
    if message_id is None:
        raise InvalidTransition('Switch the endpoint on to send it a test event.')
    audit.record(session, actor, 'webhook.test', target_type='webhook_endpoint', target_id=endpoint.id, now=now)
    return message_id


def _listening(session: Session) -> Listening:
    """The active endpoints, once per unit however many events it publishes (an expiry run publishes hundreds)."""
    found = session.info.get(LISTENING)
    if found is None:
        w = WebhookEndpoint
        rows = session.execute(select(w.id, w.created_by, w.url, w.event_types).where(w.is_active)).all()
        found = session.info[LISTENING] = tuple((i, owner, url, frozenset(kinds)) for i, owner, url, kinds in rows)
    return found


events.record_with(record_event)  # every unit that publishes an event writes its deliveries (loaded by services/)
