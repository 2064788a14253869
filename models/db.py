"""Engine and session scope. Callers own the transaction: one `session_scope()` per user action.

SQLite runs in WAL mode with foreign keys on and a busy timeout on every connection. We send BEGIN
ourselves (pysqlite's implicit transactions are turned off) so that a write unit can start with
`BEGIN IMMEDIATE`: it takes the write lock up front and waits for it, instead of failing with
"database is locked" when a read transaction tries to upgrade.

Waiting for that lock is ours, not SQLite's: its busy handler sleeps in growing steps up to 100 ms, so under
several writer processes a unit that just missed the lock sleeps through many commits and, on a busy machine, can
starve for seconds. We ask with a zero timeout and retry after short, jittered sleeps (at most a few ms) until the
same 10 s deadline: whoever is waiting gets the lock within a few ms of its release.

`synchronous=FULL`: with WAL, NORMAL may lose the last commits on a power cut. Bookings and payments
are worth the extra fsync per commit (a few hundred writes per second is far beyond our load).

A unit the database refuses for want of space (SQLite's "database or disk is full", PostgreSQL's disk_full) rolls back
and raises the service layer's refusal (`set_storage_full_error`), so every page shows its message instead of failing
silently; the pooled connection stays usable, and the same action works once there is space again.
"""

from __future__ import annotations

import errno
import itertools
import logging
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from models import holders, write_lock
from settings import get_settings

BUSY_TIMEOUT_MS = 10_000
WRITE_LOCK_SLEEPS = (0.0002, 0.0005, 0.001, 0.002, 0.003)  # seconds between tries, the last one repeated
SQLITE_SYNCHRONOUS = 'FULL'
_WRITE_OPTION = 'hsa_write'
_AFTER_COMMIT = 'hsa_after_commit'
_ON_COMMIT = 'hsa_on_commit'
_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_publisher: Callable[[list[Any]], None] | None = None
_storage_full: type[Exception] | None = None
_holds: dict[str, int | None] = {}  # url -> the descriptor holding models/holders.py's shared lock
SQLITE_IOERR_SHMSIZE = 4874  # the -shm file could not grow: what opening a WAL database on a full disk gets
POSTGRES_DISK_FULL = '53100'  # SQLSTATE disk_full
log = logging.getLogger(__name__)


def get_engine(url: str | None = None) -> Engine:
    """The engine for `url` (default: the configured database), created once per URL."""
    url = url or get_settings().effective_database_url
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = _create_engine(url)
            _holds[url] = holders.hold(engine.url.database) if engine.dialect.name == 'sqlite' else None
        return engine


def dispose_engines() -> None:
    """Close every pooled connection (tests switch databases; shutdown releases files)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        for descriptor in _holds.values():
            holders.let_go(descriptor)
        _holds.clear()


@contextmanager
def session_scope(*, write: bool = False) -> Iterator[Session]:
    """One unit of work: commits on success, rolls back on any exception.

    `write=True` takes SQLite's write lock when the unit first touches the database (BEGIN
    IMMEDIATE); use it for every unit that writes after reading. On PostgreSQL it changes nothing:
    rules that read before they write lock their rows with FOR UPDATE.
    """
    engine = get_engine()
    bind = engine.execution_options(**{_WRITE_OPTION: True}) if write else engine
    session = Session(bind=bind, expire_on_commit=False, autoflush=True)
    try:
        yield session
        session.commit()
    except BaseException as error:
        session.rollback()
        if _storage_full is not None and not isinstance(error, _storage_full) and is_storage_full(error):
            log.warning('the database refused a unit for want of space: %s', error)
            raise _storage_full() from error
        raise
    finally:
        pending = session.info.pop(_AFTER_COMMIT, [])
        committed = session.info.pop(_ON_COMMIT, {})
        session.close()
    _run_committed(committed)
    _hand_over(pending)


def after_commit(session: Session, item: Any) -> None:
    """Hold `item` (a domain event or a job request) until this unit commits; dropped on rollback."""
    session.info.setdefault(_AFTER_COMMIT, []).append(item)


def on_commit(session: Session, key: Any, callback: Callable[[], None]) -> None:
    """Run `callback` right after this unit commits, before its items are handed over (once per `key`); dropped on
    rollback. The cache forgets what a unit changed this way, so a page woken by the unit's event reads it fresh."""
    session.info.setdefault(_ON_COMMIT, {}).setdefault(key, callback)


def set_publisher(publisher: Callable[[list[Any]], None] | None) -> None:
    """The composition root registers what receives committed items (None: nobody, they are dropped)."""
    global _publisher  # noqa: PLW0603 (one slot, filled at start-up and emptied at shutdown)
    _publisher = publisher


