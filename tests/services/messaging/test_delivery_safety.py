"""What keeps at-least-once delivery from turning into many-times or never: leases no send outlives, outcomes only
from the run that holds the lease, a surprise that does not strand the batch, a sender that dies on every attempt,
and the recipient's address taken as one mailbox."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from models import OutboxMessage
from models.enums import NotificationChannel, OutboxState
from services import Actor, messaging, session_scope
from services.messaging import delivery, transports
from tests.conftest import Outside
from tests.factories import make_customer

NOW = datetime(2030, 3, 5, 9, 0, tzinfo=UTC)
WEBHOOK = 'https://chat.googleapis.com/v1/spaces/SPACE/messages?key=k&token=t'


def queue(actor: Actor, key: str, channel: NotificationChannel | None = None, name: str = 'Meera') -> None:
    message = messaging.render('test', name=name, sent_on='today')
    with session_scope(write=True) as session:
        messaging.queue(session, user_id=actor.id, kind='test', key=key, message=message, channel=channel, now=NOW)


def rows() -> list[OutboxMessage]:
    with session_scope() as session:
        found = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        session.expunge_all()
    return found


def texted(count: int) -> list[Actor]:
    people = [make_customer(phone=f'+9198000000{n:02d}') for n in range(count)]
    for n, person in enumerate(people):
        queue(person, f'k{n}', NotificationChannel.SMS)
    return people


def test_a_run_hands_back_what_it_could_not_send_within_its_lease_and_nothing_goes_out_twice(
    outside: Outside, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('HSA_OUTBOX_LEASE_SECONDS', '3')
    monkeypatch.setenv('HSA_DELIVERY_TIMEOUT_SECONDS', '1')  # a send may take 2 s at worst: one per run fits
    outside.http.answer('/sms', 200, delay=0.5)
    texted(4)
    reports: list[messaging.DeliveryReport] = []
    run, deadline = messaging.RunClock(NOW), NOW + timedelta(seconds=30)

    def deliverer() -> None:
        while run.now() < deadline and not all(row.state is OutboxState.SENT for row in rows()):
            reports.append(messaging.deliver_due(now=run.now()))

    threads = [threading.Thread(target=deliverer) for _ in range(2)]  # two deliverers at once, as two workers
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r.body['to'] for r in outside.http.to('/sms')) == [f'+9198000000{n:02d}' for n in range(4)]
    assert [row.attempts for row in rows()] == [1, 1, 1, 1]  # a handed-back message did not count an attempt
    assert any(report.handed_back for report in reports)


def test_an_outcome_from_a_run_that_lost_its_lease_changes_nothing(outside: Outside) -> None:
    texted(1)
    with session_scope(write=True) as session:
        [claimed] = delivery.claim_due(session, now=NOW, token='first-run')
    later = NOW + timedelta(minutes=10)  # the first run stalled past its lease: a second run takes the message
    assert messaging.deliver_due(now=later).sent == [claimed.id]
    assert delivery._record_failure(claimed.id, 'first-run', 'late timeout', transient=True, now=later) is False
    [row] = rows()
    assert (row.state, row.last_error, row.attempts) == (OutboxState.SENT, None, 2)


def test_a_surprise_while_sending_one_message_does_not_strand_the_rest(outside: Outside, monkeypatch) -> None:
    texted(3)
    real_send = transports.Sender.send

    def send(self: transports.Sender, message: transports.Outgoing) -> None:
        if message.address.endswith('01'):
            raise KeyError('a bug')
        real_send(self, message)

    monkeypatch.setattr(transports.Sender, 'send', send)
    report = messaging.deliver_due(now=NOW)
    assert (len(report.sent), len(report.retrying)) == (2, 1)
    states = [(row.state, row.last_error) for row in rows()]
    assert states[1] == (OutboxState.PENDING, "unexpected: KeyError('a bug')")


def test_a_message_whose_sender_dies_on_every_attempt_is_failed_not_retried_forever(outside: Outside) -> None:
    texted(1)
    with session_scope(write=True) as session:
        session.execute(update(OutboxMessage).values(state=OutboxState.SENDING, attempts=5, lease_until=NOW))
    assert messaging.deliver_due(now=NOW + timedelta(seconds=1)).claimed == 0
    [row] = rows()
    assert (row.state, row.last_error) == (OutboxState.FAILED, delivery.GAVE_UP)
    assert outside.http.received == []


@pytest.mark.parametrize('email', ['x,victim@corp.example', 'meera<victim@corp.example'])
def test_an_address_that_would_reach_another_mailbox_is_refused(outside: Outside, email: str) -> None:
    customer = make_customer(email=email)
    queue(customer, 'k1')
    assert len(messaging.deliver_due(now=NOW).failed) == 1
    assert 'cannot be sent to as one mailbox' in rows()[0].last_error
    assert outside.smtp.messages == []


def test_angle_brackets_people_typed_cannot_mention_everyone_in_google_chat(outside: Outside) -> None:
    customer = make_customer()
    with session_scope(write=True) as session:
        messaging.set_channel(session, customer, channel=NotificationChannel.GOOGLE_CHAT.value, webhook_url=WEBHOOK)
    queue(customer, 'k1', name='<users/all> <https://evil.example|your bank>')
    messaging.deliver_due(now=NOW)
    [posted] = outside.http.to('/chat/')
    assert '<' not in posted.body['text'] and '>' not in posted.body['text']
    assert '\u2039users/all\u203a' in posted.body['text']


def test_a_mail_server_that_will_not_let_us_sign_in_is_an_outage_not_a_bad_message(
    outside: Outside, monkeypatch
) -> None:
    monkeypatch.setenv('HSA_SMTP_USER', 'relay-user')  # the stand-in offers no AUTH: like a wrong password
    monkeypatch.setenv('HSA_SMTP_PASSWORD', 'secret')
    queue(make_customer(), 'k1')
    report = messaging.deliver_due(now=NOW)
    assert len(report.retrying) == 1
    assert rows()[0].last_error.startswith('cannot reach or sign in to the mail server')
