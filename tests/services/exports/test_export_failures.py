"""What keeps an export honest when things go wrong: live progress in order; a run that errors ends failed with no
file left and can be retried; a run whose process died is failed by the stall sweep (and its partial file removed);
a run the sweep has given up on stops without finishing; a job that runs twice writes once; old exports go."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from models import Export, Notification, OutboxMessage
from models.enums import ExportState
from services import NotFound, exports, requests, session_scope
from services.core.events import DomainEvent
from services.core.rows import Actor
from services.exports import housekeeping, running
from services.exports.asking import exports_folder
from tests.factories import make_admin
from tests.services.exports.conftest import Clock
from tests.services.exports.export_support import (
    EXPORT_AT,
    expected_rows,
    file_of,
    files_in_exports,
    ids_of,
    read_csv,
    some_closed_jobs,
    start,
    stored_export,
)

MINUTE = timedelta(minutes=1)


def steps(events: list[DomainEvent]) -> list[tuple[Any, ...]]:
    return [(e.data['state'], e.data.get('rows_done'), e.data.get('rows_total')) for e in events]


def retry(actor: Actor, export_id: int) -> None:
    with session_scope(write=True) as session:
        exports.retry_export(session, actor, export_id=export_id)


def told(user_id: int) -> tuple[int, int]:
    """How many 'export.ready' notifications and 'export' messages the user got."""
    with session_scope() as session:
        notes = select(func.count()).where(Notification.user_id == user_id, Notification.kind == 'export.ready')
        mail = select(func.count()).where(OutboxMessage.user_id == user_id, OutboxMessage.kind == 'export')
        return session.scalar(notes), session.scalar(mail)


@pytest.fixture
def pages_of_two(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(running, 'PAGE_ROWS', 2)


@pytest.fixture
def breaking_page(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Set 'error' to an exception and the run raises it when it reads its second page."""
    read_page, calls, plan = requests.closed_rows, [], {'error': None}

    def second_page_fails(session: Any, criteria: Any, *, after_id: int, limit: int) -> list[tuple[Any, ...]]:
        calls.append(after_id)
        if len(calls) == 2 and plan['error'] is not None:
            raise plan['error']
        return read_page(session, criteria, after_id=after_id, limit=limit)

    monkeypatch.setattr(requests, 'closed_rows', second_page_fails)  # the name running.write_rows looks up
    return plan


def test_progress_events_arrive_in_order_from_queued_to_done(
    export_events: list[DomainEvent], monkeypatch: pytest.MonkeyPatch
) -> None:
    some_closed_jobs(5)
    monkeypatch.setattr(running, 'PAGE_ROWS', 1)
    monkeypatch.setattr(running, 'PROGRESS_ROWS', 2)
    admin = make_admin()
    export_id = start(admin).id
    assert steps(export_events) == [('queued', 0, None)]  # once the asking unit committed
    assert exports.run_export(export_id) == f'export {export_id}: 5 rows'
    assert steps(export_events) == [
        ('queued', 0, None),
        ('running', 0, None),  # claimed
        ('running', 0, 5),  # counted
        ('running', 2, 5),  # then every PROGRESS_ROWS rows
        ('running', 4, 5),
        ('done', 5, 5),
    ]
    assert {(e.data['export_id'], e.data['owner_id']) for e in export_events} == {(export_id, admin.id)}
    done = [row for _, row, _ in steps(export_events)]
    assert done == sorted(done)


def test_a_run_that_errors_halfway_ends_failed_without_a_file_and_a_retry_writes_it_whole(
    export_events: list[DomainEvent], pages_of_two: None, breaking_page: dict[str, Any]
) -> None:
    jobs = some_closed_jobs(5)
    admin = make_admin()
    export_id = start(admin).id
    breaking_page['error'] = RuntimeError('disk full at /srv/secret/path')
    assert exports.run_export(export_id) == f'export {export_id}: failed'
    failed = stored_export(export_id)
    assert (failed.state, failed.attempts) == (ExportState.FAILED, 1)
    assert failed.error == 'The export stopped with an error; retry it. (RuntimeError)'  # no detail leaks out
    assert failed.finished_at == EXPORT_AT
    assert files_in_exports() == []  # the first page was written to the .part file: gone too
    assert steps(export_events)[-1] == ('failed', None, None)
    assert told(admin.id) == (0, 0)
    with pytest.raises(NotFound):
        file_of(admin, export_id)

    breaking_page['error'] = None
    retry(admin, export_id)
    assert stored_export(export_id).state is ExportState.QUEUED
    assert exports.run_export(export_id) == f'export {export_id}: 5 rows'
    done = stored_export(export_id)
    assert (done.state, done.rows_done, done.rows_total, done.attempts, done.error) == (ExportState.DONE, 5, 5, 2, None)
    assert done.stored_name != failed.stored_name
    _, rows = read_csv(file_of(admin, export_id).path)
    assert ids_of(rows) == jobs
    assert rows == expected_rows()
    assert files_in_exports() == [done.stored_name]
    assert told(admin.id) == (1, 1)


