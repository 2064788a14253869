"""The text indexes migration 0009 builds for finding people and services by any part of a name or email.

SQLite: FTS5 tables with the trigram tokenizer, `user_search` over "user" (name, email) and `service_search` over
service (name, category), external-content tables whose rowid is the row's id, kept in step by triggers. Query them
with `<table>.c.<table>.match(phrase)` (FTS5's hidden column named after the table: every column) and read `rowid`.
PostgreSQL: pg_trgm GIN indexes on the lower-cased columns, used by `lower(column) LIKE '%…%'`.

Neither is in `Base.metadata` (SQLAlchemy can create neither kind); `is_search_object` tells autogenerate and the
schema tests to leave them alone.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, Table, Text

MIN_TRIGRAM_TEXT = 3  # a trigram index finds text of three characters or more

_metadata = MetaData()
USER_SEARCH = Table('user_search', _metadata, Column('rowid', Integer), Column('user_search', Text))
SERVICE_SEARCH = Table('service_search', _metadata, Column('rowid', Integer), Column('service_search', Text))

SQLITE_TABLES = frozenset({'user_search', 'service_search'})
SQLITE_SHADOW_SUFFIXES = ('_data', '_idx', '_docsize', '_config', '_content')  # FTS5's own tables behind each one
POSTGRESQL_INDEXES = frozenset(
    {'ix_user_name_trgm', 'ix_user_email_trgm', 'ix_service_name_key_trgm', 'ix_service_category_trgm'}
)


def is_search_object(name: str | None) -> bool:
    """Whether a table or index of that name belongs to the text indexes (made by migration 0009, not the models)."""
    if not name:
        return False
    if name in SQLITE_TABLES or name in POSTGRESQL_INDEXES:
        return True
    return any(name == f'{table}{suffix}' for table in SQLITE_TABLES for suffix in SQLITE_SHADOW_SUFFIXES)


def include_name(name: str | None, type_: str, _parent_names: object = None) -> bool:
    """Alembic's `include_name` hook: autogenerate compares the models' tables and indexes, not these."""
    return type_ not in ('table', 'index') or not is_search_object(name)
