"""One tick decides what is due: each period of each scheduled job runs once, whoever ticks and however often (two
schedulers, restarts, reruns), a period missed while everything was down is caught up once, daylight saving changes
run a daily job once, and a run whose process died is taken up again after its lease."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models import JobRun
from services import runtime, session_scope
from services.runtime.schedule import daily_period, interval_period
from settings import get_settings
from tests.factories import schedule_ran_before

NOW = datetime(2030, 3, 4, 12, 30, tzinfo=UTC)  # 18:00 in Asia/Kolkata


def runs(job: str = 'daily-reminders') -> list[JobRun]:
    with session_scope() as session:
        found = list(session.scalars(select(JobRun).where(JobRun.job == job).order_by(JobRun.id)))
        session.expunge_all()
    return found


def claimed(at: datetime, job: str = 'daily-reminders') -> list[str]:
    """The periods of `job` a tick at `at` claimed; every claim is run, as a scheduler does."""
    claims = runtime.tick(at)
    for claim in claims:
        runtime.run(claim, at)
    return [claim.period for claim in claims if claim.job == job]


def test_a_daily_job_is_due_from_its_local_time_for_that_local_day() -> None:
    settings = get_settings()
    assert daily_period(NOW - timedelta(seconds=1), '18:00', settings) == '2030-03-03'
    assert daily_period(NOW, '18:00', settings) == '2030-03-04'
    assert daily_period(NOW + timedelta(hours=6), '18:00', settings) == '2030-03-04'  # 00:00 local: still the 4th's


def test_a_sweep_period_is_its_slice_of_utc_time() -> None:
    assert interval_period(datetime(2030, 3, 4, 12, 31, 59, tzinfo=UTC), 180) == '2030-03-04T12:30:00Z'
    assert interval_period(datetime(2030, 3, 4, 12, 33, tzinfo=UTC), 180) == '2030-03-04T12:33:00Z'


def test_a_new_sites_first_daily_period_is_recorded_as_skipped_not_run() -> None:
    assert claimed(NOW + timedelta(hours=1)) == []  # a site started at 19:00 does not send today's at once...
    [run] = runs()
    assert (run.period, run.summary, run.finished_at is not None) == ('2030-03-04', runtime.FIRST_RUN_SKIPPED, True)
    assert claimed(NOW + timedelta(days=1)) == ['2030-03-05']  # ... its first reminders go out the next evening


def test_every_job_is_claimed_once_per_period_however_often_it_ticks() -> None:
    schedule_ran_before(NOW)
    first = runtime.tick(NOW)
    expected = {'expire-and-auto-close', 'exports', 'notifications', 'outbox', 'daily-reminders'}
    assert {claim.job for claim in first} == expected  # not the monthly report: February's ran on the 1st
    assert runtime.tick(NOW) == []
    assert runtime.tick(NOW + timedelta(seconds=30)) == []  # the same minute, the same day
    assert {c.job for c in runtime.tick(NOW + timedelta(seconds=60))} == {'notifications', 'outbox'}


def test_two_schedulers_ticking_at_once_claim_each_period_once() -> None:
    schedule_ran_before(NOW)
    found: list[runtime.Claim] = []
    start = threading.Barrier(4)

    def scheduler() -> None:
        start.wait(timeout=10)
        found.extend(runtime.tick(NOW))

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    due = [job.name for job in runtime.SCHEDULE if not job.monthly]  # February's report ran on the 1st
    assert sorted(claim.job for claim in found) == sorted(due)


def test_days_missed_while_everything_was_down_are_caught_up_once() -> None:
    schedule_ran_before(NOW - timedelta(days=2))  # the site last ran on the 1st, then nothing ran
    assert claimed(NOW + timedelta(hours=1)) == ['2030-03-04']  # back up: today's reminders, once
    assert claimed(NOW + timedelta(hours=2)) == []
    assert [run.period for run in runs()] == ['2030-03-01', '2030-03-04']


def test_a_site_down_across_reminder_time_sends_that_days_reminders_when_it_is_back_next_morning() -> None:
    schedule_ran_before(NOW)  # ran yesterday evening; down today from 17:00 (NOW is 18:00) until 10:00 tomorrow
    next_morning = NOW + timedelta(hours=16)
    assert claimed(next_morning) == ['2030-03-04']
    assert claimed(next_morning + timedelta(minutes=1)) == []
    assert claimed(NOW + timedelta(days=1)) == ['2030-03-05']  # and that evening its own, as usual


@pytest.mark.parametrize(
    ('day', 'first_run_utc'),
    [
        ('2026-10-25', datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # 02:30 happens twice: the first one counts
        ('2026-03-29', datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),  # 02:30 does not exist: an hour later, 03:30 CEST
    ],
)
def test_a_daily_job_runs_once_across_a_daylight_saving_change(
    monkeypatch: pytest.MonkeyPatch, day: str, first_run_utc: datetime
) -> None:
    monkeypatch.setenv('HSA_TIMEZONE', 'Europe/Berlin')
    monkeypatch.setenv('HSA_REMINDER_TIME', '02:30')
    night = datetime.fromisoformat(f'{day}T00:00:00+00:00') - timedelta(hours=3)
    schedule_ran_before(night)
    ticks = [night + timedelta(minutes=10 * n) for n in range(7 * 6)]  # every 10 minutes for 7 hours
    ran = [(at, period) for at in ticks for period in claimed(at)]
    assert [period for _, period in ran] == [(datetime.fromisoformat(day).date() - timedelta(days=1)).isoformat(), day]
    assert ran[-1][0] == first_run_utc


def test_a_run_records_what_it_did() -> None:
    [claim] = [c for c in runtime.tick(NOW) if c.job == 'expire-and-auto-close']
    assert runtime.run(claim, NOW) == '0 expired, 0 auto-closed'
    [run] = runs('expire-and-auto-close')
    assert (run.summary, run.finished_at is not None, run.attempts) == ('0 expired, 0 auto-closed', True, 1)


def test_a_failing_run_keeps_its_error_and_stays_unfinished() -> None:
    claim = runtime.Claim('daily-reminders', 'not a day')  # the reminders' unit cannot read this period
    with session_scope(write=True) as session:
        session.add(JobRun(job=claim.job, period=claim.period, started_at=NOW))
    with pytest.raises(ValueError, match='Invalid isoformat'):
        runtime.run(claim, NOW)
    [run] = runs()
    assert run.finished_at is None
    assert run.last_error.startswith('ValueError("Invalid isoformat string')


def test_a_run_whose_process_died_is_taken_up_after_its_lease_and_given_up_after_three_tries() -> None:
    with session_scope(write=True) as session:
        session.add(JobRun(job='daily-reminders', period='2030-03-04', started_at=NOW))
    assert runtime.recover(NOW + timedelta(minutes=14)) == []
    assert runtime.recover(NOW + timedelta(minutes=16)) == [runtime.Claim('daily-reminders', '2030-03-04')]
    assert runtime.recover(NOW + timedelta(minutes=17)) == []  # its new lease runs from the take-up
    assert len(runtime.recover(NOW + timedelta(minutes=40))) == 1
    assert runtime.recover(NOW + timedelta(minutes=80)) == []  # third attempt done: left for an operator
    assert runs()[0].attempts == 3


def test_a_week_of_sweep_runs_is_kept() -> None:
    runtime.tick(NOW - timedelta(days=8))
    runtime.tick(NOW)
    with session_scope() as session:
        sweeps = session.scalars(select(JobRun.period).where(JobRun.job == 'outbox')).all()
    assert sweeps == ['2030-03-04T12:30:00Z']
