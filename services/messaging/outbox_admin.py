"""The admin's outbox: recent messages with their state, channel, attempts and last error, newest first; retrying a
failed one; and a test message to the admin themself on each channel. Admins only; every action is audited."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import OutboxMessage, User
from models.enums import PERSONAL_CHANNELS, NotificationChannel, OutboxState, Role
from services import audit
from services.core import clock, cursors, events, validation
from services.core.access import check_role, require_role
from services.core.errors import InvalidTransition, NotFound, ValidationError
from services.core.rows import Actor
from services.messaging import outbox
from services.messaging.render import render
from services.messaging.rows import OutboxPage, OutboxRow, TestChannels
from settings import get_settings

M = OutboxMessage
PAGE_SIZE, MAX_PAGE = 50, 100
RETRYABLE = (OutboxState.FAILED, OutboxState.NOT_CONFIGURED)


def list_outbox(
    session: Session, actor: Actor, *, state: Any = None, cursor: Any = None, limit: Any = PAGE_SIZE
) -> OutboxPage:
    """Admins see the outgoing messages, newest first, optionally of one state, with how many there are per state."""
    check_role(session, actor, Role.ADMIN)
    criteria = _state_filter(state)
    size = validation.whole_number(limit, field='limit', label='Page size', minimum=1, maximum=MAX_PAGE)
    backward, position = cursors.decode(cursor) if cursor else (False, None)
    query = select(M, User.name).join(User, User.id == M.user_id).where(*criteria)
    if position is not None:
        query = query.where(cursors.after(M.created_at, M.id, position, descending=not backward))
    order = (M.created_at.asc(), M.id.asc()) if backward else (M.created_at.desc(), M.id.desc())
    found = session.execute(query.order_by(*order).limit(size + 1)).all()
    rows, previous_cursor, next_cursor = cursors.window(
        found, size=size, backward=backward, position=position, key_of=lambda row: (row[0].created_at, row[0].id)
    )
    total, capped = cursors.count_capped(session, select(M.id).where(*criteria))
    return OutboxPage(
        rows=tuple(_row(message, name) for message, name in rows),
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        total=total,
        total_capped=capped,
        counts=count_by_state(session),
        timezone=get_settings().timezone,
    )


def count_by_state(session: Session) -> tuple[tuple[OutboxState, int], ...]:
    """How many messages are in each state (every state, zeros included)."""
    found = {state: count for state, count in session.execute(select(M.state, func.count()).group_by(M.state))}
    return tuple((state, found.get(state, 0)) for state in OutboxState)


def retry_message(session: Session, actor: Actor, *, message_id: Any, now: datetime | None = None) -> None:
    """Admins send a failed (or not configured) message again from the first attempt, to the recipient's address on
    that channel as it is now (a person who fixed their webhook or phone gets it there)."""
    check_role(session, actor, Role.ADMIN)
    now = now or clock.now()
    message = session.get(M, message_id, with_for_update=True) if validation.is_id(message_id, M.id) else None
    if message is None:
        raise NotFound('That message does not exist.')
    if message.state not in RETRYABLE:
        raise InvalidTransition('Only failed or not configured messages can be retried.')
    _send_again(session, message, now)
    audit.record(session, actor, 'outbox.retry', target_type='outbox_message', target_id=message.id, now=now)
    outbox.enqueue_delivery(session)


def retry_all_failed(session: Session, actor: Actor, *, now: datetime | None = None) -> int:
    """Admins send every failed (and not configured) message again, after fixing what made them fail (a password,
    a gateway key); one audit row says how many. Returns how many."""
    check_role(session, actor, Role.ADMIN)
    now = now or clock.now()
    messages = session.scalars(select(M).where(M.state.in_(RETRYABLE)).with_for_update()).all()
    for message in messages:
        _send_again(session, message, now)
    details = {'count': len(messages)}
    audit.record(
        session, actor, 'outbox.retry_all', target_type='outbox_message', target_id=None, details=details, now=now
    )
    if messages:
        outbox.enqueue_delivery(session)
    return len(messages)


def _send_again(session: Session, message: OutboxMessage, now: datetime) -> None:
    if message.channel is not NotificationChannel.WEBHOOK:  # a webhook's URL is read from its endpoint at send time
        recipient = session.get(User, message.user_id)
        message.address = outbox.address_of(recipient, message.channel) if recipient else message.address
    message.state, message.attempts, message.next_attempt_at = OutboxState.PENDING, 0, now
    message.last_error, message.updated_at = None, now
    events.publish(session, outbox.OUTBOX_CHANGED)


def test_channels(session: Session, actor: Actor) -> TestChannels:
    """Where the admin's own test messages can go, and which channels this site has set up."""
    user = require_role(session, actor, Role.ADMIN)
    settings = get_settings()
    configured = [NotificationChannel.GOOGLE_CHAT]  # nothing to set up: the user's webhook is the address
    configured += [NotificationChannel.EMAIL] if settings.smtp_host else []
    configured += [NotificationChannel.SMS] if settings.sms_gateway_url else []
    if user is None:  # the operator has no address of their own
        return TestChannels(email='', chat_webhook=False, phone='', configured=tuple(configured))
    return TestChannels(user.email, bool(user.chat_webhook_url), user.phone or '', tuple(configured))


