from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, insert, text
from sqlalchemy.exc import IntegrityError

import models
from models import Service, User
from models.db import get_engine
from models.enums import Role
from models.migrate import alembic_config, upgrade_to_head
from models.search import include_name
from tests import postgres

BEFORE = datetime(2026, 1, 1, tzinfo=UTC)


def test_migrated_schema_matches_the_models() -> None:
    with get_engine().connect() as connection:
        context = MigrationContext.configure(connection, opts={'compare_type': True, 'include_name': include_name})
        differences = compare_metadata(context, models.Base.metadata)
    assert differences == []


@pytest.fixture
def empty_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database of its own, migrated by the test (not the worker's shared PostgreSQL database)."""
    with postgres.empty_database(backend, tmp_path, 'steps') as url:
        yield url


def test_the_name_search_migration_indexes_the_rows_that_exist(empty_url: str) -> None:
    config = alembic_config(empty_url)
    command.upgrade(config, '0008')
    engine = create_engine(empty_url)
    person = {'role': Role.CUSTOMER, 'password_hash': 'x' * 60, 'created_at': BEFORE, 'password_changed_at': BEFORE}
    service = {'category': 'Cleaning', 'base_price': 100, 'time_required': 60, 'description': ''}
    stamps = {'created_at': BEFORE, 'updated_at': BEFORE}
    with engine.begin() as connection:
        connection.execute(insert(User), [person | {'name': 'Asha Sharma', 'email': 'asha@example.com'}])
        connection.execute(insert(User), [person | {'name': 'Ravi', 'email': 'ravi.sharman@example.in'}])
        connection.execute(insert(Service), [service | stamps | {'name': 'Sofa Shampoo', 'name_key': 'sofa shampoo'}])
    command.upgrade(config, 'head')
    with engine.begin() as connection:
        if engine.dialect.name == 'sqlite':
            users = 'SELECT rowid FROM user_search WHERE user_search MATCH \'"SHARMA"\''
            services = 'SELECT rowid FROM service_search WHERE service_search MATCH \'"clean"\''
            connection.execute(text("INSERT INTO user_search (user_search) VALUES ('integrity-check')"))
        else:
            connection.execute(text('SET LOCAL enable_seqscan = off'))  # tiny tables: the index must still be usable
            users = "SELECT id FROM \"user\" WHERE lower(name) LIKE '%sharma%' OR lower(email) LIKE '%sharma%'"
            services = "SELECT id FROM service WHERE lower(category) LIKE '%clean%'"
            plan = connection.execute(text(f'EXPLAIN {users}')).scalars().all()
            assert any('ix_user_name_trgm' in line for line in plan), plan
        assert sorted(connection.execute(text(users)).scalars()) == [1, 2]
        assert connection.execute(text(services)).scalars().all() == [1]
    command.downgrade(config, '0008')
    command.upgrade(config, 'head')  # and back: the extension left installed is no obstacle
    engine.dispose()


def test_the_webhook_migration_keeps_the_outbox_and_its_attachments(empty_url: str) -> None:
    """0012 copies outbox_message on SQLite (a new CHECK): dropping the old copy must not take the attachments of
    messages still waiting with it (their foreign key cascades), and the copy takes the new channel."""
    command.upgrade(alembic_config(empty_url), '0011')
    engine = get_engine(empty_url)  # the app's engine: foreign keys enforced, as at a real start
    person = {'role': Role.ADMIN, 'name': 'Asha', 'email': 'asha@example.com', 'password_hash': 'x' * 60}
    stamps = {'created_at': BEFORE, 'updated_at': BEFORE, 'next_attempt_at': BEFORE}
    waiting = {'channel': 'email', 'kind': 'report', 'address': 'asha@example.com', 'subject': 'Your report'}
    waiting |= {'body_text': 'Attached.', 'state': 'pending', 'attempts': 0}
    with engine.begin() as connection:
        connection.execute(insert(User), [person | {'created_at': BEFORE, 'password_changed_at': BEFORE}])
        connection.execute(insert(models.OutboxMessage), [waiting | stamps | {'user_id': 1, 'idempotency_key': 'r-1'}])
        connection.execute(
            insert(models.OutboxAttachment),
            [{'message_id': 1, 'filename': 'report.pdf', 'content_type': 'application/pdf', 'content': b'%PDF'}],
        )
    upgrade_to_head(empty_url)
    webhook = waiting | stamps | {'user_id': 1, 'idempotency_key': 'msg_1', 'channel': 'webhook'}
    with engine.begin() as connection:
        assert connection.execute(text('SELECT filename, content FROM outbox_attachment')).all() == [
            ('report.pdf', b'%PDF')
        ]
        connection.execute(insert(models.OutboxMessage), [webhook])
        with pytest.raises(IntegrityError):
            connection.execute(text("UPDATE outbox_message SET channel = 'fax' WHERE idempotency_key = 'msg_1'"))