def test_a_run_whose_process_died_is_failed_by_the_sweep_once_its_heartbeat_is_stale(
    export_events: list[DomainEvent], pages_of_two: None, breaking_page: dict[str, Any], frozen_clock: Clock
) -> None:
    jobs = some_closed_jobs(5)
    admin = make_admin()
    export_id = start(admin).id
    breaking_page['error'] = SystemExit(1)  # the process ends mid-run: nothing of the run's own cleanup happens
    with pytest.raises(SystemExit):
        exports.run_export(export_id)
    dead = stored_export(export_id)
    part = dead.stored_name + '.part'
    assert (dead.state, dead.heartbeat_at, files_in_exports()) == (ExportState.RUNNING, EXPORT_AT, [part])

    assert exports.fail_stalled_exports(EXPORT_AT + 2 * MINUTE) == 0  # two minutes without a heartbeat: not yet
    assert stored_export(export_id).state is ExportState.RUNNING
    assert files_in_exports() == [part]
    assert exports.fail_stalled_exports(EXPORT_AT + 2 * MINUTE + timedelta(seconds=1)) == 1
    failed = stored_export(export_id)
    assert (failed.state, failed.error) == (ExportState.FAILED, housekeeping.STALLED)
    assert failed.finished_at == EXPORT_AT + 2 * MINUTE + timedelta(seconds=1)
    assert files_in_exports() == []
    assert export_events[-1].data == {'export_id': export_id, 'owner_id': admin.id, 'state': 'failed'}
    assert exports.fail_stalled_exports(EXPORT_AT + 10 * MINUTE) == 0  # failed once

    breaking_page['error'] = None
    frozen_clock.at = EXPORT_AT + 10 * MINUTE
    retry(admin, export_id)
    assert exports.run_export(export_id) == f'export {export_id}: 5 rows'
    _, rows = read_csv(file_of(admin, export_id).path)
    assert ids_of(rows) == jobs


def test_the_sweep_fails_exports_never_started_and_keeps_the_ones_still_moving() -> None:
    admin, other = make_admin(), make_admin()
    lost = start(admin, now=EXPORT_AT - 31 * MINUTE).id
    waiting = start(admin, now=EXPORT_AT - 30 * MINUTE).id
    moving = start(admin, now=EXPORT_AT - 40 * MINUTE).id
    stalled = start(other, now=EXPORT_AT - 40 * MINUTE).id
    exports_folder().mkdir(parents=True)
    for export_id, heartbeat in ((moving, EXPORT_AT - 2 * MINUTE), (stalled, EXPORT_AT - 3 * MINUTE)):
        with session_scope(write=True) as session:
            session.execute(
                update(Export)
                .where(Export.id == export_id)
                .values(state=ExportState.RUNNING, heartbeat_at=heartbeat, stored_name=f'{export_id}.csv')
            )
        (exports_folder() / f'{export_id}.csv.part').write_text('Request ID\r\n', encoding='utf-8')
    assert exports.sweep_exports(EXPORT_AT) == '2 stalled export(s) failed, 0 old export(s) deleted'
    states = {export_id: stored_export(export_id) for export_id in (lost, waiting, moving, stalled)}
    assert (states[lost].state, states[lost].error) == (ExportState.FAILED, housekeeping.NEVER_STARTED)
    assert (states[stalled].state, states[stalled].error) == (ExportState.FAILED, housekeeping.STALLED)
    assert (states[waiting].state, states[moving].state) == (ExportState.QUEUED, ExportState.RUNNING)
    assert files_in_exports() == [f'{moving}.csv.part']


