"""Issue 18: the same booking twice. A customer's open request (requested or assigned) for a service at a start
refuses a second one, naming the first; two identical bookings at once cannot both succeed."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from models import ServiceRequest
from services import AlreadyBooked, Conflict, ServiceError, requests, session_scope
from tests.factories import accept_request, book_request, make_customer, make_service, slot
from tests.postgres import lock_waits
from tests.servers import wait_until
from tests.services.request_support import NOW, make_market


def open_requests(customer_id: int) -> int:
    with session_scope() as session:
        query = select(func.count()).where(ServiceRequest.customer_id == customer_id)
        return session.scalar(query)


def test_booking_the_same_service_for_the_same_slot_again_is_refused_with_the_first_request() -> None:
    market = make_market()
    first = book_request(market.customer, market.service.id, now=NOW, remarks='Kitchen sink')
    with pytest.raises(AlreadyBooked, match='You already booked this service for this time') as refusal:
        book_request(market.customer, market.service.id, now=NOW, remarks='Bathroom tap', address='7 Park St')
    assert refusal.value.request_id == first
    assert isinstance(refusal.value, Conflict)
    assert open_requests(market.customer.id) == 1


def test_an_assigned_request_refuses_the_same_booking_too() -> None:
    market = make_market()
    first = book_request(market.customer, market.service.id, now=NOW)
    accept_request(market.pro, first, now=NOW)
    with pytest.raises(AlreadyBooked) as refusal:
        book_request(market.customer, market.service.id, now=NOW)
    assert refusal.value.request_id == first


def test_a_cancelled_request_does_not_block_booking_the_same_slot_again() -> None:
    market = make_market()
    first = book_request(market.customer, market.service.id, now=NOW)
    with session_scope(write=True) as session:
        requests.cancel(session, market.customer, request_id=first, reason='Wrong day', now=NOW)
    second = book_request(market.customer, market.service.id, now=NOW)
    assert second != first


def test_another_slot_another_service_or_another_customer_is_fine() -> None:
    market = make_market()
    other_service = make_service()
    book_request(market.customer, market.service.id, now=NOW)
    book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, index=1))
    book_request(market.customer, other_service.id, now=NOW)
    book_request(make_customer(), market.service.id, now=NOW)
    assert open_requests(market.customer.id) == 3


def test_moving_a_request_onto_the_slot_of_an_identical_one_is_refused() -> None:
    market = make_market()
    first = book_request(market.customer, market.service.id, now=NOW)
    second = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, index=1))
    with session_scope(write=True) as session, pytest.raises(AlreadyBooked) as refusal:
        requests.edit(session, market.customer, request_id=second, scheduled_at=slot(NOW), now=NOW)
    assert refusal.value.request_id == first
    with session_scope(write=True) as session:  # its own slot again, or its address: no duplicate of itself
        requests.edit(session, market.customer, request_id=second, scheduled_at=slot(NOW, index=1), now=NOW)
        requests.edit(session, market.customer, request_id=second, address='7 Park St', now=NOW)


def test_two_identical_bookings_at_once_give_one_request(backend: str) -> None:
    market = make_market()
    outcome: dict[str, object] = {}

    def book_again() -> None:
        try:
            outcome['second'] = book_request(market.customer, market.service.id, now=NOW)
        except ServiceError as refusal:
            outcome['second'] = refusal

    other = threading.Thread(target=book_again)
    with session_scope(write=True) as session:
        first = requests.book(session, market.customer, service_id=market.service.id, scheduled_at=slot(NOW), now=NOW)
        if backend == 'postgresql':  # the second booking runs now and must wait for this one to end
            other.start()
            assert wait_until(lambda: not other.is_alive() or lock_waits() > 0)
    if backend == 'sqlite':  # one write unit at a time: the second comes after
        other.start()
    other.join(timeout=60)
    assert isinstance(outcome['second'], AlreadyBooked), outcome
    assert outcome['second'].request_id == first
    assert open_requests(market.customer.id) == 1
