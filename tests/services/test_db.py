from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from models import Service
from models.db import session_scope
from services import StorageFull
from tests.factories import make_service


def test_datetimes_come_back_aware_in_utc() -> None:
    ist = timezone(timedelta(hours=5, minutes=30))
    created = datetime(2026, 11, 25, 10, 0, tzinfo=ist)
    row = make_service()
    with session_scope(write=True) as session:
        session.get(Service, row.id).created_at = created
    with session_scope() as session:
        stored = session.scalar(select(Service.created_at).where(Service.id == row.id))
    assert stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)
    assert stored == created.astimezone(UTC)


def test_naive_datetimes_are_refused() -> None:
    row = make_service()
    with pytest.raises(StatementError, match='naive datetimes'), session_scope(write=True) as session:
        session.get(Service, row.id).created_at = datetime(2026, 1, 1)
        session.flush()


def test_a_failed_unit_changes_nothing() -> None:
    row = make_service(name='Before')
    with pytest.raises(RuntimeError), session_scope(write=True) as session:
        session.get(Service, row.id).name = 'After'
        session.flush()
        raise RuntimeError('boom')
    with session_scope() as session:
        assert session.get(Service, row.id).name == 'Before'


def test_foreign_keys_are_enforced() -> None:
    with pytest.raises(IntegrityError), session_scope(write=True) as session:
        session.execute(
            text(
                'INSERT INTO professional_profile (user_id, service_id, experience_years, description, approval_state)'
                " VALUES (999, 999, 1, 'x', 'pending')"
            )
        )


def test_a_unit_the_database_refuses_for_want_of_space_is_a_storage_full_refusal(backend: str) -> None:
    row = make_service(name='Before')
    with pytest.raises(StorageFull, match=r'out of space\. Nothing was changed'), session_scope(write=True) as session:
        session.get(Service, row.id).name = 'After'
        session.flush()
        run_out_of_space(session, backend)
    with session_scope() as session:
        assert session.get(Service, row.id).name == 'Before'


def run_out_of_space(session: Session, backend: str) -> None:
    """What each database says when it cannot grow: SQLite past its page limit (SQLITE_FULL, as on a full disk),
    PostgreSQL's disk_full (SQLSTATE 53100). tests/test_disk_full.py fills a real disk under SQLite."""
    if backend == 'postgresql':
        session.execute(text("DO $$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; END $$"))
        return
    session.execute(text(f'PRAGMA max_page_count = {session.scalar(text("PRAGMA page_count"))}'))
    try:
        session.execute(text('UPDATE service SET description = :text'), {'text': 'x' * 100_000})
    finally:
        session.execute(text('PRAGMA max_page_count = 4294967294'))