def send_test_message(session: Session, actor: Actor, *, channel: Any, now: datetime | None = None) -> None:
    """Admins send themselves a test message on one channel (to their email, their webhook, their phone)."""
    user = require_role(session, actor, Role.ADMIN)
    if user is None:
        raise ValidationError('The command line has no address to send a test message to.')
    if not isinstance(channel, str) or channel not in PERSONAL_CHANNELS:
        raise ValidationError('Choose email, Google Chat or SMS.', field='channel')
    channel = NotificationChannel(channel)
    if not outbox.address_of(user, channel):
        missing = 'a Google Chat webhook URL' if channel is NotificationChannel.GOOGLE_CHAT else 'a phone number'
        raise ValidationError(f'Add {missing} on your account page first.', field='channel')
    now = now or clock.now()
    sent_on = now.astimezone(get_settings().zone).strftime('%a %d %b %Y, %H:%M')
    key = f'test:{user.id}:{secrets.token_hex(8)}'
    message = render('test', name=user.name, sent_on=sent_on)
    outbox.queue(session, user_id=user.id, kind='test', key=key, message=message, channel=channel, now=now)
    message_id = session.scalar(select(M.id).where(M.idempotency_key == key))
    details = {'channel': channel.value}
    audit.record(session, actor, 'outbox.test', target_type='outbox_message', target_id=message_id, details=details)


def _state_filter(state: Any) -> list[Any]:
    if state in (None, ''):
        return []
    if not isinstance(state, str) or state not in set(OutboxState):
        raise ValidationError('Choose a state from the list.', field='state')
    return [M.state == OutboxState(state)]


def _row(message: OutboxMessage, name: str) -> OutboxRow:
    return OutboxRow(
        id=message.id,
        created_at=message.created_at,
        recipient_id=message.user_id,
        recipient_name=name,
        channel=message.channel,
        address=masked(message.channel, message.address),
        kind=message.kind,
        subject=message.subject,
        state=message.state,
        attempts=message.attempts,
        next_attempt_at=message.next_attempt_at,
        last_error=message.last_error or '',
        sent_at=message.sent_at,
    )


def masked(channel: NotificationChannel, address: str) -> str:
    """A webhook URL may carry a key or a token in its query: show where it posts, not the secrets."""
    if channel not in (NotificationChannel.GOOGLE_CHAT, NotificationChannel.WEBHOOK) or not address:
        return address
    return shown_url(address)


def shown_url(url: str) -> str:
    """Where a URL posts (host and path), not a key or token its query may carry."""
    parts = urlsplit(url)
    return f'{parts.netloc}{parts.path}' + (' (key hidden)' if parts.query else '')
