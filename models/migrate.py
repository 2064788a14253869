"""Bring a database to the newest schema with Alembic (start-up, manage.py and the test template)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from models.db import get_engine
from settings import PROJECT_DIR


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option('script_location', str(PROJECT_DIR / 'migrations'))
    config.set_main_option('sqlalchemy.url', url.replace('%', '%%'))
    return config


def upgrade_to_head(url: str | None = None) -> None:
    """Apply every migration not yet applied; a no-op on an up-to-date database."""
    engine = get_engine(url)
    with engine.begin() as connection:
        config = alembic_config(str(engine.url))
        config.attributes['connection'] = connection
        command.upgrade(config, 'head')
