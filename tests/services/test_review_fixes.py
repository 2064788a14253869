"""Refusals and knock-on effects found in review: huge ids, stranded addressed requests, late declines,
no customer name before acceptance, a failed demo seed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import JobRun
from services import InvalidTransition, NotFound, ServiceError, clock, demo, people, requests, session_scope
from services.demo import seeding
from tests.factories import OPERATOR, book_request, make_service, slot
from tests.services.request_support import make_market, messages, stored

HUGE = 2**70


@pytest.mark.parametrize(
    'call',
    [
        lambda s: people.get_professional(s, OPERATOR, professional_id=HUGE),
        lambda s: people.approve(s, OPERATOR, professional_id=HUGE),
        lambda s: people.open_document(s, OPERATOR, document_id=HUGE),
        lambda s: people.list_documents(s, OPERATOR, professional_id=HUGE),
    ],
)
def test_ids_too_large_for_the_database_are_simply_not_found(call) -> None:
    with session_scope(write=True) as session, pytest.raises((NotFound, InvalidTransition)):
        call(session)


def test_public_professional_list_for_a_huge_service_id_is_empty_or_refused() -> None:
    with session_scope() as session:
        try:
            found = people.list_for_service(session, service_id=HUGE, pincode='560001')
        except ServiceError:
            found = []
    assert found == []


def test_changing_service_opens_the_requests_addressed_to_them_and_tells_the_customer() -> None:
    market = make_market()
    now = clock.now()
    request_id = book_request(market.customer, market.service.id, now=now, requested_professional_id=market.pro.id)
    other = make_service(name='Something Else')
    with session_scope(write=True) as session:
        people.edit_profile(
            session,
            market.pro,
            service_id=other.id,
            experience_years=5,
            description='Switching trades.',
            pincodes='560001',
            now=now,
        )
    assert stored(request_id).requested_professional_id is None
    assert any('no longer available' in m for m in messages(market.customer.id))


def test_rejecting_an_approved_professional_opens_their_addressed_requests() -> None:
    market = make_market()
    now = clock.now()
    request_id = book_request(market.customer, market.service.id, now=now, requested_professional_id=market.pro.id)
    with session_scope(write=True) as session:
        people.reject(session, OPERATOR, professional_id=market.pro.id, reason='Expired licence.')
    assert stored(request_id).requested_professional_id is None


def test_a_request_past_its_start_cannot_be_declined_into_the_pool() -> None:
    market = make_market()
    now = clock.now()
    start = slot(now)
    request_id = book_request(
        market.customer, market.service.id, now=now, at=start, requested_professional_id=market.pro.id
    )
    with session_scope(write=True) as session, pytest.raises(InvalidTransition):
        requests.decline(session, market.pro, request_id=request_id, now=start + timedelta(minutes=5))
    assert stored(request_id).requested_professional_id == market.pro.id


def test_the_addressee_is_not_told_the_customers_name_before_accepting() -> None:
    market = make_market()
    book_request(market.customer, market.service.id, now=clock.now(), requested_professional_id=market.pro.id)
    [message] = messages(market.pro.id)[-1:]
    assert market.customer.name not in message
    assert message.startswith('A customer asked for you')


def test_a_demo_seed_that_fails_halfway_is_not_counted_as_seeded(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(now):
        raise RuntimeError('disk full')

    monkeypatch.setattr(seeding, '_seed', broken)
    with pytest.raises(RuntimeError):
        demo.seed()
    with session_scope() as session:
        assert session.query(JobRun).count() == 0
