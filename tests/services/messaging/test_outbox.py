"""The outbox: messages are rows written in the deciding unit, unique by key, delivered after commit over real SMTP
and HTTP on loopback, retried with backoff when the other side may recover, failed when it will not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models import OutboxMessage
from models.enums import NotificationChannel, OutboxState
from services import Actor, messaging, session_scope
from services.messaging.delivery import claim_due
from tests.conftest import Outside
from tests.factories import make_customer
from tests.servers import Certificate, SmtpSink

NOW = datetime(2030, 3, 5, 9, 0, tzinfo=UTC)
WEBHOOK = 'https://chat.googleapis.com/v1/spaces/AAAA1234/messages?key=secret-key&token=secret-token'
MESSAGE = messaging.Message(
    subject='Your Plumbing request was accepted',
    text='Ravi Kumar accepted your Plumbing request.\n',
    html='<p>Ravi Kumar accepted your <b>Plumbing</b> request.</p>',
    short='Household Services: Ravi Kumar accepted your Plumbing request.',
)


def queue(actor: Actor, key: str = 'k-1', **overrides: object) -> bool:
    with session_scope(write=True) as session:
        fields = {'user_id': actor.id, 'kind': 'notifications', 'key': key, 'message': MESSAGE, 'now': NOW}
        return messaging.queue(session, **(fields | overrides))


def stored(key: str = 'k-1') -> OutboxMessage:
    with session_scope() as session:
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).one()
        session.expunge(message)
    return message


def choose(actor: Actor, channel: NotificationChannel) -> None:
    with session_scope(write=True) as session:
        messaging.set_channel(session, actor, channel=channel.value, webhook_url=WEBHOOK)


def deliver(at: datetime = NOW) -> messaging.DeliveryReport:
    return messaging.deliver_due(now=at)


# --- writing ----------------------------------------------------------------------------------------------------------


def test_a_message_of_a_unit_that_rolls_back_is_never_written() -> None:
    customer = make_customer()
    with pytest.raises(RuntimeError), session_scope(write=True) as session:
        messaging.queue(session, user_id=customer.id, kind='notifications', key='k-1', message=MESSAGE, now=NOW)
        raise RuntimeError('the change failed')
    with session_scope() as session:
        assert session.scalars(select(OutboxMessage)).all() == []


def test_a_key_is_written_once_however_often_it_is_queued() -> None:
    customer = make_customer()
    assert queue(customer) is True
    assert queue(customer) is False
    with session_scope() as session:
        assert len(session.scalars(select(OutboxMessage)).all()) == 1


@pytest.mark.parametrize(
    ('channel', 'address', 'body'),
    [
        (NotificationChannel.EMAIL, 'email', MESSAGE.text),
        (NotificationChannel.GOOGLE_CHAT, WEBHOOK, f'*{MESSAGE.subject}*\n{MESSAGE.text}'),
        (NotificationChannel.SMS, '+919876543210', MESSAGE.short),
    ],
)
def test_a_message_goes_on_the_channel_the_person_chose(channel: NotificationChannel, address: str, body: str) -> None:
    customer = make_customer(phone='+919876543210')
    choose(customer, channel)
    queue(customer)
    message = stored()
    assert (message.channel, message.address, message.body_text) == (
        channel,
        customer.email if address == 'email' else address,
        body,
    )
    assert (message.state, message.attempts, message.body_html is not None) == (
        OutboxState.PENDING,
        0,
        channel is NotificationChannel.EMAIL,
    )


# --- delivering -------------------------------------------------------------------------------------------------------


def test_email_goes_out_over_smtp_with_a_plain_and_an_html_part(outside: Outside) -> None:
    customer = make_customer()
    queue(customer, key='notifications:7:1-3')
    report = deliver()
    assert report.sent == [stored('notifications:7:1-3').id]
    [email] = outside.smtp.to(customer.email)
    assert email['Subject'] == MESSAGE.subject
    assert email['Message-ID'] == '<notifications.7.1-3@household-services.invalid>'
    assert email.get_body(('plain',)).get_content().replace('\r\n', '\n') == MESSAGE.text
    assert 'Ravi Kumar accepted your <b>Plumbing</b>' in email.get_body(('html',)).get_content()
    message = stored('notifications:7:1-3')
    assert (message.state, message.attempts, message.sent_at) == (OutboxState.SENT, 1, message.sent_at)
    assert message.sent_at is not None


def test_google_chat_gets_the_text_as_json_at_the_webhook(outside: Outside) -> None:
    customer = make_customer()
    choose(customer, NotificationChannel.GOOGLE_CHAT)
    queue(customer)
    assert len(deliver().sent) == 1
    [posted] = outside.http.to('/chat/')
    assert posted.path == '/chat/v1/spaces/AAAA1234/messages?key=secret-key&token=secret-token'
    assert posted.body == {'text': f'*{MESSAGE.subject}*\n{MESSAGE.text}'}


def test_sms_goes_to_the_gateway_with_its_fields_and_auth_header(outside: Outside) -> None:
    customer = make_customer(phone='+919876543210')
    choose(customer, NotificationChannel.SMS)
    queue(customer)
    assert len(deliver().sent) == 1
    [posted] = outside.http.to('/sms')
    assert posted.body == {'to': '+919876543210', 'text': MESSAGE.short}
    assert posted.headers['Authorization'] == 'Bearer test-gateway-key'


def test_a_channel_the_site_has_not_set_up_is_a_state_not_a_crash(monkeypatch) -> None:
    monkeypatch.setenv('HSA_SMTP_HOST', '')
    queue(make_customer())
    report = deliver()
    message = stored()
    assert report.not_configured == [message.id]
    assert message.state is OutboxState.NOT_CONFIGURED
    assert 'smtp_host' in message.last_error


def test_smtp_down_is_retried_with_backoff_then_failed_with_the_error(outside: Outside, monkeypatch) -> None:
    monkeypatch.setenv('HSA_SMTP_PORT', '1')  # nothing listens there: connection refused
    monkeypatch.setenv('HSA_OUTBOX_RETRY_SECONDS', '60')
    queue(make_customer())
    at = NOW
    for attempt in range(1, 5):
        assert deliver(at).retrying == [stored().id]
        message = stored()
        assert (message.state, message.attempts) == (OutboxState.PENDING, attempt)
        pause = message.next_attempt_at - at - timedelta(seconds=60 * 2 ** (attempt - 1))
        assert timedelta(0) <= pause < timedelta(seconds=1)  # counted from the failure, a moment after the run began
        assert deliver(message.next_attempt_at - timedelta(seconds=1)).sent == []  # not before its time
        at = message.next_attempt_at
    assert deliver(at).failed == [stored().id]
    message = stored()
    assert (message.state, message.attempts) == (OutboxState.FAILED, 5)
    assert 'ConnectionRefusedError' in message.last_error


@pytest.mark.parametrize(
    ('reply', 'state'), [('451 4.3.0 try again later', 'pending'), ('550 5.1.1 no such user', 'failed')]
)
def test_an_smtp_refusal_is_retried_only_when_temporary(outside: Outside, reply: str, state: str) -> None:
    outside.smtp.refuse(reply)
    queue(make_customer())
    deliver()
    message = stored()
    assert (message.state.value, message.last_error) == (state, f'SMTP {reply[:3]}: {reply[4:]}')


@pytest.mark.parametrize(('status', 'state'), [(500, 'pending'), (429, 'pending'), (404, 'failed'), (400, 'failed')])
def test_a_webhook_error_is_retried_only_when_the_other_side_may_recover(
    outside: Outside, status: int, state: str
) -> None:
    outside.http.answer('/chat/', status)
    customer = make_customer()
    choose(customer, NotificationChannel.GOOGLE_CHAT)
    queue(customer)
    deliver()
    message = stored()
    assert message.state.value == state
    assert message.last_error.startswith(f'HTTP {status} from 127.0.0.1:')


def test_a_gateway_that_times_out_is_tried_again(outside: Outside, monkeypatch) -> None:
    monkeypatch.setenv('HSA_DELIVERY_TIMEOUT_SECONDS', '1')
    outside.http.answer('/sms', 200, delay=2)
    customer = make_customer(phone='+919876543210')
    choose(customer, NotificationChannel.SMS)
    queue(customer)
    assert deliver().retrying == [stored().id]
    assert 'timed out' in stored().last_error


def test_a_message_leased_by_a_live_sender_is_left_alone_until_its_lease_runs_out(outside: Outside) -> None:
    queue(make_customer())
    with session_scope(write=True) as session:
        [claimed] = claim_due(session, now=NOW)  # a sender that then dies
    assert deliver(NOW + timedelta(seconds=299)).sent == []
    assert deliver(NOW + timedelta(seconds=300)).sent == [claimed.id]
    assert (stored().attempts, len(outside.smtp.messages)) == (2, 1)


def test_backoff_doubles_and_stops_at_its_cap(monkeypatch) -> None:
    monkeypatch.setenv('HSA_OUTBOX_RETRY_SECONDS', '60')
    monkeypatch.setenv('HSA_OUTBOX_RETRY_MAX_SECONDS', '300')
    assert [messaging.backoff(n).total_seconds() for n in range(1, 6)] == [60, 120, 240, 300, 300]


# --- encrypted SMTP ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope='module')
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return Certificate.make(tmp_path_factory.mktemp('tls'))


@pytest.mark.parametrize('security', ['starttls', 'tls'])
def test_email_goes_over_starttls_or_implicit_tls_to_a_server_whose_certificate_is_trusted(
    certificate: Certificate, monkeypatch: pytest.MonkeyPatch, security: str
) -> None:
    server = SmtpSink(tls=security, certificate=certificate).start()
    try:
        for key, value in {'HSA_SMTP_HOST': '127.0.0.1', 'HSA_SMTP_PORT': str(server.port)}.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv('HSA_SMTP_SECURITY', security)
        monkeypatch.setenv('HSA_SMTP_CA_FILE', str(certificate.cert))
        customer = make_customer()
        queue(customer)
        assert len(deliver().sent) == 1
        assert [m['Subject'] for m in server.to(customer.email)] == [MESSAGE.subject]
    finally:
        server.stop()


def test_a_server_whose_certificate_is_not_trusted_gets_nothing(
    certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = SmtpSink(tls='tls', certificate=certificate).start()
    try:
        monkeypatch.setenv('HSA_SMTP_HOST', '127.0.0.1')
        monkeypatch.setenv('HSA_SMTP_PORT', str(server.port))
        monkeypatch.setenv('HSA_SMTP_SECURITY', 'tls')  # and no smtp_ca_file: the system's CAs do not know it
        queue(make_customer())
        assert len(deliver().retrying) == 1
        assert 'CERTIFICATE_VERIFY_FAILED' in stored().last_error
        assert server.messages == []
    finally:
        server.stop()
