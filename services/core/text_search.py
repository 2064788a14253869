"""Finding people and services by any part of a name or email, in any case, through the trigram indexes of migration
0009 (models/search.py): FTS5 on SQLite, pg_trgm on PostgreSQL.

A trigram index finds text of three characters or more. Shorter text (one or two characters) falls back to a plain
`LIKE '%…%'` over the table: the same matches, but read from every row of "user" (22,000 rows: about 3 ms) or service;
the lists that use it stay keyset-paged with a LIMIT, so the scan stops once a page is full. On SQLite that fallback
ignores case for ASCII letters only (SQLite's LIKE); the index folds every script's case.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal_column, or_, select
from sqlalchemy.orm import Session

from models import Service, User
from models.db import is_sqlite
from models.search import MIN_TRIGRAM_TEXT, SERVICE_SEARCH, USER_SEARCH
from services.core import validation


def phrase(text: str) -> str:
    """An FTS5 query finding `text` as it is: one double-quoted string with its own quotes doubled, so no input is
    read as FTS5 syntax (AND, OR, NEAR, *, ^, column filters, brackets)."""
    return '"' + text.replace('"', '""') + '"'


def uses_index(text: str) -> bool:
    """Whether a search for `text` can ask the trigram index (three characters or more)."""
    return len(text) >= MIN_TRIGRAM_TEXT


def user_ids(session: Session, text: str) -> Select[Any]:
    """The ids of the users whose name or email contains `text`, for `column.in_(...)`."""
    if is_sqlite(session) and uses_index(text):
        return select(USER_SEARCH.c.rowid).where(USER_SEARCH.c.user_search.match(phrase(text)))
    return select(User.id).where(_contains(session, text, User.name, User.email))


def user_filter(session: Session, text: str, *, scanned: bool = False) -> ColumnElement[bool]:
    """A WHERE on "user": its name or email contains `text`. `scanned`: the matches are many, so keep the planner
    from starting at them (`id + 0`): a list sorted by another index then reads that index and checks each row."""
    if is_sqlite(session) and uses_index(text):
        return (User.id + literal_column('0') if scanned else User.id).in_(user_ids(session, text))
    return _contains(session, text, User.name, User.email)


def service_filter(session: Session, text: str) -> ColumnElement[bool]:
    """A WHERE on service: its name or category contains `text`."""
    if is_sqlite(session) and uses_index(text):
        found = select(SERVICE_SEARCH.c.rowid).where(SERVICE_SEARCH.c.service_search.match(phrase(text)))
        return Service.id.in_(found)
    name = Service.name_key.like(validation.contains_pattern(validation.name_key(text)), escape='\\')  # as name_key
    return or_(name, _contains(session, text, Service.category))


def _contains(session: Session, text: str, *columns: Any) -> ColumnElement[bool]:
    """`column LIKE '%text%'` for any of the columns, the text's own % and _ taken literally. SQLite's LIKE ignores
    the case of ASCII letters itself; PostgreSQL compares lower(column), which its trigram indexes hold."""
    pattern = validation.contains_pattern(text)
    if is_sqlite(session):
        return or_(*(column.like(pattern, escape='\\') for column in columns))
    return or_(*(func.lower(column).like(func.lower(pattern), escape='\\') for column in columns))
