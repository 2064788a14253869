"""Frozen rows of in-app notifications and where else a user's messages go."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.enums import NotificationChannel, OutboxState
from services.core.rows import CountedPage


@dataclass(frozen=True, slots=True)
class NotificationRow:
    id: int
    kind: str
    message: str
    request_id: int | None
    created_at: datetime
    is_read: bool


@dataclass(frozen=True, slots=True)
class ChannelPreference:
    """Where a user's messages go besides the app, and what the other choices need."""

    channel: NotificationChannel
    webhook_url: str  # '' until one is set; kept when another channel is chosen
    phone: str  # the profile phone SMS goes to; '' = SMS is not possible yet


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One outgoing message as the admin's outbox page lists it (a webhook's secret key and token are not shown)."""

    id: int
    created_at: datetime
    recipient_id: int
    recipient_name: str
    channel: NotificationChannel
    address: str  # masked where it holds a secret
    kind: str
    subject: str
    state: OutboxState
    attempts: int
    next_attempt_at: datetime
    last_error: str
    sent_at: datetime | None

    @property
    def can_retry(self) -> bool:
        return self.state in (OutboxState.FAILED, OutboxState.NOT_CONFIGURED)


@dataclass(frozen=True, slots=True)
class OutboxPage(CountedPage):
    """One page of the outbox, newest first; cursors and the capped count work as in every long list."""

    rows: tuple[OutboxRow, ...]
    next_cursor: str | None
    previous_cursor: str | None = None
    total: int = 0
    total_capped: bool = False
    counts: tuple[tuple[OutboxState, int], ...] = ()  # every state, in lifecycle order
    timezone: str = 'Asia/Kolkata'


@dataclass(frozen=True, slots=True)
class TestChannels:
    """Where a test message to the admin can go: email always; Google Chat and SMS once their profile has them."""

    email: str
    chat_webhook: bool
    phone: str
    configured: tuple[NotificationChannel, ...]  # channels this site has set up (SMTP host, SMS gateway)