@pytest.mark.parametrize(('after_pages', 'pages'), [(1, [2]), (3, [2, 2, 1])], ids=['after-page-1', 'after-last-page'])
def test_a_run_the_sweep_gave_up_on_stops_without_finishing_or_leaving_files(
    export_events: list[DomainEvent],
    pages_of_two: None,
    monkeypatch: pytest.MonkeyPatch,
    after_pages: int,
    pages: list[int],
) -> None:
    """The run is alive but slow: between two pages (or after its last one, before it is recorded done) the sweep
    fails it. The run must notice it was superseded: not finish, not leave files, not report an error of its own."""
    some_closed_jobs(5)
    monkeypatch.setattr(running, 'PROGRESS_ROWS', 2)
    admin = make_admin()
    export_id = start(admin).id
    written = []

    class SlowWriter(running.CsvWriter):
        def rows(self, rows: Any) -> None:
            super().rows(rows)
            written.append(len(rows))
            if len(written) == after_pages:  # outside any unit, as between two pages
                assert exports.fail_stalled_exports(EXPORT_AT + 3 * MINUTE) == 1

    monkeypatch.setattr(running, 'CsvWriter', SlowWriter)
    assert exports.run_export(export_id) == f'export {export_id}: superseded'
    assert written == pages  # after the first page, the next progress unit finds the row moved on
    stopped = stored_export(export_id)
    assert (stopped.state, stopped.error) == (ExportState.FAILED, housekeeping.STALLED)  # the sweep's word stands
    assert files_in_exports() == []
    assert 'done' not in [state for state, _, _ in steps(export_events)]
    assert told(admin.id) == (0, 0)


def test_a_run_that_died_after_renaming_its_file_leaves_nothing_behind_for_good(
    monkeypatch: pytest.MonkeyPatch, frozen_clock: Clock
) -> None:
    """The process ends between the rename of the finished file and the unit that records the export done (the
    unit rolls back): the sweep fails the export; its owner retries; a week on, the exports are deleted. No file of
    that export may stay on disk (it holds customers' names), then or ever."""
    some_closed_jobs(3)
    admin = make_admin()
    export_id = start(admin).id
    tell_owner = running._tell_owner

    def dies(*args: Any, **kwargs: Any) -> None:
        raise SystemExit(1)

    monkeypatch.setattr(running, '_tell_owner', dies)
    with pytest.raises(SystemExit):
        exports.run_export(export_id)
    dead = stored_export(export_id)
    assert dead.state is ExportState.RUNNING  # the done unit rolled back
    assert files_in_exports() == [dead.stored_name]  # ... after the rename
    monkeypatch.setattr(running, '_tell_owner', tell_owner)
    assert exports.fail_stalled_exports(EXPORT_AT + 3 * MINUTE) == 1
    with pytest.raises(NotFound):
        file_of(admin, export_id)  # never served: it is not done
    frozen_clock.at = EXPORT_AT + 5 * MINUTE
    retry(admin, export_id)
    assert exports.run_export(export_id) == f'export {export_id}: 3 rows'
    assert exports.delete_old_exports(EXPORT_AT + timedelta(days=8)) == 1
    assert files_in_exports() == [], f'the dead run wrote {dead.stored_name}'


