"""The admin's outbox in the service layer: admins only; a webhook's key and token never shown; a retry goes to the
address the person has now; every failed message retried at once after a fix; each action audited."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, update

from models import AuditEvent, OutboxMessage
from models.enums import NotificationChannel, OutboxState
from services import Actor, PermissionDenied, ValidationError, messaging, people, session_scope
from tests.factories import OPERATOR, make_admin, make_approved_professional, make_customer

NOW = datetime(2030, 3, 5, 9, 0, tzinfo=UTC)
WEBHOOK = 'https://chat.googleapis.com/v1/spaces/SPACE/messages?key=SECRET-KEY&token=SECRET-TOKEN'


def queue(actor: Actor, key: str, channel: NotificationChannel | None = None) -> int:
    message = messaging.render('test', name=actor.name, sent_on='today')
    with session_scope(write=True) as session:
        messaging.queue(session, user_id=actor.id, kind='test', key=key, message=message, channel=channel, now=NOW)
        return session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key))


def fail(message_id: int) -> None:
    with session_scope(write=True) as session:
        values = {'state': OutboxState.FAILED, 'attempts': 5, 'last_error': 'HTTP 500'}
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values))


def stored(message_id: int) -> OutboxMessage:
    with session_scope() as session:
        message = session.get(OutboxMessage, message_id)
        session.expunge(message)
    return message


CALLS: dict[str, Any] = {
    'list_outbox': messaging.list_outbox,
    'retry_message': lambda s, a: messaging.retry_message(s, a, message_id=1),
    'retry_all_failed': messaging.retry_all_failed,
    'send_test_message': lambda s, a: messaging.send_test_message(s, a, channel='email'),
    'test_channels': messaging.test_channels,
}


@pytest.mark.parametrize('call', sorted(CALLS))
@pytest.mark.parametrize('who', ['customer', 'professional', 'anonymous'])
def test_only_admins_may_touch_the_outbox(call: str, who: str) -> None:
    actor = {'customer': make_customer, 'professional': make_approved_professional, 'anonymous': lambda: None}[who]()
    with session_scope(write=True) as session, pytest.raises(PermissionDenied):
        CALLS[call](session, actor)


def test_a_webhooks_key_and_token_are_never_shown() -> None:
    customer = make_customer()
    with session_scope(write=True) as session:
        messaging.set_channel(session, customer, channel=NotificationChannel.GOOGLE_CHAT.value, webhook_url=WEBHOOK)
    queue(customer, 'k1')
    with session_scope() as session:
        [row] = messaging.list_outbox(session, make_admin()).rows
    assert row.address == 'chat.googleapis.com/v1/spaces/SPACE/messages (key hidden)'
    assert 'SECRET' not in repr(row)


def test_a_retry_goes_to_the_address_the_person_has_now_and_is_audited() -> None:
    customer = make_customer(phone='+919800000001')
    message_id = queue(customer, 'k1', NotificationChannel.SMS)
    fail(message_id)
    with session_scope(write=True) as session:
        people.update_profile(
            session, customer, name=customer.name, phone='+919800000002', address='1 Road', pincode='560001'
        )
    admin = make_admin()
    with session_scope(write=True) as session:
        messaging.retry_message(session, admin, message_id=message_id, now=NOW)
    message = stored(message_id)
    assert (message.state, message.attempts, message.last_error, message.address) == (
        OutboxState.PENDING,
        0,
        None,
        '+919800000002',
    )
    with session_scope() as session:
        assert session.scalars(select(AuditEvent.actor_id).where(AuditEvent.action == 'outbox.retry')).all() == [
            admin.id
        ]


def test_after_a_fix_every_failed_message_is_retried_at_once() -> None:
    customer = make_customer()
    failed = [queue(customer, f'k{n}') for n in range(3)]
    for message_id in failed[:2]:
        fail(message_id)
    with session_scope(write=True) as session:
        assert messaging.retry_all_failed(session, OPERATOR, now=NOW) == 2
    assert [stored(m).state for m in failed] == [OutboxState.PENDING] * 3
    with session_scope() as session:
        details = session.scalars(select(AuditEvent.details).where(AuditEvent.action == 'outbox.retry_all')).one()
    assert details == {'count': 2}


def test_a_message_that_is_not_failed_cannot_be_retried() -> None:
    message_id = queue(make_customer(), 'k1')
    with session_scope(write=True) as session, pytest.raises(Exception, match='Only failed or not configured'):
        messaging.retry_message(session, OPERATOR, message_id=message_id)


def test_a_test_message_needs_an_address_on_that_channel() -> None:
    admin = make_admin()
    with session_scope(write=True) as session, pytest.raises(ValidationError, match='Google Chat webhook URL'):
        messaging.send_test_message(session, admin, channel='google_chat')
    with session_scope(write=True) as session, pytest.raises(ValidationError, match='Choose email'):
        messaging.send_test_message(session, admin, channel='pigeon')
