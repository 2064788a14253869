"""Is the machine's PostgreSQL there? Probed once per test process."""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

ADMIN_DSN = os.environ.get('HSA_TEST_PG_DSN', 'postgresql://postgres@127.0.0.1:5432/postgres')


@functools.cache
def answers() -> bool:
    try:
        with psycopg.connect(ADMIN_DSN, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def database_url(name: str) -> str:
    """A SQLAlchemy URL for database `name` on the same server and user as ADMIN_DSN."""
    return str(make_url(ADMIN_DSN).set(drivername='postgresql+psycopg', database=name).render_as_string(False))


def lock_waits() -> int:
    """How many sessions of the test's database wait for a row lock now (PostgreSQL): a racer is blocked."""
    from sqlalchemy import text  # noqa: PLC0415 (only the race tests that ask pay for the engine)

    from models.db import get_engine  # noqa: PLC0415

    query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    with get_engine().connect() as connection:
        return connection.scalar(text(query))


@contextlib.contextmanager
def empty_database(backend: str, folder: Path, label: str) -> Iterator[str]:
    """The URL of a database of its own (a SQLite file in `folder`, or a PostgreSQL database made and dropped
    here), for a test that migrates it itself rather than use the worker's shared one."""
    if backend == 'sqlite':
        yield f'sqlite:///{folder / f"{label}.db"}'
        return
    name = f'hsa_test_{label}_{os.getpid()}'
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')
        admin.execute(f'CREATE DATABASE {name}')
    yield database_url(name)
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')
