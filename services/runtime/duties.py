"""The units the schedule and the job queue run (the embedded runner in one process, Celery workers with Redis).

Each opens its own units, reads the clock it is given and is safe to run twice: the database is the record (a
request already expired is not expired again; an outbox key queued before is not queued again)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from models.db import session_scope
from services import messaging, requests
from services.core import clock
from services.runtime.schedule import ScheduledJob

log = logging.getLogger(__name__)


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
    """Send what is due in the outbox (including what a process that died left leased)."""
    return str(messaging.deliver_due(now=now or clock.now()))


def send_daily_reminders(now: datetime, period: str) -> str:
    """Queue the reminders of the period's local day, then send them."""
    with session_scope(write=True) as session:
        queued = requests.queue_daily_reminders(session, day=date.fromisoformat(period), now=now)
    return f'{queued} reminder(s) queued; {deliver_outbox(now)}'


SCHEDULE = (
    ScheduledJob('expire-and-auto-close', expire_and_auto_close, interval_setting='duty_interval_seconds'),
    ScheduledJob('notifications', send_notifications, interval_setting='tick_seconds'),
    ScheduledJob('outbox', deliver_outbox, interval_setting='tick_seconds'),
    ScheduledJob('daily-reminders', send_daily_reminders, time_setting='reminder_time'),
)
# Requested by name through jobs.enqueue (after commit), with ids as keyword arguments.
JOBS: dict[str, Callable[..., Any]] = {messaging.DELIVER_JOB: deliver_outbox}
