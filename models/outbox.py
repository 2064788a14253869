"""The outbox: every message that leaves the app (email, Google Chat, SMS), written in the unit that decides to send
it and delivered after commit, at least once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, enum_column
from models.enums import NotificationChannel, OutboxState


class OutboxMessage(Base):
    __tablename__ = 'outbox_message'

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey('user.id', ondelete='CASCADE'))  # the recipient; a webhook's admin
    # a webhook delivery: the endpoint whose URL and secret are read when it is sent (a changed secret signs retries)
    webhook_endpoint_id: Mapped[int | None] = mapped_column(ForeignKey('webhook_endpoint.id', ondelete='CASCADE'))
    channel: Mapped[NotificationChannel] = mapped_column(enum_column(NotificationChannel, 'outbox_channel'))
    kind: Mapped[str] = mapped_column(String(40))  # 'reminder', 'notifications', 'test', or a webhook's event type
    idempotency_key: Mapped[str] = mapped_column(String(160), unique=True)  # one message per key, ever
    address: Mapped[str] = mapped_column(String(500))  # the email, webhook URL or phone, as it was when written
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)  # email only
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))  # email: List-Unsubscribe (one click, RFC 8058)
    state: Mapped[OutboxState] = mapped_column(enum_column(OutboxState, 'outbox_state'))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]  # while sending: another process takes it up only after this
    lease_token: Mapped[str | None] = mapped_column(String(32))  # which run holds the lease: only it records outcomes
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        Index(None, 'state', 'next_attempt_at'),  # what is due
        Index(None, 'created_at', 'id'),  # the admin's list, newest first
        Index(None, 'state', 'created_at', 'id'),  # ... filtered by state
        Index(None, 'webhook_endpoint_id', 'created_at', 'id'),  # an endpoint's deliveries, newest first
    )


class OutboxAttachment(Base):
    """A file an email carries (the monthly report's PDF); deleted once its message is sent."""

    __tablename__ = 'outbox_attachment'

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey('outbox_message.id', ondelete='CASCADE'), index=True)
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(80))
    content: Mapped[bytes] = mapped_column(LargeBinary)
