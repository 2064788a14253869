"""On the 1st at report_time, each customer with activity last month gets one email (HTML, text, the PDF and a
one-click unsubscribe link), once per customer and month whatever reruns and second schedulers do; the customers
with no activity, who unsubscribed or who are blocked get nothing."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage

from services import reports, runtime, session_scope
from tests.conftest import Outside
from tests.factories import block, book_request, make_customer, schedule_ran_before, slot
from tests.services.reports.report_support import (
    FEBRUARY,
    IN_FEBRUARY,
    REPORT_DAY,
    attachments_of,
    closed_job,
    report_messages,
)
from tests.services.request_support import make_market


def test_each_active_customer_gets_one_report_email_with_the_pdf_and_nobody_else_does() -> None:
    market = make_market(name='Plumbing')
    second = make_customer(name='Second Customer')
    idle = make_customer(name='Idle Customer')
    closed_job(market.customer, market.pro, market.service.id, booked=IN_FEBRUARY)
    book_request(second, market.service.id, now=IN_FEBRUARY, at=slot(IN_FEBRUARY, days=30))
    run = reports.queue_monthly_reports(FEBRUARY, now=REPORT_DAY)
    assert sorted(run.queued) == sorted([market.customer.id, second.id])
    messages = {m.user_id: m for m in report_messages()}
    assert idle.id not in messages
    mine = messages[market.customer.id]
    assert mine.idempotency_key == f'monthly-report:2030-02:{market.customer.id}'
    assert mine.subject.endswith('February 2030') or 'February 2030' in mine.subject
    assert 'Plumbing' in mine.body_text and 'Plumbing' in mine.body_html
    assert mine.unsubscribe_url.startswith('http://127.0.0.1:8080/unsubscribe/')
    [pdf] = attachments_of(mine.id)
    assert (pdf.filename, pdf.content_type) == ('household-services-2030-02.pdf', 'application/pdf')
    assert pdf.content.startswith(b'%PDF')


def test_a_rerun_and_two_schedulers_at_once_send_each_report_once() -> None:
    market = make_market()
    closed_job(market.customer, market.pro, market.service.id, booked=IN_FEBRUARY)
    book_request(make_customer(), market.service.id, now=IN_FEBRUARY, at=slot(IN_FEBRUARY, days=30))
    runs: list[reports.ReportRun] = []
    racers = [
        threading.Thread(target=lambda: runs.append(reports.queue_monthly_reports(FEBRUARY, now=REPORT_DAY)))
        for _ in range(2)
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    assert len(report_messages()) == 2
    assert sum(len(run.queued) for run in runs) == 2
    again = reports.queue_monthly_reports(FEBRUARY, now=REPORT_DAY + timedelta(hours=1))
    assert (again.queued, again.sent_before, len(report_messages())) == ([], 2, 2)


def test_the_schedule_runs_the_report_on_the_first_at_report_time_once_for_last_month() -> None:
    market = make_market()
    closed_job(market.customer, market.pro, market.service.id, booked=IN_FEBRUARY)
    schedule_ran_before(REPORT_DAY - timedelta(days=40))
    before = REPORT_DAY - timedelta(minutes=1)
    assert 'monthly-report' not in [claim.job for claim in runtime.tick(before) if claim.period == '2030-02']
    due = [claim for claim in runtime.tick(REPORT_DAY) if claim.job == 'monthly-report']
    assert [claim.period for claim in due] == ['2030-02']
    assert 'monthly-report' not in [claim.job for claim in runtime.tick(REPORT_DAY + timedelta(minutes=5))]
    summary = runtime.run(due[0], now=REPORT_DAY)
    assert summary.startswith('2030-02: 1 report(s) queued')
    assert [m.user_id for m in report_messages()] == [market.customer.id]


def test_unsubscribed_and_blocked_customers_get_no_report_and_a_resubscribed_one_does() -> None:
    market = make_market()
    leaver, blocked = make_customer(name='Leaver'), make_customer(name='Blocked')
    for customer in (market.customer, leaver, blocked):
        closed_job(customer, market.pro, market.service.id, booked=IN_FEBRUARY)
    token = reports.unsubscribe_url(leaver.id).rsplit('/', 1)[1]
    with session_scope(write=True) as session:
        assert reports.unsubscribe(session, token).already is False
    block(blocked)
    run = reports.queue_monthly_reports(FEBRUARY, now=REPORT_DAY)
    assert (run.queued, run.unsubscribed) == ([market.customer.id], 2)
    with session_scope(write=True) as session:
        reports.set_report_subscription(session, leaver, subscribed=True)
    march = datetime(2030, 3, 10, 3, 30, tzinfo=UTC)
    closed_job(leaver, market.pro, market.service.id, booked=march)
    assert reports.queue_monthly_reports(date(2030, 3, 1), now=march + timedelta(days=25)).queued == [leaver.id]


def test_the_email_leaves_with_html_text_the_pdf_and_one_click_unsubscribe_headers(outside: Outside) -> None:
    market = make_market(name='Deep cleaning')
    closed_job(market.customer, market.pro, market.service.id, booked=IN_FEBRUARY, rating=5)
    reports.queue_monthly_reports(FEBRUARY, now=REPORT_DAY)
    runtime.deliver_outbox(REPORT_DAY + timedelta(minutes=1))
    [email] = outside.smtp.to(market.customer.email)
    assert email['List-Unsubscribe'].strip().startswith('<http://127.0.0.1:8080/unsubscribe/')
    assert email['List-Unsubscribe-Post'].strip() == 'List-Unsubscribe=One-Click'
    parts = {part.get_content_type(): part for part in email.walk() if not part.is_multipart()}
    assert set(parts) == {'text/plain', 'text/html', 'application/pdf'}
    assert 'Deep cleaning' in parts['text/html'].get_content()
    assert parts['application/pdf'].get_filename() == 'household-services-2030-02.pdf'
    assert _pdf_bytes(parts['application/pdf']).startswith(b'%PDF')
    [message] = report_messages()
    assert attachments_of(message.id) == []  # sent: the file is not kept in the outbox


def _pdf_bytes(part: EmailMessage) -> bytes:
    content = part.get_content()
    assert isinstance(content, bytes)
    return content
