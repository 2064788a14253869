"""`tick(now)`: which scheduled jobs are due, each claimed by inserting its unique `job_run(job, period)` row first,
so two schedulers, a restart or a rerun never run one period twice. A run that started and never finished (its
process died) is taken up again once `job_lease_minutes` have passed: the recovery."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from models import JobRun
from models.db import session_scope
from services.core import clock
from services.runtime.duties import SCHEDULE
from services.runtime.rows import JobRunRow
from services.runtime.schedule import ScheduledJob
from settings import get_settings

log = logging.getLogger(__name__)
MAX_RUN_ATTEMPTS = 3  # a run that keeps dying is left for an operator (jobs status shows it)
MAX_ERROR = 500
KEEP_SWEEPS = timedelta(days=7)
FIRST_RUN_SKIPPED = 'skipped: the first period this site saw; the schedule starts with the next one'
# What a job runner may retry with backoff: the database was busy or briefly unreachable (a lock held too long, a
# dropped connection). Anything else is a bug or bad data, and retrying it would only repeat it.
TRANSIENT_ERRORS = (OperationalError,)


@dataclass(frozen=True, slots=True)
class Claim:
    """One period of one job, claimed by this process to run now."""

    job: str
    period: str


def tick(now: datetime | None = None) -> list[Claim]:
    """Claim every scheduled job whose current period has not run, and every run left unfinished past its lease."""
    now = now or clock.now()
    settings = get_settings()
    recovered = recover(now)  # first: a failure after claiming would strand the claims until their lease ran out
    _forget_old_sweeps(now)
    return [claim for job in SCHEDULE if (claim := _claim(job, job.period(now, settings), now))] + recovered


def run_schedule(now: datetime | None = None) -> list[str]:
    """One tick and its runs, here and now (the embedded runner's timer; `manage.py jobs tick`). A failing run is
    logged and left for the recovery; the others still run."""
    done = []
    for claim in tick(now):
        try:
            done.append(f'{claim.job} {claim.period}: {run(claim)}')
        except Exception:  # recorded on its job_run row by run(); the recovery takes it up again after the lease
            log.exception('scheduled job %s %s failed', claim.job, claim.period)
    return done


def run(claim: Claim, now: datetime | None = None) -> str:
    """Run one claimed period and record how it went (an error is recorded, then raised)."""
    job = job_named(claim.job)
    now = now or clock.now()
    try:
        summary = job.unit(now, claim.period)
    except Exception as failure:
        _finish(claim, summary=None, error=repr(failure), finished=False)
        raise
    _finish(claim, summary=summary, error=None, finished=True)
    return summary


def recover(now: datetime | None = None) -> list[Claim]:
    """Take up the runs whose process died: started over `job_lease_minutes` ago and never finished."""
    now = now or clock.now()
    stale = now - timedelta(minutes=get_settings().job_lease_minutes)
    r = JobRun
    with session_scope(write=True) as session:
        rows = session.execute(
            update(r)
            .where(r.finished_at.is_(None), r.started_at < stale, r.attempts < MAX_RUN_ATTEMPTS, r.job.in_(_names()))
            .values(started_at=now, attempts=r.attempts + 1)
            .returning(r.job, r.period)
        ).all()
    claims = [Claim(job, period) for job, period in rows]
    for claim in claims:
        log.warning('taking up %s %s again: its last run did not finish', claim.job, claim.period)
    return claims


def job_named(name: str) -> ScheduledJob:
    for job in SCHEDULE:
        if job.name == name:
            return job
    raise KeyError(f'no scheduled job called {name!r}')


def last_runs() -> list[JobRunRow]:
    """For `manage.py jobs status`: the newest run of each scheduled job, and every run that has not finished."""
    r = JobRun
    with session_scope() as session:
        newest = [
            session.scalars(
                select(r).where(r.job == job.name).order_by(r.started_at.desc(), r.id.desc()).limit(1)
            ).first()
            for job in SCHEDULE
        ]
        unfinished = session.scalars(select(r).where(r.finished_at.is_(None), r.job.in_(_names()))).all()
        runs = {run.id: run for run in [*newest, *unfinished] if run is not None}
        return [_run_row(run) for run in sorted(runs.values(), key=lambda run: run.started_at, reverse=True)]


def _run_row(run: JobRun) -> JobRunRow:
    summary, error = run.summary or '', run.last_error or ''
    return JobRunRow(run.job, run.period, run.started_at, run.finished_at, run.attempts, summary, error)


def _claim(job: ScheduledJob, period: str, now: datetime) -> Claim | None:
    """The period, claimed for this process; None when someone has it already. A daily job's first period ever is
    recorded as skipped, not run: a site started at 10:00 sends its first reminders at reminder_time, not
    yesterday's at once (catching up is for days missed while a running site was down)."""
    try:
        with session_scope(write=True) as session:
            first = bool(job.time_setting) and _never_ran(session, job)
            done = {'finished_at': now, 'summary': FIRST_RUN_SKIPPED} if first else {}
            session.add(JobRun(job=job.name, period=period, started_at=now, **done))
    except IntegrityError:
        return None  # this period is claimed already: by us earlier, or by another scheduler
    except TRANSIENT_ERRORS:  # nothing was written: the next tick claims it; the claims made so far still run
        log.warning('could not claim %s %s now: the database is busy', job.name, period, exc_info=True)
        return None
    return None if first else Claim(job.name, period)


def _never_ran(session: Session, job: ScheduledJob) -> bool:
    return session.scalar(select(JobRun.id).where(JobRun.job == job.name).limit(1)) is None


def _finish(claim: Claim, *, summary: str | None, error: str | None, finished: bool) -> None:
    r = JobRun
    values = {'summary': summary[:200] if summary else None, 'last_error': error[:MAX_ERROR] if error else None}
    if finished:
        values['finished_at'] = clock.now()
    with session_scope(write=True) as session:
        session.execute(update(r).where(r.job == claim.job, r.period == claim.period).values(**values))


def _forget_old_sweeps(now: datetime) -> None:
    """A sweep writes a run every few minutes: keep a week of them (its periods sort as their times do)."""
    settings = get_settings()
    with session_scope(write=True) as session:
        for job in SCHEDULE:
            if job.interval_setting:
                oldest = job.period(now - KEEP_SWEEPS, settings)
                session.execute(delete(JobRun).where(JobRun.job == job.name, JobRun.period < oldest))


def _names() -> set[str]:
    return {job.name for job in SCHEDULE}
