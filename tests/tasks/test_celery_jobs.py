"""Jobs on Celery + Redis, for real: beat ticks, a worker runs what is due, messages reach the SMTP server and the
HTTP stand-ins once; a second scheduler adds nothing; a worker killed in the middle of sending loses nothing."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from models import JobRun, OutboxMessage
from models.enums import PERSONAL_CHANNELS, NotificationChannel, OutboxState
from services import clock, exports, messaging, runtime, session_scope
from settings import get_settings
from tasks import relay, submit
from tests.factories import (
    accept_request,
    book_request,
    make_approved_professional,
    make_customer,
    make_service,
    schedule_ran_before,
    slot,
)
from tests.servers import HttpSink, SmtpSink, wait_until
from tests.services.reports.report_support import IN_FEBRUARY, closed_job
from tests.services.request_support import make_market
from tests.tasks.conftest import Celery

pytestmark = pytest.mark.xdist_group('celery')  # one redis-server and one worker for all of them
WEBHOOK = 'https://chat.googleapis.com/v1/spaces/SPACE/messages?key=k&token=t'


def outbox_states(kind: str | None = None) -> list[OutboxState]:
    query = select(OutboxMessage.state).order_by(OutboxMessage.id)
    with session_scope() as session:
        return list(session.scalars(query.where(OutboxMessage.kind == kind) if kind else query))


def reminders_to(sink: SmtpSink | HttpSink, where: str) -> int:
    if isinstance(sink, SmtpSink):
        return sum('your work on' in m['Subject'] for m in sink.to(where))
    return sum('open request' in r.body.get('text', '') for r in sink.to(where))


def runs_of(job: str) -> list[str]:
    with session_scope() as session:
        return list(session.scalars(select(JobRun.period).where(JobRun.job == job)))


def professionals_with_pending_work() -> dict[NotificationChannel, object]:
    """Three approved professionals of one service, one per channel, and a customer's open request for them."""
    service = make_service()
    pros = {
        channel: make_approved_professional(service_id=service.id, phone=f'+91980000000{n}')
        for n, channel in enumerate(PERSONAL_CHANNELS)
    }
    with session_scope(write=True) as session:
        chat, sms = pros[NotificationChannel.GOOGLE_CHAT], pros[NotificationChannel.SMS]
        messaging.set_channel(session, chat, channel=NotificationChannel.GOOGLE_CHAT.value, webhook_url=WEBHOOK)
        messaging.set_channel(session, sms, channel=NotificationChannel.SMS.value)
    book_request(make_customer(), service.id, now=clock.now(), at=slot(clock.now(), days=3))
    return pros


def test_beat_and_a_worker_remind_each_professional_once_on_their_channel_and_a_second_scheduler_adds_nothing(
    jobs: Celery, smtp_sink: SmtpSink, http_sink: HttpSink
) -> None:
    pros = professionals_with_pending_work()
    schedule_ran_before(clock.now())  # a site that has been running: today's reminders are due
    jobs.start_beat()
    sent = [OutboxState.SENT] * 3
    assert wait_until(lambda: outbox_states('reminder') == sent, timeout=60), outbox_states('reminder')
    counted = (
        reminders_to(smtp_sink, pros[NotificationChannel.EMAIL].email),
        reminders_to(http_sink, '/chat/v1/spaces/SPACE/'),
        reminders_to(http_sink, '/sms'),
    )
    assert counted == (1, 1, 1)
    sweeps = len(runs_of('outbox'))
    jobs.start_beat()  # a second scheduler, as after a failover or a misconfiguration
    assert wait_until(lambda: len(runs_of('outbox')) >= sweeps + 4, timeout=60)
    today = runtime.job_named('daily-reminders').period(clock.now(), get_settings())
    assert sorted(runs_of('daily-reminders'))[-1] == today  # after the one history arranged: today's, once
    assert len(runs_of('daily-reminders')) == 2
    assert outbox_states('reminder') == sent
    assert counted == (
        reminders_to(smtp_sink, pros[NotificationChannel.EMAIL].email),
        reminders_to(http_sink, '/chat/v1/spaces/SPACE/'),
        reminders_to(http_sink, '/sms'),
    )


