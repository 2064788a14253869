from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

import models
from models.db import dispose_engines, get_engine
from models.migrate import alembic_config, upgrade_to_head
from models.search import is_search_object


def test_migrations_build_every_table_from_nothing_and_tear_down_again(tmp_path: Path) -> None:
    url = f'sqlite:///{tmp_path / "fresh.db"}'
    upgrade_to_head(url)
    tables = set(inspect(get_engine(url)).get_table_names())
    assert {'user_search', 'service_search'} <= tables  # and FTS5's own tables behind them
    models_tables = {table.name for table in models.Base.metadata.sorted_tables}
    assert {name for name in tables if not is_search_object(name)} == models_tables | {'alembic_version'}
    command.downgrade(alembic_config(url), 'base')
    assert set(inspect(get_engine(url)).get_table_names()) == {'alembic_version'}
    dispose_engines()


def test_upgrading_an_up_to_date_database_changes_nothing(tmp_path: Path) -> None:
    url = f'sqlite:///{tmp_path / "twice.db"}'
    upgrade_to_head(url)
    upgrade_to_head(url)
    assert 'user' in inspect(get_engine(url)).get_table_names()
    dispose_engines()
