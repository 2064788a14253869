"""Whether the duties run, seen from any process (`manage.py jobs status`): every tick of the schedule claims a run
of each job that runs every `tick_seconds` (services/runtime/ticks.py), so the newest of those runs says when some
process last ticked. A tick may take a while (the outbox sends for up to half a lease), so it is late only past two
ticks and a lease."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from models import JobRun
from models.db import session_scope
from services.core import clock
from services.runtime.duties import SCHEDULE
from services.runtime.rows import DutiesHealth
from settings import get_settings

EVERY_TICK = 'tick_seconds'


def duties_health(now: datetime | None = None) -> DutiesHealth:
    """When the schedule last ticked, and whether that is recent enough to say the duties run."""
    now = now or clock.now()
    settings = get_settings()
    every_tick = [job.name for job in SCHEDULE if job.interval_setting == EVERY_TICK]
    with session_scope() as session:
        last = session.scalar(select(func.max(JobRun.started_at)).where(JobRun.job.in_(every_tick)))
    late = timedelta(seconds=2 * settings.tick_seconds + settings.outbox_lease_seconds)
    return DutiesHealth(last, settings.tick_seconds, last is not None and now - last <= late)