def test_a_worker_killed_while_the_smtp_server_holds_a_message_loses_none(jobs: Celery, smtp_sink: SmtpSink) -> None:
    customers = [make_customer() for _ in range(3)]
    smtp_sink.hold()
    with session_scope(write=True) as session:
        for customer in customers:
            message = messaging.render('test', name=customer.name, sent_on='today')
            key = f'test:{customer.id}'
            messaging.queue(session, user_id=customer.id, kind='test', key=key, message=message, now=clock.now())
    submit(runtime.JobRequest(messaging.DELIVER_JOB, {}))
    assert smtp_sink.arrived.wait(timeout=30)  # the worker is in the middle of the first message
    jobs.kill_worker()
    smtp_sink.release()  # the server finishes taking that message: the sender never heard its 250
    jobs.start_worker()
    jobs.start_beat()  # sweeps the outbox every tick: the dead worker's lease runs out after 3 s
    assert wait_until(lambda: outbox_states() == [OutboxState.SENT] * 3, timeout=60), outbox_states()
    received = [len(smtp_sink.to(customer.email)) for customer in customers]
    assert all(count >= 1 for count in received)  # at least once, each
    assert sum(received) - len(customers) <= 1  # at most the one message that was in flight came twice


def test_an_accepted_request_is_emailed_to_the_customer_through_the_workers(jobs: Celery, smtp_sink: SmtpSink) -> None:
    service = make_service(name='Plumbing')
    customer, pro = make_customer(), make_approved_professional(service_id=service.id)
    request_id = book_request(customer, service.id, now=clock.now(), at=slot(clock.now(), days=3))
    accept_request(pro, request_id, now=clock.now())
    jobs.start_beat()
    assert wait_until(lambda: smtp_sink.to(customer.email), timeout=60)
    [email] = smtp_sink.to(customer.email)
    assert 'accepted your Plumbing request' in email['Subject']
    assert f'/customer/requests/{request_id}' in email.get_body(('plain',)).get_content()


def test_a_job_asked_for_after_commit_runs_on_a_worker(jobs: Celery, smtp_sink: SmtpSink) -> None:
    customer = make_customer()
    with session_scope(write=True) as session:
        message = messaging.render('test', name=customer.name, sent_on='today')
        messaging.queue(session, user_id=customer.id, kind='test', key='test:1', message=message, now=clock.now())
    submit(runtime.JobRequest(messaging.DELIVER_JOB, {}))
    assert wait_until(lambda: smtp_sink.to(customer.email), timeout=30)
    # the server has the message before the worker's SMTP session ends and it records the message as sent
    assert wait_until(lambda: outbox_states() == [OutboxState.SENT], timeout=30), outbox_states()


def test_an_export_runs_on_a_worker_and_its_progress_reaches_the_app_over_redis_in_order(
    jobs: Celery, smtp_sink: SmtpSink, redis_url: str
) -> None:
    market = make_market()
    for _ in range(3):
        closed_job(market.customer, market.pro, market.service.id, booked=IN_FEBRUARY)
    heard: list[runtime.DomainEvent] = []

    async def listen_while_it_runs() -> None:  # what an app process's listener does
        listener = asyncio.create_task(relay.listen(redis_url, heard.append))
        await asyncio.sleep(0.5)  # subscribed
        with session_scope(write=True) as session:
            export_id = exports.create_export(session, market.pro).id
        submit(runtime.JobRequest(exports.EXPORT_JOB, {'export_id': export_id}))
        for _ in range(600):
            if any(event.data.get('state') == 'done' for event in heard):
                break
            await asyncio.sleep(0.05)
        listener.cancel()

    asyncio.run(listen_while_it_runs())
    states = [(event.data['state'], event.data['rows_done']) for event in heard if event.name == exports.CHANGED_EVENT]
    assert states[0] == ('running', 0)
    assert states[-1] == ('done', 3)
    assert [rows for _, rows in states] == sorted(rows for _, rows in states)  # in order, never backwards
    assert wait_until(lambda: smtp_sink.to(market.pro.email), timeout=30)
    assert 'ready' in smtp_sink.to(market.pro.email)[0]['Subject'].lower()
