"""Bring a database to the newest schema with Alembic (start-up, manage.py and the test template).

A database already at the newest revision is the usual case at every start, and Alembic takes a tenth of a second to
import and longer to walk its scripts: the revision is compared first, from the scripts' own text, and Alembic is
loaded only when there is something to apply."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from models.db import get_engine
from settings import PROJECT_DIR

if TYPE_CHECKING:
    from alembic.config import Config

VERSIONS = PROJECT_DIR / 'migrations' / 'versions'
_ASSIGNMENT = r'^{name}\s*(?::[^=\n]*)?=(.*)$'  # `revision = '…'`, also annotated (Alembic's newer template)
_QUOTED = re.compile(r'[\'"]([^\'"]+)[\'"]')  # each revision named on the right (a merge revises a tuple)


def alembic_config(url: str) -> Config:
    from alembic.config import Config  # noqa: PLC0415 (see the module docstring)

    config = Config()
    config.set_main_option('script_location', str(PROJECT_DIR / 'migrations'))
    config.set_main_option('sqlalchemy.url', url.replace('%', '%%'))
    return config


def upgrade_to_head(url: str | None = None) -> None:
    """Apply every migration not yet applied; a no-op on an up-to-date database."""
    engine = get_engine(url)
    if current_revision(engine) == head_revision():
        return
    from alembic import command  # noqa: PLC0415 (see the module docstring)

    with engine.begin() as connection:
        config = alembic_config(str(engine.url))
        config.attributes['connection'] = connection
        command.upgrade(config, 'head')


@functools.cache
def head_revision() -> str:
    """The revision no other migration revises, read from the scripts' `revision = '…'` lines."""
    revisions, revised = set(), set()
    for script in VERSIONS.glob('*.py'):
        source = script.read_text(encoding='utf-8')
        revisions.update(_assigned('revision', source))
        revised.update(_assigned('down_revision', source))
    heads = revisions - revised
    if len(heads) != 1:
        raise RuntimeError(f'migrations/versions should have one head, not {sorted(heads)}')
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table('alembic_version'):
            return None
        return connection.scalar(text('SELECT version_num FROM alembic_version'))


def _assigned(name: str, source: str) -> list[str]:
    values = re.findall(_ASSIGNMENT.format(name=name), source, re.MULTILINE)
    return [revision for value in values for revision in _QUOTED.findall(value)]
