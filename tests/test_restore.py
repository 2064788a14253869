"""`manage.py backup` and `restore` as an operator runs them: real processes on real files (a writer booking while
the backup runs, the app holding the database, a writer killed mid-transaction leaving its -wal)."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from models import User
from models.db import dispose_engines
from models.migrate import alembic_config, head_revision
from services import session_scope
from tests.browser.conftest import Server
from tests.factories import make_customer
from tests.servers import app_environment, free_port, wait_until

PROJECT_DIR = Path(__file__).resolve().parent.parent
OLDER_REVISION = '0008'
# Books one request after another (each unit: the request, its audit row, the tally the database keeps) until told
# to stop: prints "ready" after the first, and how many it booked at the end.
BOOKING_WRITER = """
import sys
from pathlib import Path
from datetime import timedelta
from services import clock, requests, session_scope
from settings import get_settings
from tests.factories import make_customer, make_service

stop, now = Path(sys.argv[1]), clock.now()
customer, service = make_customer(), make_service()
today = now.astimezone(get_settings().zone).date()
starts = [s for d in range(1, 60) for s in requests.available_slots(today + timedelta(days=d), 60, now=now)]
booked = 0
for start in starts:
    with session_scope(write=True) as session:
        requests.book(session, customer, service_id=service.id, scheduled_at=start, now=now)
    booked += 1
    if booked == 1:
        print('ready', flush=True)
    if stop.exists():
        break
print(booked, flush=True)
"""
# Writes a lot (checkpointed into the file: it is no longer the backup's shape), then commits rows it never checkpoints,
# then starts one more transaction and waits to be killed in the middle of it.
KILLED_WRITER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
insert = "INSERT INTO job_run (job, period, started_at, attempts) VALUES (?, ?, '2026-01-01', 1)"
db.execute('BEGIN')
db.executemany(insert, [('since-the-backup', str(n)) for n in range(3000)])
db.execute('COMMIT')
db.execute('PRAGMA wal_checkpoint(TRUNCATE)')
db.execute('PRAGMA wal_autocheckpoint=0')
for n in range(200):
    db.execute(insert, ('killed-writer', str(n)))
db.execute('BEGIN IMMEDIATE')
db.execute(insert, ('killed-writer', 'never'))
print('mid-transaction', flush=True)
time.sleep(60)
"""


def manage(*args: str) -> subprocess.CompletedProcess[str]:
    dispose_engines()  # this test process lets go of the database, as an operator's shell would not hold it
    return subprocess.run(
        [sys.executable, 'manage.py', *args],
        cwd=PROJECT_DIR,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def refused(result: subprocess.CompletedProcess[str], message: str) -> bool:
    return result.returncode == 1 and result.stderr.startswith('error: ') and message in result.stderr


def emails() -> set[str]:
    with session_scope() as session:
        return set(session.scalars(select(User.email)))


def rows(path: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql).fetchall()


def kept_copies(data_dir: Path) -> list[Path]:
    """The databases a restore moved aside (without their -wal and -shm)."""
    return sorted(p for p in data_dir.glob('hsa.db.before-restore-*') if not p.name.endswith(('-wal', '-shm')))


def leftovers(data_dir: Path) -> list[str]:
    return sorted(p.name for p in data_dir.iterdir() if '.restoring' in p.name or p.name.endswith('.part'))


@contextmanager
def python(code: str, *args: str) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, '-c', code, *args], cwd=PROJECT_DIR, env=os.environ.copy(), stdout=subprocess.PIPE, text=True
    )
    try:
        yield process
    finally:
        process.kill()
        process.wait(timeout=30)
        process.stdout.close()


# --- backup ---------------------------------------------------------------------------------------------------------