def set_storage_full_error(error: type[Exception] | None) -> None:
    """The service layer names the refusal a unit raises when the database is out of space (models cannot import
    it): a ServiceError, which every page already shows."""
    global _storage_full  # noqa: PLW0603 (one slot, filled once by the service layer's face)
    _storage_full = error


def is_storage_full(error: BaseException | None) -> bool:
    """Whether `error`, or what it wraps, says the database is out of space: SQLite's SQLITE_FULL (or a -shm file
    that could not grow), PostgreSQL's disk_full, or the system's "no space left" on a file beside the database."""
    for _ in range(5):  # SQLAlchemy's error wraps the driver's; ours may wrap SQLAlchemy's
        if error is None:
            return False
        code = getattr(error, 'sqlite_errorcode', None)
        if isinstance(code, int) and (code & 0xFF == sqlite3.SQLITE_FULL or code == SQLITE_IOERR_SHMSIZE):
            return True
        if getattr(error, 'sqlstate', None) == POSTGRES_DISK_FULL:
            return True
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        error = getattr(error, 'orig', None) or error.__cause__
    return False


def _run_committed(callbacks: dict[Any, Callable[[], None]]) -> None:
    for callback in callbacks.values():
        try:
            callback()
        except Exception:  # the unit is committed: a failing callback must not look like a failed action
            log.exception('an after-commit callback failed')


def _hand_over(items: list[Any]) -> None:
    if not items or _publisher is None:
        return
    try:
        _publisher(items)
    except Exception:  # the unit is committed: a failing subscriber must not look like a failed action
        log.exception('delivering %d committed item(s) failed', len(items))


def is_sqlite(session_or_engine: Session | Engine) -> bool:
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) else session_or_engine
    return bind.dialect.name == 'sqlite'


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    # hide_parameters: an error's text (logged) never carries the values of its statement: a password or session hash
    if parsed.get_backend_name() != 'sqlite':
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    if parsed.database and parsed.database != ':memory:':
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={'timeout': BUSY_TIMEOUT_MS / 1000}, hide_parameters=True)
    event.listen(engine, 'connect', _configure_sqlite_connection)
    event.listen(engine, 'begin', _begin_sqlite_transaction)
    event.listen(engine, 'checkin', _release_write_lock)
    event.listen(engine, 'close', _close_write_lock)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see module docstring)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute('PRAGMA journal_mode=WAL')
        cursor.execute('PRAGMA foreign_keys=ON')
        cursor.execute(f'PRAGMA busy_timeout={BUSY_TIMEOUT_MS}')
        cursor.execute(f'PRAGMA synchronous={SQLITE_SYNCHRONOUS}')
    finally:
        cursor.close()


def _begin_sqlite_transaction(connection: Any) -> None:
    if not connection.get_execution_options().get(_WRITE_OPTION, False):
        connection.exec_driver_sql('BEGIN')
        return
    try:
        queue = write_lock.lock_path(connection.engine.url.database)
        if queue is not None:
            write_lock.acquire(connection.connection.info, queue, BUSY_TIMEOUT_MS / 1000)
        begin_immediate(connection.connection.driver_connection)
    except sqlite3.OperationalError as error:  # raised here, outside SQLAlchemy's wrapping: wrap it the same way
        raise exc.OperationalError('BEGIN IMMEDIATE', None, error) from error


def _release_write_lock(_dbapi_connection: Any, record: Any) -> None:
    write_lock.release(record.info)  # back in the pool: committed or rolled back


def _close_write_lock(_dbapi_connection: Any, record: Any) -> None:
    write_lock.forget(record.info)


def begin_immediate(dbapi_connection: sqlite3.Connection, *, timeout: float = BUSY_TIMEOUT_MS / 1000) -> None:
    """BEGIN IMMEDIATE, retried after short sleeps while another connection holds the write lock (see the module
    docstring); raises SQLite's "database is locked" once `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    dbapi_connection.execute('PRAGMA busy_timeout=0')
    try:
        for attempt in itertools.count():
            try:
                dbapi_connection.execute('BEGIN IMMEDIATE')
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                    raise
            pause = WRITE_LOCK_SLEEPS[min(attempt, len(WRITE_LOCK_SLEEPS) - 1)]
            time.sleep(pause * random.uniform(0.5, 1.5))  # jitter: waiters do not wake in step
    finally:
        dbapi_connection.execute(f'PRAGMA busy_timeout={BUSY_TIMEOUT_MS}')
