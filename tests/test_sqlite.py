"""SQLite specifics: connection pragmas and write units that take the lock up front."""

from __future__ import annotations

import threading
import time

from models import Service
from models.db import SQLITE_SYNCHRONOUS, get_engine, session_scope
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