def test_a_retried_export_is_not_touched_by_the_run_it_replaced(
    export_events: list[DomainEvent], pages_of_two: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep fails a slow run, its owner retries and the new run finishes; then the old run wakes up."""
    jobs = some_closed_jobs(5)
    monkeypatch.setattr(running, 'PROGRESS_ROWS', 2)
    admin = make_admin()
    export_id = start(admin).id
    results = []

    class SlowWriter(running.CsvWriter):
        def rows(self, rows: Any) -> None:
            super().rows(rows)
            if not results:
                results.append('first run paused')
                exports.fail_stalled_exports(EXPORT_AT + 3 * MINUTE)
                retry(admin, export_id)
                results.append(exports.run_export(export_id))

    monkeypatch.setattr(running, 'CsvWriter', SlowWriter)
    results.append(exports.run_export(export_id))
    assert results == ['first run paused', f'export {export_id}: 5 rows', f'export {export_id}: superseded']
    done = stored_export(export_id)
    assert (done.state, done.rows_done, done.attempts) == (ExportState.DONE, 5, 2)
    assert files_in_exports() == [done.stored_name]
    _, rows = read_csv(file_of(admin, export_id).path)
    assert ids_of(rows) == jobs
    assert told(admin.id) == (1, 1)
    assert steps(export_events)[-1] == ('done', 5, 5)


def test_a_run_given_up_on_stops_even_while_its_retry_is_running(
    pages_of_two: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep fails a slow run; its owner retries; the new attempt is running (here: its process died on its
    second page) when the old run wakes up. The old run's units hold only for its own attempt: it stops."""
    some_closed_jobs(5)
    monkeypatch.setattr(running, 'PROGRESS_ROWS', 2)
    admin = make_admin()
    export_id = start(admin).id
    read_page, reads, paused = requests.closed_rows, [], []

    def reading(session: Any, criteria: Any, *, after_id: int, limit: int) -> list[tuple[Any, ...]]:
        reads.append(after_id)
        if len(reads) == 3:  # the second attempt's second page
            raise SystemExit(1)
        return read_page(session, criteria, after_id=after_id, limit=limit)

    class SlowWriter(running.CsvWriter):
        def rows(self, rows: Any) -> None:
            super().rows(rows)
            if not paused:
                paused.append(stored_export(export_id).stored_name)
                exports.fail_stalled_exports(EXPORT_AT + 3 * MINUTE)
                retry(admin, export_id)
                with pytest.raises(SystemExit):
                    exports.run_export(export_id)

    monkeypatch.setattr(requests, 'closed_rows', reading)
    monkeypatch.setattr(running, 'CsvWriter', SlowWriter)
    assert exports.run_export(export_id) == f'export {export_id}: superseded'
    second = stored_export(export_id)
    assert (second.state, second.attempts, second.rows_done) == (ExportState.RUNNING, 2, 2)  # its own progress
    assert second.stored_name != paused[0]
    assert files_in_exports() == [second.stored_name + '.part']  # the second attempt's, left for the sweep
    assert told(admin.id) == (0, 0)


def test_the_job_run_twice_writes_the_file_once() -> None:
    some_closed_jobs(2)
    admin = make_admin()
    export_id = start(admin).id
    assert exports.run_export(export_id) == f'export {export_id}: 2 rows'
    first = stored_export(export_id)
    content = file_of(admin, export_id).path.read_bytes()
    assert exports.run_export(export_id) == f'export {export_id}: not queued'
    again = stored_export(export_id)
    assert (again.stored_name, again.attempts, again.finished_at) == (first.stored_name, 1, first.finished_at)
    assert file_of(admin, export_id).path.read_bytes() == content
    assert files_in_exports() == [first.stored_name]
    assert told(admin.id) == (1, 1)
    assert exports.run_export(export_id + 1) == f'export {export_id + 1}: not queued'  # no such export


def test_exports_older_than_the_keep_days_go_with_their_files() -> None:
    some_closed_jobs(1)
    admin = make_admin()
    old = start(admin, now=EXPORT_AT - timedelta(days=8)).id
    just_old = start(admin, now=EXPORT_AT - timedelta(days=7, seconds=1)).id
    kept = start(admin, now=EXPORT_AT - timedelta(days=7)).id
    for export_id in (old, just_old, kept):
        exports.run_export(export_id)
    left_part = stored_export(just_old).stored_name + '.part'
    (exports_folder() / left_part).write_text('half', encoding='utf-8')  # a partial file of a dead run, too
    fresh = start(admin).id
    names = {export_id: stored_export(export_id).stored_name for export_id in (old, just_old, kept)}
    assert exports.delete_old_exports(EXPORT_AT) == 2
    assert stored_export(old) is None
    assert stored_export(just_old) is None
    assert files_in_exports() == [names[kept]]
    assert file_of(admin, kept).path.is_file()
    assert stored_export(fresh).state is ExportState.QUEUED
    with pytest.raises(NotFound):
        file_of(admin, old)
    assert exports.delete_old_exports(EXPORT_AT) == 0
    assert exports.delete_old_exports(EXPORT_AT + timedelta(days=8)) == 2
    assert files_in_exports() == []
