"""Service tests run twice: on SQLite, and on PostgreSQL when it answers on 127.0.0.1:5432.

The PostgreSQL leg uses one database per test worker, migrated once and truncated before each test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import text

import models
from models.db import dispose_engines, get_engine
from models.migrate import upgrade_to_head
from tests import postgres

BACKENDS = ['sqlite', 'postgresql'] if postgres.answers() else ['sqlite']


def pytest_report_header() -> str:
    return f'service tests on: {", ".join(BACKENDS)}'


@pytest.fixture(scope='session')
def postgres_url(worker_id: str) -> Iterator[str]:
    # the process id keeps two test runs on one machine (two checkouts, a second terminal) out of each other's data
    name = f'hsa_test_{worker_id}_{os.getpid()}'
    with psycopg.connect(postgres.ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')
        admin.execute(f'CREATE DATABASE {name}')
    url = postgres.database_url(name)
    upgrade_to_head(url)
    yield url
    dispose_engines()
    with psycopg.connect(postgres.ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')


@pytest.fixture(params=BACKENDS, autouse=True)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, data_dir: object) -> Iterator[str]:
    if request.param == 'postgresql':
        url = request.getfixturevalue('postgres_url')
        monkeypatch.setenv('HSA_DATABASE_URL', url)
        tables = ', '.join(f'"{table.name}"' for table in models.Base.metadata.sorted_tables)
        with get_engine(url).begin() as connection:
            connection.execute(text(f'TRUNCATE {tables} RESTART IDENTITY CASCADE'))
    yield request.param
    dispose_engines()
