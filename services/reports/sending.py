"""Sending a month's reports: every customer with activity that month who has not unsubscribed (and is not blocked)
gets one email with the report as HTML, text and a PDF. Batch by batch: one read unit builds a batch's reports, the
renderings run outside any transaction, one short write unit queues them. The outbox key (month and customer) makes
it once per customer and month, whatever reruns, crashes or second schedulers do."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import OutboxMessage, User
from models.db import session_scope
from models.enums import NotificationChannel
from services import messaging
from services.core import clock
from services.reports.building import build_reports
from services.reports.email import report_message
from services.reports.months import customers_active_in, month_text
from services.reports.pdf import report_pdf
from services.reports.rows import MonthlyReport
from services.reports.unsubscribe import unsubscribe_url

log = logging.getLogger(__name__)
BATCH = 200
KIND = 'monthly-report'


@dataclass(slots=True)
class ReportRun:
    """What a run did, for the job's summary and `manage.py jobs run monthly-report`."""

    month: str
    queued: list[int] = field(default_factory=list)  # customer ids
    sent_before: int = 0
    unsubscribed: int = 0

    def __str__(self) -> str:
        return (
            f'{self.month}: {len(self.queued)} report(s) queued, {self.sent_before} sent before, '
            f'{self.unsubscribed} unsubscribed'
        )


def report_key(month: date, customer_id: int) -> str:
    return f'{KIND}:{month_text(month)}:{customer_id}'


def queue_monthly_reports(month: date, *, now: datetime | None = None) -> ReportRun:
    """Queue the reports of `month` (the outbox sends them after each batch commits)."""
    run = ReportRun(month_text(month))
    with session_scope() as session:
        active = session.scalars(customers_active_in(month)).all()
    for start in range(0, len(active), BATCH):
        _queue_batch(month, active[start : start + BATCH], run, now or clock.now())
    log.info('monthly report %s', run)
    return run


def _queue_batch(month: date, customer_ids: list[int], run: ReportRun, now: datetime) -> None:
    with session_scope() as session:
        people = dict(
            session.execute(
                select(User.id, User.name).where(
                    User.id.in_(customer_ids), User.report_opt_out_at.is_(None), User.is_blocked.is_(False)
                )
            ).all()
        )
        run.unsubscribed += len(customer_ids) - len(people)
        keys = {report_key(month, customer_id): customer_id for customer_id in people}
        sent = session.scalars(select(OutboxMessage.idempotency_key).where(OutboxMessage.idempotency_key.in_(keys)))
        for key in sent:
            people.pop(keys[key])
            run.sent_before += 1
        reports = build_reports(session, month, people, unsubscribe=unsubscribe_url) if people else []
    rendered = [(report, report_message(report), report_pdf(report)) for report in reports]
    with session_scope(write=True) as session:
        for report, message, pdf in rendered:
            if _queue_one(session, month, report, message, pdf, now):
                run.queued.append(report.customer_id)
            else:  # another scheduler queued it meanwhile
                run.sent_before += 1


def _queue_one(
    session: Session, month: date, report: MonthlyReport, message: messaging.Message, pdf: bytes, now: datetime
) -> bool:
    attachment = messaging.Attachment(f'household-services-{month_text(month)}.pdf', 'application/pdf', pdf)
    return messaging.queue(
        session,
        user_id=report.customer_id,
        kind=KIND,
        key=report_key(month, report.customer_id),
        message=message,
        channel=NotificationChannel.EMAIL,
        now=now,
        attachments=(attachment,),
        unsubscribe_url=report.unsubscribe_url,
    )
