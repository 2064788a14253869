from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

import models
from models import migrate
from models.db import dispose_engines, get_engine
from models.migrate import alembic_config, current_revision, head_revision, upgrade_to_head
from models.search import is_search_object
from settings import PROJECT_DIR


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


def test_the_head_read_from_the_scripts_is_alembics_head() -> None:
    scripts = ScriptDirectory.from_config(alembic_config('sqlite://'))
    assert head_revision() == scripts.get_current_head()


def test_a_database_at_head_starts_without_loading_alembic(tmp_path: Path) -> None:
    url = f'sqlite:///{tmp_path / "head.db"}'
    upgrade_to_head(url)
    dispose_engines()
    probe = f'import sys; from models import migrate; migrate.upgrade_to_head({url!r}); print("alembic" in sys.modules)'
    child = subprocess.run([sys.executable, '-c', probe], capture_output=True, text=True, check=True, cwd=PROJECT_DIR)
    assert child.stdout.strip() == 'False'


def test_a_database_behind_head_is_upgraded(tmp_path: Path) -> None:
    url = f'sqlite:///{tmp_path / "behind.db"}'
    upgrade_to_head(url)
    command.downgrade(alembic_config(url), '-1')
    assert current_revision(get_engine(url)) != head_revision()
    upgrade_to_head(url)
    assert current_revision(get_engine(url)) == head_revision()
    dispose_engines()


def test_the_head_is_found_in_scripts_of_any_alembic_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Annotated or not, single or double quotes, and a merge revising two heads at once."""
    scripts = {
        'a.py': "revision = 'a1'\ndown_revision = None\n",
        'b.py': 'revision: str = "b2"\ndown_revision: Union[str, None] = "a1"\n',
        'c.py': "revision: str = 'c3'\ndown_revision: str | None = 'a1'\n",
        'd.py': "revision = 'd4'\ndown_revision = ('b2', 'c3')\n",
    }
    for name, source in scripts.items():
        (tmp_path / name).write_text(source, encoding='utf-8')
    monkeypatch.setattr(migrate, 'VERSIONS', tmp_path)
    migrate.head_revision.cache_clear()
    try:
        assert migrate.head_revision() == 'd4'
    finally:
        migrate.head_revision.cache_clear()
