from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError

from models import Service
from models.db import session_scope
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
