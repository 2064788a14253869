"""The outbox: a message that leaves the app is a row written in the unit that decides to send it (so it is sent
only if that unit commits), addressed by the recipient's channel, and unique by its idempotency key (so a rerun, a
second scheduler or a retry never writes the same reminder twice). Delivery reads the rows after commit."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import insert, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import OutboxAttachment, OutboxMessage, User, WebhookEndpoint
from models.db import is_sqlite
from models.enums import NotificationChannel, OutboxState
from services.core import clock, events, jobs
from services.messaging.render import Attachment, Message

MAX_KEY = 160
DELIVER_JOB = 'deliver-outbox'  # the job that sends what is due (also run by the schedule every tick)
OUTBOX_CHANGED = 'outbox.changed'  # a message was queued or changed state: the outbox page shows it


def queue(
    session: Session,
    *,
    user_id: int,
    kind: str,
    key: str,
    message: Message,
    channel: NotificationChannel | None = None,
    now: datetime | None = None,
    attachments: tuple[Attachment, ...] = (),
    unsubscribe_url: str | None = None,
) -> bool:
    """Write `message` for `user_id` on the channel they chose (or `channel`), to go out once this unit commits.
    A key written before is skipped: returns False then, True when the message was written. An email may carry
    `attachments` and a one-click `unsubscribe_url` (other channels drop both)."""
    user = session.get(User, user_id)
    if user is None:
        return False
    channel = channel or user.notification_channel
    now = now or clock.now()
    values = {
        'user_id': user_id,
        'channel': channel,
        'kind': kind,
        'idempotency_key': key[:MAX_KEY],
        'address': address_of(user, channel),
        **_content(channel, message),
        'unsubscribe_url': unsubscribe_url if channel is NotificationChannel.EMAIL else None,
        'state': OutboxState.PENDING,
        'attempts': 0,
        'next_attempt_at': now,
        'created_at': now,
        'updated_at': now,
    }
    insert = (sqlite.insert if is_sqlite(session) else postgresql.insert)(OutboxMessage)
    statement = insert.values(**values).on_conflict_do_nothing(index_elements=['idempotency_key'])
    message_id = session.execute(statement.returning(OutboxMessage.id)).scalar_one_or_none()
    if message_id is None:
        return False
    if channel is NotificationChannel.EMAIL:
        session.add_all(
            OutboxAttachment(message_id=message_id, filename=a.filename, content_type=a.content_type, content=a.content)
            for a in attachments
        )
    enqueue_delivery(session)
    events.publish(session, OUTBOX_CHANGED)
    return True


def queue_webhook(
    session: Session, *, endpoint_id: int, owner_id: int, url: str, event_type: str, payload: str, now: datetime
) -> str | None:
    """Write one delivery of an event to a webhook endpoint, to go out once this unit commits; returns its
    `webhook-id` (the same on every retry, so a receiver can drop a repeat), or None when the endpoint was removed
    or switched off since the unit read it (the change that caused the event goes on regardless). The body is the
    payload as built now; the URL and the secret are read again when it is sent."""
    message_id = f'msg_{secrets.token_urlsafe(18)}'
    values = {
        'user_id': owner_id,
        'webhook_endpoint_id': endpoint_id,
        'channel': NotificationChannel.WEBHOOK,
        'kind': event_type[:40],
        'idempotency_key': message_id,
        'address': url,
        'subject': event_type,
        'body_text': payload,
        'state': OutboxState.PENDING,
        'attempts': 0,
        'next_attempt_at': now,
        'created_at': now,
        'updated_at': now,
    }
    columns = OutboxMessage.__table__.c
    endpoint = WebhookEndpoint
    still_there = select(endpoint.id).where(endpoint.id == endpoint_id, endpoint.is_active).exists()
    row = select(*(literal(value, columns[name].type) for name, value in values.items())).where(still_there)
    written = insert(OutboxMessage).from_select(list(values), row).returning(OutboxMessage.id)
    if session.execute(written).scalar_one_or_none() is None:
        return None
    enqueue_delivery(session)
    events.publish(session, OUTBOX_CHANGED)
    return message_id


def enqueue_delivery(session: Session) -> None:
    """Have the outbox delivered as soon as this unit commits (once per unit, however many messages it wrote)."""
    jobs.enqueue(session, DELIVER_JOB)


def address_of(user: User, channel: NotificationChannel) -> str:
    """Where `channel` reaches the user now ('' when they have not set it up: delivery says so on the row)."""
    if channel is NotificationChannel.GOOGLE_CHAT:
        return user.chat_webhook_url or ''
    if channel is NotificationChannel.SMS:
        return user.phone or ''
    return user.email


def _chat_safe(text: str) -> str:
    """Google Chat reads `<users/all>` as a mention of everyone and `<url|label>` as a disguised link: in text that
    carries what people typed (names, addresses, reasons), angle brackets become look-alikes that mean nothing."""
    return text.replace('<', '\u2039').replace('>', '\u203a')


def _content(channel: NotificationChannel, message: Message) -> dict[str, str | None]:
    """The form each channel sends: email both parts, Google Chat the text under a bold subject, SMS the short one."""
    if channel is NotificationChannel.EMAIL:
        return {'subject': message.subject, 'body_text': message.text, 'body_html': message.html}
    if channel is NotificationChannel.GOOGLE_CHAT:
        text = _chat_safe(f'*{message.subject}*\n{message.text}')
        return {'subject': message.subject, 'body_text': text, 'body_html': None}
    return {'subject': message.subject, 'body_text': message.short, 'body_html': None}