def test_a_backup_taken_while_a_writer_books_is_whole_and_a_consistent_prefix(data_dir: Path, tmp_path: Path) -> None:
    stop, target = tmp_path / 'stop', tmp_path / 'backup.db'
    with python(BOOKING_WRITER, str(stop)) as writer:
        assert writer.stdout.readline().strip() == 'ready'
        result = manage('backup', str(target))
        stop.touch()
        booked = int(writer.stdout.readline())
        assert writer.wait(timeout=60) == 0
    assert result.returncode == 0, result.stderr
    assert rows(target, 'PRAGMA integrity_check') == [('ok',)]
    ids = [row[0] for row in rows(target, 'SELECT id FROM service_request ORDER BY id')]
    assert 1 <= len(ids) <= booked
    assert ids == list(range(1, len(ids) + 1))  # every booking up to some point, none after it
    audited = rows(target, "SELECT count(*) FROM audit_event WHERE target_type = 'service_request'")
    assert audited == [(len(ids),)]  # each booking whole: its audit row with it
    assert rows(target, 'SELECT sum(requests) FROM request_tally') == [(len(ids),)]
    assert rows(target, 'PRAGMA journal_mode') == [('delete',)]  # one self-contained file


def test_backup_and_restore_refuse_postgresql_pointing_to_its_own_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('HSA_DATABASE_URL', 'postgresql+psycopg://postgres@127.0.0.1:5432/hsa')
    assert refused(manage('backup', 'copy.db'), 'for PostgreSQL use pg_dump to back up and pg_restore to restore')
    assert refused(manage('restore', 'copy.db'), 'for PostgreSQL use pg_dump to back up and pg_restore to restore')


# --- restore --------------------------------------------------------------------------------------------------------


def test_restore_puts_the_backup_in_place_and_keeps_the_database_it_replaced(data_dir: Path, tmp_path: Path) -> None:
    before = make_customer()
    assert manage('backup', str(tmp_path / 'backup.db')).returncode == 0
    after = make_customer()
    result = manage('restore', str(tmp_path / 'backup.db'))
    assert result.returncode == 0, result.stderr
    assert emails() == {before.email}
    [kept] = kept_copies(data_dir)
    assert f'kept as {kept}' in result.stdout
    assert (after.email,) in rows(kept, 'SELECT email FROM user')
    assert rows(data_dir / 'hsa.db', 'PRAGMA integrity_check') == [('ok',)]
    assert leftovers(data_dir) == []


def test_restore_is_refused_while_the_app_has_the_database(data_dir: Path, tmp_path: Path) -> None:
    make_customer()
    assert manage('backup', str(tmp_path / 'backup.db')).returncode == 0
    make_customer()
    env = app_environment()
    port = free_port()
    app = Server(f'http://127.0.0.1:{port}', env | {'HSA_PORT': str(port)}, port, tmp_path / 'app.log')
    app.start()
    try:
        assert wait_until(lambda: health(app.url) == 200, timeout=60), app.log.read_text()
        result = manage('restore', str(tmp_path / 'backup.db'))
    finally:
        app.stop()
    assert refused(result, 'The database is in use: stop the app and every worker')
    assert len(emails()) == 2  # nothing was changed
    assert kept_copies(data_dir) == [] and leftovers(data_dir) == []
    assert manage('restore', str(tmp_path / 'backup.db')).returncode == 0  # once the app has stopped
    assert len(emails()) == 1


def test_restore_beside_a_stale_wal_left_by_a_killed_writer(data_dir: Path, tmp_path: Path) -> None:
    before = make_customer()
    assert manage('backup', str(tmp_path / 'backup.db')).returncode == 0
    with python(KILLED_WRITER, str(data_dir / 'hsa.db')) as writer:
        assert writer.stdout.readline().strip() == 'mid-transaction'
        writer.send_signal(signal.SIGKILL)
    assert (data_dir / 'hsa.db-wal').stat().st_size > 0  # its commits are still only in the -wal
    assert naive_restore(data_dir, tmp_path / 'backup.db') == 'database disk image is malformed'
    result = manage('restore', str(tmp_path / 'backup.db'))
    assert result.returncode == 0, result.stderr
    assert rows(data_dir / 'hsa.db', 'PRAGMA integrity_check') == [('ok',)]
    assert emails() == {before.email}
    [kept] = kept_copies(data_dir)
    assert Path(f'{kept}-wal').exists()  # the killed writer's -wal went aside with its file...
    assert rows(kept, "SELECT count(*) FROM job_run WHERE job = 'killed-writer'") == [(200,)]  # ...and pairs with it


