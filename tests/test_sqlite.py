"""SQLite specifics: connection pragmas and write units that take the lock up front."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from models import Service, write_lock
from models.db import BUSY_TIMEOUT_MS, SQLITE_SYNCHRONOUS, begin_immediate, get_engine, session_scope
from tests.factories import make_service


def test_sqlite_connections_use_wal_foreign_keys_busy_timeout_and_full_sync() -> None:
    with get_engine().connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f'PRAGMA {name}').scalar()  # noqa: E731
        assert pragma('journal_mode') == 'wal'
        assert pragma('foreign_keys') == 1
        assert pragma('busy_timeout') >= 5000
        assert pragma('synchronous') == {'FULL': 2, 'NORMAL': 1}[SQLITE_SYNCHRONOUS] == 2


def test_write_units_wait_for_each_other_instead_of_failing() -> None:
    row = make_service(name='Counter', base_price=0)
    errors: list[BaseException] = []

    def add_one() -> None:
        try:
            with session_scope(write=True) as session:
                service = session.get(Service, row.id)
                current = service.base_price
                time.sleep(0.01)  # widen the read-then-write window
                service.base_price = current + 1
        except BaseException as error:  # recorded for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=add_one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with session_scope() as session:
        final = session.get(Service, row.id).base_price
    assert errors == []
    assert final == 8  # BEGIN IMMEDIATE serialized every read-modify-write: no lost update


def test_a_write_unit_queues_behind_a_writer_of_another_process_until_it_lets_go() -> None:
    """The queue is in front of every write unit: while another process holds it, a unit here does not begin."""
    row = make_service(name='Queued', base_price=0)
    other_process = os.open(write_lock.lock_path(get_engine().url.database), os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(other_process, fcntl.LOCK_EX)
    written = threading.Event()

    def write() -> None:
        with session_scope(write=True) as session:
            session.get(Service, row.id).base_price = 100
        written.set()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        assert not written.wait(0.5)  # queued: SQLite's own lock is free all along
    finally:
        fcntl.flock(other_process, fcntl.LOCK_UN)
        os.close(other_process)
    assert written.wait(10)
    thread.join()
    with session_scope() as session:
        assert session.get(Service, row.id).base_price == 100


def test_a_writer_waits_for_the_queue_and_gives_up_at_the_deadline(tmp_path: Path) -> None:
    path = str(tmp_path / 'hsa.db-writers')
    holder: dict[str, Any] = {}
    write_lock.acquire(holder, path, timeout=1)
    waiter: dict[str, Any] = {}
    with pytest.raises(write_lock.WriteLockTimeout, match='database is locked'):
        write_lock.acquire(waiter, path, timeout=0.05)
    write_lock.release(holder)
    write_lock.acquire(waiter, path, timeout=1)  # the abandoned wait let go of the lock as soon as it got it
    write_lock.forget(waiter)
    write_lock.forget(holder)
    assert oct(os.stat(path).st_mode & 0o777) == '0o600'


def test_a_waiting_writer_gets_the_lock_when_the_holder_lets_go(tmp_path: Path) -> None:
    path = str(tmp_path / 'hsa.db-writers')
    holder, waiter = {}, {}
    write_lock.acquire(holder, path, timeout=1)
    got = threading.Event()
    thread = threading.Thread(target=lambda: (write_lock.acquire(waiter, path, timeout=5), got.set()))
    thread.start()
    assert not got.wait(0.1)
    write_lock.release(holder)
    thread.join()
    assert got.is_set()
    write_lock.forget(waiter)
    write_lock.forget(holder)


def test_begin_immediate_outwaits_a_writer_outside_the_queue_and_then_gives_up(tmp_path: Path) -> None:
    database = str(tmp_path / 'outside.db')
    outside = sqlite3.connect(database, isolation_level=None, check_same_thread=False)  # committed by a timer
    ours = sqlite3.connect(database, isolation_level=None)
    outside.execute('PRAGMA journal_mode=WAL')
    outside.execute('BEGIN IMMEDIATE')
    with pytest.raises(sqlite3.OperationalError, match='database is locked'):
        begin_immediate(ours, timeout=0.05)
    assert ours.execute('PRAGMA busy_timeout').fetchone() == (BUSY_TIMEOUT_MS,)
    threading.Timer(0.05, outside.commit).start()
    begin_immediate(ours, timeout=5)
    assert ours.in_transaction
    ours.rollback()
    outside.close()
    ours.close()
