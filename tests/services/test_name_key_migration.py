"""Migration 0010 (issue 18): the services that exist get the new name key (NFKC, case-folded, spacing collapsed);
look-alikes that now share a key keep their names, the oldest keeps the key and the others get one of their own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, insert, select

from models import Service
from models.migrate import alembic_config
from tests import postgres

BEFORE = datetime(2026, 1, 1, tzinfo=UTC)
NAMES = {  # id: name, as an older version stored them (key: the name case-folded)
    1: 'Plumbing',
    2: '\uff30\uff4c\uff55\uff4d\uff42\uff49\uff4e\uff47',  # 'Plumbing' in full-width letters
    3: 'AC  Repair',
    4: 'ac repair',
    5: 'Plumbing\u200b',  # a zero-width space after it
    6: 'Stra\u00dfe Cleaning',
}


@pytest.fixture
def empty_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database of its own, migrated by the test (not the worker's shared PostgreSQL database)."""
    with postgres.empty_database(backend, tmp_path, 'keys') as url:
        yield url


def stored(engine) -> dict[int, tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(select(Service.id, Service.name, Service.name_key).order_by(Service.id))
        return {row.id: (row.name, row.name_key) for row in rows}


def test_the_name_key_migration_keys_existing_services_and_keeps_look_alikes_apart(empty_url: str) -> None:
    config = alembic_config(empty_url)
    command.upgrade(config, '0009')
    engine = create_engine(empty_url)
    service = {'category': 'Home', 'base_price': 100, 'time_required': 60, 'description': ''}
    rows = [
        service | {'id': id_, 'name': name, 'name_key': name.casefold(), 'created_at': BEFORE, 'updated_at': BEFORE}
        for id_, name in NAMES.items()
    ]
    with engine.begin() as connection:
        connection.execute(insert(Service), rows)

    command.upgrade(config, 'head')
    assert stored(engine) == {
        1: (NAMES[1], 'plumbing'),
        2: (NAMES[2], 'plumbing\n#2'),
        3: (NAMES[3], 'ac repair'),
        4: (NAMES[4], 'ac repair\n#4'),
        5: (NAMES[5], 'plumbing\n#5'),  # its name is refused when next edited
        6: (NAMES[6], 'strasse cleaning'),
    }

    command.downgrade(config, '0009')
    assert stored(engine) == {id_: (name, name.casefold()) for id_, name in NAMES.items()}
    engine.dispose()