def naive_restore(data_dir: Path, backup: Path) -> str:
    """What an operator would try first, on a copy of the data: the backup copied over hsa.db, the -wal left beside
    it. What SQLite says of the result."""
    naive = data_dir / 'naive'
    naive.mkdir()
    for name in ('hsa.db-wal', 'hsa.db-shm'):
        shutil.copyfile(data_dir / name, naive / name)
    shutil.copyfile(backup, naive / 'hsa.db')
    try:
        return '; '.join(row[0] for row in rows(naive / 'hsa.db', 'PRAGMA integrity_check'))
    except sqlite3.DatabaseError as error:
        return str(error)


def test_restore_migrates_a_backup_of_an_older_schema(data_dir: Path, tmp_path: Path) -> None:
    older = tmp_path / 'older.db'
    migrate_to(older, OLDER_REVISION)
    with closing(sqlite3.connect(older)) as db, db:
        db.execute("INSERT INTO job_run (job, period, started_at, attempts) VALUES ('old', 'once', '2026-01-01', 1)")
    result = manage('restore', str(older))
    assert result.returncode == 0, result.stderr
    assert f'migrated from schema {OLDER_REVISION} to the newest' in result.stdout
    assert rows(data_dir / 'hsa.db', 'SELECT version_num FROM alembic_version') == [(head_revision(),)]
    assert rows(data_dir / 'hsa.db', "SELECT job FROM job_run WHERE job = 'old'") == [('old',)]
    assert manage('jobs', 'status').returncode == 0  # the app's own code reads it


def migrate_to(path: Path, revision: str) -> None:
    from alembic import command  # noqa: PLC0415

    command.upgrade(alembic_config(f'sqlite:///{path}'), revision)
    dispose_engines()


def not_sqlite(path: Path) -> None:
    path.write_text('not a database')


def someone_elses(path: Path) -> None:
    with closing(sqlite3.connect(path)) as db:
        db.execute('CREATE TABLE note (text)')


def newer_schema(path: Path) -> None:
    shutil.copyfile(os.environ['HSA_DATA_DIR'] + '/hsa.db', path)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE alembic_version SET version_num = 'from-the-future'")


def damaged(path: Path) -> None:
    """A backup whose index pages were overwritten: a SQLite file still, in which SQLite finds the damage."""
    shutil.copyfile(os.environ['HSA_DATA_DIR'] + '/hsa.db', path)
    with closing(sqlite3.connect(path)) as db:
        page_size = db.execute('PRAGMA page_size').fetchone()[0]
        pages = [row[0] for row in db.execute("SELECT rootpage FROM sqlite_master WHERE type = 'index' LIMIT 5")]
    with path.open('r+b') as file:
        for page in pages:
            file.seek((page - 1) * page_size)
            file.write(b'\xff' * 8)


@pytest.mark.parametrize(
    ('make', 'message'),
    [
        (not_sqlite, 'is not a SQLite database'),
        (someone_elses, 'is not a Household Services database'),
        (newer_schema, 'which this version does not know'),
        (damaged, 'is damaged (integrity_check'),
    ],
    ids=['not-sqlite', 'not-ours', 'newer-schema', 'damaged'],
)
def test_restore_refuses_a_file_that_is_not_a_good_backup(data_dir: Path, tmp_path: Path, make, message: str) -> None:
    customer = make_customer()
    candidate = tmp_path / 'candidate.db'
    make(candidate)
    result = manage('restore', str(candidate))
    assert refused(result, message), result.stderr
    assert emails() == {customer.email}
    assert kept_copies(data_dir) == [] and leftovers(data_dir) == []


def health(url: str) -> int:
    try:
        with urllib.request.urlopen(f'{url}/healthz', timeout=5) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0
