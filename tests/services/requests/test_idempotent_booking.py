"""Issue 20: booking once per Idempotency-Key (requests.book_once). A retry with the same key returns the first
request and books nothing; another booking under the same key is refused; a key is the customer's own and is
remembered for a day; someone else's key is theirs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from models import ServiceRequest
from services import Actor, PermissionDenied, ValidationError, requests, session_scope
from tests.factories import make_customer, slot
from tests.services.request_support import NOW, make_market


def book_once(
    customer: Actor, service_id: int, key: str, *, now: datetime = NOW, index: int = 0, **fields: Any
) -> requests.Booked:
    with session_scope(write=True) as session:
        return requests.book_once(
            session, customer, key=key, service_id=service_id, scheduled_at=slot(NOW, index=index), now=now, **fields
        )


def count_requests() -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(ServiceRequest))


def test_the_same_key_again_returns_the_first_request_and_books_nothing() -> None:
    market = make_market()
    first = book_once(market.customer, market.service.id, 'retry-1', remarks='Kitchen sink')
    again = book_once(market.customer, market.service.id, 'retry-1', remarks='Kitchen sink')
    assert first == (first.request_id, False) and again == (first.request_id, True)
    assert count_requests() == 1


def test_the_same_key_for_another_booking_is_refused_and_the_first_stands() -> None:
    market = make_market()
    first = book_once(market.customer, market.service.id, 'key-7')
    with pytest.raises(ValidationError, match='used for another booking') as refusal:
        book_once(market.customer, market.service.id, 'key-7', index=1)
    assert refusal.value.field == 'idempotency_key'
    assert count_requests() == 1
    assert book_once(market.customer, market.service.id, 'key-8', index=1).request_id != first.request_id


def test_a_key_is_each_customer_s_own() -> None:
    market = make_market()
    other = make_customer(email='other@example.com')
    mine = book_once(market.customer, market.service.id, 'shared')
    theirs = book_once(other, market.service.id, 'shared')
    assert mine.request_id != theirs.request_id and not theirs.replayed


def test_after_a_day_the_key_books_again() -> None:
    market = make_market()
    first = book_once(market.customer, market.service.id, 'old')
    later = book_once(market.customer, market.service.id, 'old', now=NOW + timedelta(hours=25), index=2)
    assert later.request_id != first.request_id and not later.replayed


def test_only_customers_book_and_a_blank_key_is_refused() -> None:
    market = make_market()
    with pytest.raises(PermissionDenied):
        book_once(market.pro, market.service.id, 'k')
    with pytest.raises(ValidationError) as refusal:
        book_once(market.customer, market.service.id, '   ')
    assert refusal.value.field == 'idempotency_key'
    assert count_requests() == 0
