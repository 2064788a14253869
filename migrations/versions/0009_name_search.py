"""Text indexes for finding people and services by any part of a name or email

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 06:00:00

The admin's requests filtered by a customer's or professional's name, the admin's user search and the customer's
service search read every row with `LIKE '%…%'` (84 ms for "sharma" on a million requests). They now ask a trigram
index, which finds any substring of three characters or more:

- SQLite: FTS5 tables with the `trigram` tokenizer (SQLite 3.34 or later) over "user" (name, email) and service
  (name, category). They are external-content tables (the text stays in "user" and service; the index holds only the
  trigrams), kept in step by row triggers, so every writer (the services, a bulk load, a hand-typed UPDATE) keeps
  them right. NOTE: a later migration that rebuilds "user" or service in batch mode (copy, drop, rename) drops these
  triggers with the old table: it must create them again (and `rebuild` the index).
- PostgreSQL: `pg_trgm` GIN indexes on lower(name) and lower(email) of "user", name_key (the casefolded name) and
  lower(category) of service; PostgreSQL keeps them in step itself. pg_trgm is a trusted extension (PostgreSQL 13
  or later): the database's owner may create it. Downgrading leaves the extension installed (others may use it).

The rows that exist are indexed here (SQLite: 22,001 users in well under a second). None of these objects are in the
models' metadata: models/search.py names them, and autogenerate leaves them alone.

The requests of the customers a name matches are read through a new index, (customer_id, service_status,
scheduled_at), the customer's twin of the professional's: it answers the count and the page of a customer filter,
with a status or without, from the index alone (a customer with 2,175 requests: 3.5 ms to 0.3 ms; "sharma" and
closed, counted: 20 ms to 3 ms). It takes about 1.5 s to build on a million requests.
"""

import sqlite3

from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# (index table, content table, its columns)
SQLITE_INDEXES = (('user_search', 'user', ('name', 'email')), ('service_search', 'service', ('name', 'category')))
# (index, table, the expression searched): service.name_key is the name casefolded by the service layer
POSTGRESQL_INDEXES = (
    ('ix_user_name_trgm', 'user', 'lower(name)'),
    ('ix_user_email_trgm', 'user', 'lower(email)'),
    ('ix_service_name_key_trgm', 'service', 'name_key'),
    ('ix_service_category_trgm', 'service', 'lower(category)'),
)


def sqlite_statements(index: str, table: str, columns: tuple[str, ...]) -> list[str]:
    """The FTS5 table, filled from the rows that exist, and the triggers that keep it in step with `table`."""
    names = ', '.join(columns)
    new = ', '.join(f'NEW.{column}' for column in columns)
    old = ', '.join(f'OLD.{column}' for column in columns)
    changed = ' OR '.join(f'NEW.{column} IS NOT OLD.{column}' for column in ('id', *columns))
    add = f'INSERT INTO {index} (rowid, {names}) VALUES (NEW.id, {new});'
    remove = f"INSERT INTO {index} ({index}, rowid, {names}) VALUES ('delete', OLD.id, {old});"
    return [
        f"CREATE VIRTUAL TABLE {index} USING fts5({names}, content='{table}', content_rowid='id', tokenize='trigram')",
        f"INSERT INTO {index} ({index}) VALUES ('rebuild')",
        f'CREATE TRIGGER {index}_insert AFTER INSERT ON "{table}" BEGIN {add} END',
        f'CREATE TRIGGER {index}_delete AFTER DELETE ON "{table}" BEGIN {remove} END',
        f'CREATE TRIGGER {index}_update AFTER UPDATE OF id, {names} ON "{table}" WHEN {changed} '
        f'BEGIN {remove} {add} END',
    ]


TRIGRAM_SQLITE = (3, 34, 0)


CUSTOMER_INDEX = ('ix_service_request_customer_id_service_status_scheduled_at', 'service_request')
CUSTOMER_INDEX_COLUMNS = ['customer_id', 'service_status', 'scheduled_at']


def upgrade() -> None:
    op.create_index(*CUSTOMER_INDEX, CUSTOMER_INDEX_COLUMNS, unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        if sqlite3.sqlite_version_info < TRIGRAM_SQLITE:
            raise RuntimeError(f'SQLite {sqlite3.sqlite_version} has no trigram tokenizer: 3.34 or later is needed')
        for index, table, columns in SQLITE_INDEXES:
            for statement in sqlite_statements(index, table, columns):
                op.execute(statement)
    else:
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        for name, table, expression in POSTGRESQL_INDEXES:
            op.execute(f'CREATE INDEX {name} ON "{table}" USING gin (({expression}) gin_trgm_ops)')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for index, _, _ in SQLITE_INDEXES:
            for trigger in ('insert', 'delete', 'update'):
                op.execute(f'DROP TRIGGER {index}_{trigger}')
            op.execute(f'DROP TABLE {index}')
    else:
        for name, _, _ in POSTGRESQL_INDEXES:
            op.execute(f'DROP INDEX {name}')
    op.drop_index(CUSTOMER_INDEX[0], table_name=CUSTOMER_INDEX[1])
