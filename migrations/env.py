"""Alembic environment: runs on the connection handed in by models.migrate, or on the configured URL."""

from alembic import context
from sqlalchemy import create_engine

import models
from models.db import is_sqlite
from models.search import include_name

target_metadata = models.Base.metadata


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=is_sqlite(connection.engine),  # SQLite alters tables by copying them
        compare_type=True,
        include_name=include_name,  # not the text indexes of migration 0009
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get('connection')
if connection is not None:
    run(connection)
else:
    with create_engine(context.config.get_main_option('sqlalchemy.url')).connect() as fresh:
        run(fresh)
