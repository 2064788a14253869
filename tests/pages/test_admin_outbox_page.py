"""`/admin/outbox`: the messages that leave the app with their state, attempts and last error; counts per state and
the state filter in the URL; Retry on a failed message; a test message to the admin; only admins get in."""

from __future__ import annotations

from nicegui.testing import User
from sqlalchemy import select, update

from models import AuditEvent, OutboxMessage
from models.enums import NotificationChannel, OutboxState
from services import Actor, clock, messaging, session_scope
from tests.factories import make_admin, make_customer
from tests.pages.support import path_of
from tests.pages.test_admin_services_page import open_page, wait_for

PAGE = '/admin/outbox'


def queued(actor: Actor, key: str, *, state: OutboxState = OutboxState.PENDING, error: str | None = None) -> int:
    message = messaging.render('test', name=actor.name, sent_on='today')
    with session_scope(write=True) as session:
        messaging.queue(session, user_id=actor.id, kind='test', key=key, message=message, now=clock.now())
        message_id = session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key))
        attempts = 5 if state is OutboxState.FAILED else 0
        values = {'state': state, 'last_error': error, 'attempts': attempts}
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values))
    return message_id


def stored(message_id: int) -> OutboxMessage:
    with session_scope() as session:
        message = session.get(OutboxMessage, message_id)
        session.expunge(message)
    return message


async def test_admin_sees_each_message_with_its_state_attempts_and_last_error(user: User) -> None:
    admin, customer = make_admin(), make_customer(name='Meera Iyer')
    failed = queued(customer, 'a', state=OutboxState.FAILED, error='SMTP 127.0.0.1:25: ConnectionRefusedError(111)')
    queued(customer, 'b', state=OutboxState.SENT)
    await open_page(user, admin, PAGE, f'outbox-{failed}')
    await user.should_see('Test message: Test message from Household Services')
    await user.should_see(f'To Meera Iyer by Email ({customer.email})')
    await user.should_see('5 attempts')
    await user.should_see('Last error: SMTP 127.0.0.1:25: ConnectionRefusedError(111)')
    await user.should_see(marker=f'outbox-{failed}-retry')
    await user.should_see(marker='outbox-count-failed')
    await user.should_see('1 failed')
    await user.should_see('1 sent')


async def test_retry_sends_a_failed_message_again_from_the_first_attempt_and_is_audited(user: User) -> None:
    admin, customer = make_admin(), make_customer()
    failed = queued(customer, 'a', state=OutboxState.FAILED, error='HTTP 500 from chat')
    await open_page(user, admin, PAGE, f'outbox-{failed}-retry')
    user.find(marker=f'outbox-{failed}-retry').click()
    await wait_for(lambda: stored(failed).state is OutboxState.PENDING)
    assert (stored(failed).attempts, stored(failed).last_error) == (0, None)
    with session_scope() as session:
        assert session.scalars(select(AuditEvent.target_id).where(AuditEvent.action == 'outbox.retry')).all() == [
            failed
        ]


async def test_the_state_filter_lives_in_the_url(user: User) -> None:
    admin, customer = make_admin(), make_customer()
    failed = queued(customer, 'a', state=OutboxState.FAILED, error='boom')
    sent = queued(customer, 'b', state=OutboxState.SENT)
    await open_page(user, admin, f'{PAGE}?state=failed', f'outbox-{failed}')
    await user.should_not_see(marker=f'outbox-{sent}')
    await user.open(f'{PAGE}?state=sending')
    await user.should_see('No message is sending.')
    await user.open(f'{PAGE}?state=lost')
    await user.should_see('Choose a state from the list.')


async def test_admin_sends_themself_a_test_email_and_cannot_test_chat_without_a_webhook(user: User) -> None:
    admin = make_admin()
    await open_page(user, admin, PAGE, 'outbox-test-email')
    chat = user.find(marker='outbox-test-google_chat').elements.pop()
    assert not chat.enabled
    await user.should_see('Add a webhook URL on your account page.')
    user.find(marker='outbox-test-email').click()
    await user.should_see('Test message queued')
    with session_scope() as session:
        message = session.scalars(select(OutboxMessage)).one()
        audited = session.scalars(select(AuditEvent.details).where(AuditEvent.action == 'outbox.test')).one()
    assert (message.user_id, message.channel, message.kind, message.address) == (
        admin.id,
        NotificationChannel.EMAIL,
        'test',
        admin.email,
    )
    assert audited == {'channel': 'email'}


async def test_others_are_sent_to_their_own_home(user: User) -> None:
    await open_page(user, make_customer(), '/customer', 'frame-user-name')
    await user.open(PAGE)
    await user.should_see(marker='frame-user-name')
    assert path_of(user) == '/customer'


async def test_a_message_that_cannot_reach_the_mail_server_ends_failed_with_its_error_on_the_page(
    user: User, monkeypatch
) -> None:
    monkeypatch.setenv('HSA_SMTP_HOST', '127.0.0.1')
    monkeypatch.setenv('HSA_SMTP_PORT', '1')  # nothing listens there
    monkeypatch.setenv('HSA_OUTBOX_RETRY_SECONDS', '0')
    admin, customer = make_admin(), make_customer()
    message_id = queued(customer, 'down')
    for _ in range(5):  # every attempt the outbox allows, as the schedule would make them
        messaging.deliver_due()
    assert stored(message_id).state is OutboxState.FAILED
    await open_page(user, admin, f'{PAGE}?state=failed', f'outbox-{message_id}')
    await user.should_see(marker=f'outbox-{message_id}-retry')
    await user.should_see('5 attempts')
    error = user.find(marker=f'outbox-{message_id}-error').elements.pop().text
    assert error.startswith('Last error: cannot reach or sign in to the mail server: SMTP 127.0.0.1:1:')
    assert 'ConnectionRefusedError' in error
