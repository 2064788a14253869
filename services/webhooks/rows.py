"""What the webhooks face hands to pages: endpoints and their deliveries (never an endpoint's secret, except once,
when it is made)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.enums import OutboxState


@dataclass(frozen=True, slots=True)
class EndpointRow:
    id: int
    url: str
    description: str
    event_types: tuple[str, ...]
    is_active: bool
    created_at: datetime
    secret_rotated_at: datetime
    counts: tuple[tuple[OutboxState, int], ...]  # its deliveries by state, every state

    def count(self, state: OutboxState) -> int:
        return dict(self.counts).get(state, 0)


@dataclass(frozen=True, slots=True)
class NewSecret:
    """An endpoint and the secret that signs what it receives: shown once, copied by the admin into the receiver."""

    endpoint: EndpointRow
    secret: str


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    id: int  # the outbox message's: retried with messaging.retry_message
    webhook_id: str  # the `webhook-id` header: the same on every attempt
    event_type: str
    state: OutboxState
    attempts: int
    last_error: str
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
