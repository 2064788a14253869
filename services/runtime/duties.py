"""The units the schedule and the job queue run (the embedded runner in one process, Celery workers with Redis).

Each opens its own units, reads the clock it is given and is safe to run twice: the database is the record (a
request already expired is not expired again; an outbox key queued before is not queued again)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from models.db import session_scope
from services import exports, messaging, reports, requests
from services.core import clock
from services.runtime.schedule import ScheduledJob
from settings import get_settings

log = logging.getLogger(__name__)
DELIVERY_BATCH = 50


def expire_and_auto_close(now: datetime, _period: str = '') -> str:
    """Requests nobody accepted before their slot started expire; completed ones left unreviewed close."""
    with session_scope(write=True) as session:
        expired = requests.expire_due(session, now=now)
    with session_scope(write=True) as session:
        closed = requests.auto_close_due(session, now=now)
    return f'{expired} expired, {closed} auto-closed'


def send_notifications(now: datetime, _period: str = '') -> str:
    """Notifications that have gone quiet go out on each person's channel, one message per burst."""
    with session_scope(write=True) as session:
        queued = messaging.dispatch_notifications(session, now=now)
    return f'{queued} notification message(s) queued'


def deliver_outbox(now: datetime | None = None, _period: str = '') -> str:
    """Send what is due in the outbox (including what a process that died left leased), batch after batch, for at
    most half a lease: a long backlog goes on in the next run, and a run never nears a task's time limit."""
    run, total = messaging.RunClock(now or clock.now()), messaging.DeliveryReport()
    budget = timedelta(seconds=get_settings().outbox_lease_seconds / 2)
    while run.now() - run.start < budget:
        report = messaging.deliver_due(now=run.now(), limit=DELIVERY_BATCH)
        for outcome in ('sent', 'retrying', 'failed', 'not_configured'):
            getattr(total, outcome).extend(getattr(report, outcome))
        if report.claimed < DELIVERY_BATCH or report.handed_back:
            break
    return str(total)


def send_daily_reminders(now: datetime, period: str) -> str:
    """Queue the reminders of the period's local day (the outbox sends them as soon as the unit commits)."""
    with session_scope(write=True) as session:
        queued = requests.queue_daily_reminders(session, day=date.fromisoformat(period), now=now)
    return f'{queued} reminder(s) queued'


def send_monthly_reports(now: datetime, period: str) -> str:
    """Queue the reports of the period's month, batch by batch (the outbox sends each batch once it commits)."""
    return str(reports.queue_monthly_reports(reports.parse_month(period), now=now))


def sweep_exports(now: datetime, _period: str = '') -> str:
    """Fail the exports whose run died (removing partial files) and delete the old ones with their files."""
    return exports.sweep_exports(now)


def run_export(export_id: int) -> str:
    return exports.run_export(export_id)


SCHEDULE = (  # in the order a tick runs them: the outbox last, so it sends what the others queued
    ScheduledJob('expire-and-auto-close', expire_and_auto_close, interval_setting='duty_interval_seconds'),
    ScheduledJob('exports', sweep_exports, interval_setting='duty_interval_seconds'),
    ScheduledJob('daily-reminders', send_daily_reminders, time_setting='reminder_time'),
    ScheduledJob('monthly-report', send_monthly_reports, time_setting='report_time', monthly=True),
    ScheduledJob('notifications', send_notifications, interval_setting='tick_seconds'),
    ScheduledJob('outbox', deliver_outbox, interval_setting='tick_seconds'),
)
# Requested by name through jobs.enqueue (after commit), with ids as keyword arguments.
JOBS: dict[str, Callable[..., Any]] = {messaging.DELIVER_JOB: deliver_outbox, exports.EXPORT_JOB: run_export}
# What `manage.py jobs run <command>` runs now, in its own process, outside the schedule (then the outbox, always).
COMMANDS = {
    'reminders': ('daily-reminders', 'outbox'),
    'monthly-report': ('monthly-report', 'outbox'),
    'duties': ('expire-and-auto-close', 'exports', 'notifications', 'outbox'),
}


def run_now(command: str, now: datetime | None = None, *, period: str = '') -> list[str]:
    """Run a command's jobs here and now: a daily one for the local today, a monthly one for last month (or the
    `period` given), without claiming the period: every unit is safe to run twice, and the outbox keys keep a
    reminder or a report from going out twice. Returns what each did."""
    now, settings = now or clock.now(), get_settings()
    done = []
    for job in (job for name in COMMANDS[command] for job in SCHEDULE if job.name == name):
        chosen = period if period and job.time_setting else job.period_now(now, settings)
        done.append(f'{job.name} {chosen}: {job.unit(now, chosen)}')
    return done
