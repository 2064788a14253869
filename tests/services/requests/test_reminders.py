"""The daily reminder: each approved, unblocked professional with pending work gets one message a local day on their
channel, listing what waits, with links into the app; nobody else gets one."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from models import OutboxMessage
from models.enums import NotificationChannel
from services import messaging, requests, session_scope
from tests.conftest import Outside
from tests.factories import (
    accept_request,
    block,
    book_request,
    make_approved_professional,
    make_customer,
    make_professional,
    slot,
)
from tests.services.request_support import NOW, make_market

TODAY = date(2030, 3, 4)


def remind(day: date = TODAY, at: timedelta = timedelta(0)) -> int:
    with session_scope(write=True) as session:
        return requests.queue_daily_reminders(session, day=day, now=NOW + at)


def reminders() -> list[OutboxMessage]:
    with session_scope() as session:
        rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == 'reminder')))
        session.expunge_all()
    return rows


def test_a_professional_with_an_open_request_and_a_job_gets_both_listed_with_links() -> None:
    market = make_market(name='Plumbing')
    open_id = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, days=3))
    job_id = book_request(market.customer, market.service.id, now=NOW, address='12 MG Road')
    accept_request(market.pro, job_id, now=NOW)
    assert remind() == 1
    [message] = reminders()
    assert (message.user_id, message.idempotency_key) == (market.pro.id, f'reminder:{market.pro.id}:2030-03-04')
    assert message.subject == '1 open request and 1 job to complete — your work on Mon 04 Mar 2030'
    assert '- Plumbing on Thu 07 Mar 2030, 08:00 in 560001' in message.body_text
    assert '- Plumbing on Wed 06 Mar 2030, 08:00, 12 MG Road (560001)' in message.body_text
    assert 'http://127.0.0.1:8080/professional/inbox' in message.body_text
    assert 'http://127.0.0.1:8080/professional/jobs' in message.body_html
    assert open_id != job_id


def test_nobody_without_pending_work_or_not_approved_or_blocked_is_reminded() -> None:
    market = make_market()
    book_request(market.customer, market.service.id, now=NOW)
    pending = make_professional(service_id=market.service.id)
    blocked = make_approved_professional(service_id=market.service.id)
    block(blocked)
    idle = make_approved_professional()  # another service: nothing for them
    assert remind() == 1
    assert [m.user_id for m in reminders()] == [market.pro.id]
    assert {pending.id, blocked.id, idle.id}.isdisjoint(m.user_id for m in reminders())


def test_a_second_run_the_same_day_writes_nothing_and_the_next_day_reminds_again() -> None:
    market = make_market()
    job_id = book_request(market.customer, market.service.id, now=NOW)
    accept_request(market.pro, job_id, now=NOW)
    assert (remind(), remind(at=timedelta(hours=2))) == (1, 0)
    assert remind(TODAY + timedelta(days=1), at=timedelta(days=1)) == 1
    assert len(reminders()) == 2


def test_what_customers_typed_is_escaped_in_the_html_email() -> None:
    market = make_market()
    job_id = book_request(market.customer, market.service.id, now=NOW, address='<script>alert(1)</script> Lane')
    accept_request(market.pro, job_id, now=NOW)
    remind()
    [message] = reminders()
    assert '&lt;script&gt;alert(1)&lt;/script&gt; Lane' in message.body_html
    assert '<script>' not in message.body_html
    assert '<script>alert(1)</script> Lane' in message.body_text  # plain text stays as typed


def test_a_reminder_reaches_each_channel(outside: Outside) -> None:
    market = make_market()
    chat = make_approved_professional(service_id=market.service.id, phone='+919800000001')
    sms = make_approved_professional(service_id=market.service.id, phone='+919800000002')
    with session_scope(write=True) as session:
        webhook = 'https://chat.googleapis.com/v1/spaces/SPACE/messages?key=k&token=t'
        messaging.set_channel(session, chat, channel=NotificationChannel.GOOGLE_CHAT.value, webhook_url=webhook)
        messaging.set_channel(session, sms, channel=NotificationChannel.SMS.value)
    book_request(make_customer(), market.service.id, now=NOW)
    assert remind() == 3
    assert len(messaging.deliver_due(now=NOW).sent) == 3
    assert len(outside.smtp.to(market.pro.email)) == 1
    [posted] = outside.http.to('/chat/v1/spaces/SPACE/')
    assert '1 open request' in posted.body['text']
    [texted] = outside.http.to('/sms')
    assert texted.body['to'] == '+919800000002'
    assert texted.body['text'].startswith(
        'Household Services: 1 open request. http://127.0.0.1:8080/professional/inbox'
    )
