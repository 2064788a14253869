"""Notification ids from a caller or a URL go through the one converter (validation.to_id): an id or its ASCII
digits is looked up, anything else (a list, a dict, None, True, '²', an int past the column) is "not found" for
mark_read and a stale link for list_notifications, never a database or driver error, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from services import Actor, NotFound, ValidationError, messaging, session_scope
from tests.factories import make_customer
from tests.fuzzing import JUNK, ODD_IDS, examples

ANYTHING = st.one_of(JUNK, ODD_IDS, st.integers(min_value=0, max_value=2**70).map(str))
FUZZ = settings(max_examples=examples(30), suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def customer() -> Actor:
    return make_customer()


def note_for(actor: Actor) -> int:
    with session_scope(write=True) as session:
        messaging.notify(session, actor.id, 'test', 'news')
    with session_scope() as session:
        return messaging.list_notifications(session, actor)[0].id


def is_an_id(value: Any) -> bool:
    """What the converter takes: a positive int within INTEGER, not a bool, or its ASCII digits."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 20:
        value = int(value)
    return type(value) is int and 0 < value < 2**31


@pytest.mark.fuzz
@FUZZ
@given(wanted=ANYTHING)
@example(wanted=[1])
@example(wanted={'id': 1})
@example(wanted=None)
@example(wanted=True)
@example(wanted=2**63)
@example(wanted=2**31)
@example(wanted='²')
@example(wanted='99999999999999999999999')
def test_mark_read_with_anything_but_an_id_is_not_found(customer: Actor, wanted: Any) -> None:
    with session_scope(write=True) as session, pytest.raises(NotFound, match='does not exist'):
        messaging.mark_read(session, customer, notification_id=wanted if not is_an_id(wanted) else 2**31 - 1)


@pytest.mark.fuzz
@FUZZ
@given(before=ANYTHING)
@example(before=[1])
@example(before={'id': 1})
@example(before=True)
@example(before=2**63)
@example(before=2**31)
@example(before='²')
@example(before='99999999999999999999999')
def test_listing_before_anything_but_an_id_is_a_stale_link(customer: Actor, before: Any) -> None:
    with session_scope() as session:
        if is_an_id(before) or before in (None, ''):
            assert isinstance(messaging.list_notifications(session, customer, before_id=before), list)
        else:
            with pytest.raises(ValidationError, match='no longer valid'):
                messaging.list_notifications(session, customer, before_id=before)


@pytest.mark.parametrize('limit', ['two', 2.5, None, [2], True, 0, -1])
def test_a_page_size_that_is_no_whole_number_is_refused(customer: Actor, limit: Any) -> None:
    with session_scope() as session, pytest.raises(ValidationError, match='Page size'):
        messaging.list_notifications(session, customer, limit=limit)


def test_the_digits_of_an_id_from_the_url_mark_it_read(customer: Actor) -> None:
    note = note_for(customer)
    with session_scope(write=True) as session:
        messaging.mark_read(session, customer, notification_id=str(note))
    with session_scope() as session:
        assert messaging.count_unread(session, customer) == 0


def test_the_digits_of_an_id_from_the_url_continue_the_list(customer: Actor) -> None:
    first, second = note_for(customer), note_for(customer)
    with session_scope() as session:
        assert [row.id for row in messaging.list_notifications(session, customer, before_id=str(second))] == [first]
