"""Frozen rows of in-app notifications and where else a user's messages go."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.enums import NotificationChannel


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
