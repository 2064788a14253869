"""Is the machine's PostgreSQL there? Probed once per test process."""

from __future__ import annotations

import functools
import os

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
