"""Transactional messages: notifications go out on each person's channel, a burst as one message once it has gone
quiet (or waited long enough), stale ones never; and the real transitions reach a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import Notification, OutboxMessage
from models.enums import OutboxState
from services import Actor, messaging, people, session_scope
from tests.conftest import Outside
from tests.factories import OPERATOR, accept_request, book_request, make_customer
from tests.services.request_support import NOW, make_market

SECOND = timedelta(seconds=1)


def notify(actor: Actor, message: str, at: timedelta, request_id: int | None = None) -> None:
    with session_scope(write=True) as session:
        messaging.notify(session, actor.id, 'request.accepted', message, request_id=request_id, now=NOW + at)


def dispatch(at: timedelta) -> int:
    with session_scope(write=True) as session:
        return messaging.dispatch_notifications(session, now=NOW + at)


def outbox() -> list[OutboxMessage]:
    with session_scope() as session:
        rows = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        session.expunge_all()
    return rows


def undispatched() -> int:
    with session_scope() as session:
        return len(session.scalars(select(Notification).where(Notification.dispatched_at.is_(None))).all())


def test_a_burst_goes_out_as_one_message_once_it_has_been_quiet() -> None:
    customer = make_customer(name='Meera Iyer')
    for n, offset in enumerate((0, 20, 40)):
        notify(customer, f'Update {n}', offset * SECOND)
    assert dispatch(99 * SECOND) == 0  # the last one is 59 s old: the burst may go on
    assert dispatch(100 * SECOND) == 1
    [message] = outbox()
    assert message.subject == '3 updates on your requests'
    assert [line for line in message.body_text.splitlines() if line.startswith('- ')] == [
        '- Update 0',
        '- Update 1',
        '- Update 2',
    ]
    assert (message.kind, message.user_id, undispatched()) == ('notifications', customer.id, 0)


def test_a_stream_that_never_goes_quiet_is_sent_after_the_longest_delay() -> None:
    customer = make_customer()
    for offset in range(0, 601, 30):
        notify(customer, f'At {offset}', offset * SECOND)
        assert dispatch(offset * SECOND) == (1 if offset == 600 else 0)
    assert len(outbox()) == 1


def test_a_second_run_sends_nothing_more() -> None:
    customer = make_customer()
    notify(customer, 'Accepted', timedelta(0))
    assert dispatch(timedelta(minutes=5)) == 1
    assert dispatch(timedelta(minutes=6)) == 0
    assert len(outbox()) == 1


def test_notifications_older_than_a_day_are_not_sent_out() -> None:
    customer = make_customer()
    notify(customer, 'Old news', timedelta(0))
    assert dispatch(timedelta(hours=25)) == 0
    assert (outbox(), undispatched()) == ([], 0)


def test_each_person_gets_their_own_message_with_links_to_their_own_pages() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    accept_request(market.pro, request_id, now=NOW)
    assert dispatch(timedelta(minutes=5)) == 1  # the professional's approval is from today: stale in 2030
    [to_customer] = outbox()
    assert to_customer.user_id == market.customer.id
    assert f'http://127.0.0.1:8080/customer/requests/{request_id}' in to_customer.body_text
    assert 'accepted your' in to_customer.subject


def test_an_accepted_request_reaches_the_customer_by_email(outside: Outside) -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    accept_request(market.pro, request_id, now=NOW)
    dispatch(timedelta(minutes=5))
    report = messaging.deliver_due(now=NOW + timedelta(minutes=5))
    assert len(report.sent) == 1
    [email] = outside.smtp.to(market.customer.email)
    assert 'accepted your' in email['Subject']
    assert f'/customer/requests/{request_id}' in email.get_body(('html',)).get_content()


def test_a_blocked_person_is_told_why_on_their_channel(outside: Outside) -> None:
    customer = make_customer()
    with session_scope(write=True) as session:
        people.block_user(session, OPERATOR, user_id=customer.id, reason='Payments bounced twice.', now=NOW)
    dispatch(timedelta(minutes=5))
    messaging.deliver_due(now=NOW + timedelta(minutes=5))
    [email] = outside.smtp.to(customer.email)
    assert 'Your account was blocked: Payments bounced twice.' in email.get_body(('plain',)).get_content()
    assert [m.state for m in outbox()] == [OutboxState.SENT]
