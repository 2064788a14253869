"""An endpoint's deliveries, newest first, as the admin's page lists them: each event's state, attempts and last
error. A failed one is retried with messaging.retry_message (the outbox's own retry)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import OutboxMessage
from services.core import validation
from services.core.rows import Actor
from services.webhooks.endpoints import get_endpoint
from services.webhooks.rows import DeliveryRow

M = OutboxMessage
RECENT, MAX_RECENT = 20, 100


def list_deliveries(
    session: Session, actor: Actor, *, endpoint_id: Any, limit: Any = RECENT
) -> tuple[DeliveryRow, ...]:
    endpoint = get_endpoint(session, actor, endpoint_id)
    size = validation.whole_number(limit, field='limit', label='How many', minimum=1, maximum=MAX_RECENT)
    found = session.scalars(
        select(M).where(M.webhook_endpoint_id == endpoint.id).order_by(M.created_at.desc(), M.id.desc()).limit(size)
    )
    return tuple(
        DeliveryRow(
            id=m.id,
            webhook_id=m.idempotency_key,
            event_type=m.subject,
            state=m.state,
            attempts=m.attempts,
            last_error=m.last_error or '',
            created_at=m.created_at,
            next_attempt_at=m.next_attempt_at,
            sent_at=m.sent_at,
        )
        for m in found
    )
