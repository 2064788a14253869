"""Checklist A1-A3, A5, A7, G2 for service requests: every role against every operation, called directly."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from models import Service, ServiceRequest, User
from services import Actor, NotFound, PermissionDenied, requests, session_scope
from tests.factories import (
    accept_request,
    block,
    book_request,
    complete_request,
    make_admin,
    make_approved_professional,
    make_customer,
    make_professional,
    slot,
)
from tests.services.request_support import NOW, Market, count, make_market, snapshot, stored

ROLES = [
    'anonymous',
    'customer',
    'professional_pending',
    'professional_approved',
    'professional_blocked',
    'admin',
]
MISSING = 999_999


@dataclass(frozen=True)
class Case:
    """How to bring a request into the state an operation needs, and how to call the operation."""

    setup: Callable[[Market], tuple[int | None, datetime]]  # -> (request id, the `now` to act at)
    call: Callable[[Any, Actor | None, int | None, datetime], Any]
    allowed: set[str]


def requested(market: Market) -> tuple[int, datetime]:
    return book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, days=3)), NOW


def assigned(market: Market) -> tuple[int, datetime]:
    request_id, now = requested(market)
    accept_request(market.pro, request_id, now=now)
    return request_id, now


def started(market: Market) -> tuple[int, datetime]:
    request_id, _ = assigned(market)
    return request_id, stored(request_id).scheduled_at


def completed(market: Market) -> tuple[int, datetime]:
    request_id, done_at = started(market)
    complete_request(market.pro, request_id, now=done_at)
    return request_id, done_at


def auto_closed(market: Market) -> tuple[int, datetime]:
    request_id, done_at = completed(market)
    with session_scope(write=True) as session:
        requests.auto_close_due(session, now=done_at + timedelta(days=8))
    return request_id, done_at + timedelta(days=9)


def nothing(_market: Market) -> tuple[None, datetime]:
    return None, NOW


def only_service(session: Any) -> int:
    return session.scalar(select(Service.id))


sr = requests
CUSTOMER, APPROVED, PENDING = 'customer', 'professional_approved', 'professional_pending'
CASES = {
    'book': Case(
        nothing,
        lambda s, a, _r, now: sr.book(s, a, service_id=only_service(s), scheduled_at=slot(NOW), now=now),
        {CUSTOMER},
    ),
    'book_once': Case(
        nothing,
        lambda s, a, _r, now: sr.book_once(s, a, key='k1', service_id=only_service(s), scheduled_at=slot(NOW), now=now),
        {CUSTOMER},
    ),
    'edit': Case(requested, lambda s, a, r, now: sr.edit(s, a, request_id=r, remarks='Side door', now=now), {CUSTOMER}),
    'cancel': Case(
        requested, lambda s, a, r, now: sr.cancel(s, a, request_id=r, reason='No need', now=now), {CUSTOMER}
    ),
    'close': Case(completed, lambda s, a, r, now: sr.close(s, a, request_id=r, rating=5, now=now), {CUSTOMER}),
    'review': Case(auto_closed, lambda s, a, r, now: sr.review(s, a, request_id=r, rating=4, now=now), {CUSTOMER}),
    'list_customer_requests': Case(nothing, lambda s, a, _r, _now: sr.list_customer_requests(s, a), {CUSTOMER}),
    'accept': Case(requested, lambda s, a, r, now: sr.accept(s, a, request_id=r, now=now), {APPROVED}),
    'decline': Case(requested, lambda s, a, r, now: sr.decline(s, a, request_id=r, now=now), {APPROVED}),
    'withdraw': Case(
        assigned, lambda s, a, r, now: sr.withdraw(s, a, request_id=r, reason='Sick', now=now), {APPROVED}
    ),
    'complete': Case(started, lambda s, a, r, now: sr.complete(s, a, request_id=r, now=now), {APPROVED}),
    'list_inbox': Case(requested, lambda s, a, _r, now: sr.list_inbox(s, a, now=now), {APPROVED}),
    'list_jobs': Case(assigned, lambda s, a, _r, _now: sr.list_jobs(s, a), {APPROVED, PENDING}),
    'admin_cancel': Case(
        requested, lambda s, a, r, now: sr.admin_cancel(s, a, request_id=r, reason='Fraud', now=now), {'admin'}
    ),
    'get_request': Case(
        assigned, lambda s, a, r, now: sr.get_request(s, a, request_id=r, now=now), {CUSTOMER, APPROVED, 'admin'}
    ),
    'request_history': Case(
        assigned, lambda s, a, r, now: sr.request_history(s, a, request_id=r, now=now), {CUSTOMER, APPROVED, 'admin'}
    ),
    'list_all_requests': Case(requested, lambda s, a, _r, _now: sr.list_all_requests(s, a), {'admin'}),
    'get_customer_request': Case(
        requested, lambda s, a, r, now: sr.get_customer_request(s, a, request_id=r, now=now), {CUSTOMER}
    ),
    'list_reviews_of_me': Case(nothing, lambda s, a, _r, _now: sr.list_reviews_of_me(s, a), {APPROVED, PENDING}),
    'earnings_by_month': Case(nothing, lambda s, a, _r, now: sr.earnings_by_month(s, a, now=now), {APPROVED, PENDING}),
    'closed_export_filters': Case(
        nothing, lambda s, a, _r, _now: sr.closed_export_filters(s, a, {}), {APPROVED, PENDING, 'admin'}
    ),
    'slot_states': Case(
        nothing,
        lambda s, a, _r, now: sr.slot_states(s, a, service_id=only_service(s), day=NOW.date() + timedelta(1), now=now),
        {CUSTOMER},
    ),
}
# A pending professional may work on jobs they already hold, so for jobs that are not theirs they get NotFound.
NOT_THEIRS = {(PENDING, 'withdraw'), (PENDING, 'complete'), (PENDING, 'get_request'), (PENDING, 'request_history')}


def actor_for(role: str, market: Market) -> Actor | None:
    if role == 'professional_blocked':
        block(market.pro)
    return {
        'anonymous': lambda: None,
        'customer': lambda: market.customer,
        'professional_pending': lambda: make_professional(service_id=market.service.id),
        'professional_approved': lambda: market.pro,
        'professional_blocked': lambda: market.pro,
        'admin': make_admin,
    }[role]()


def expected_refusal(role: str, operation: str) -> type[Exception] | None:
    if role in CASES[operation].allowed:
        return None
    return NotFound if (role, operation) in NOT_THEIRS else PermissionDenied


@pytest.mark.parametrize('operation', list(CASES))
@pytest.mark.parametrize('role', ROLES)
def test_role_operation_matrix(role: str, operation: str) -> None:
    case, market = CASES[operation], make_market()
    request_id, now = case.setup(market)
    actor = actor_for(role, market)
    before = (count(ServiceRequest), snapshot(request_id) if request_id else None)
    refusal = expected_refusal(role, operation)
    if refusal is None:
        with session_scope(write=True) as session:
            case.call(session, actor, request_id, now)
        return
    with pytest.raises(refusal), session_scope(write=True) as session:
        case.call(session, actor, request_id, now)
    assert (count(ServiceRequest), snapshot(request_id) if request_id else None) == before


def operations_with_an_actor() -> set[str]:
    """Every function of the requests face whose second parameter is the acting user."""
    functions = {name: getattr(requests, name) for name in requests.__all__}
    return {
        name
        for name, function in functions.items()
        if inspect.isfunction(function) and list(inspect.signature(function).parameters)[1:2] == ['actor']
    }


def test_the_matrix_covers_every_role_and_every_operation_with_an_actor() -> None:
    assert len(ROLES) * len(CASES) == 132
    assert set(CASES) == operations_with_an_actor()


# --- someone else's request looks exactly like a missing one (A3) -----------------------------------------------------

CUSTOMER_OPERATIONS = ['edit', 'cancel', 'close', 'review', 'get_request']
PROFESSIONAL_OPERATIONS = ['withdraw', 'complete', 'get_request', 'accept', 'decline']


def refusal_of(call: Callable[[], Any]) -> tuple[type[Exception], str]:
    with pytest.raises(Exception) as refused:  # any type: the test compares them
        call()
    return type(refused.value), str(refused.value)


def attempt(operation: str, actor: Actor, request_id: int, now: datetime) -> Callable[[], Any]:
    def run() -> Any:
        with session_scope(write=True) as session:
            return CASES[operation].call(session, actor, request_id, now)

    return run


@pytest.mark.parametrize('operation', CUSTOMER_OPERATIONS)
def test_another_customers_request_is_indistinguishable_from_a_missing_one(operation: str) -> None:
    market = make_market()
    request_id, now = CASES[operation].setup(market)
    intruder = make_customer()
    before = snapshot(request_id)
    theirs = refusal_of(attempt(operation, intruder, request_id, now))
    missing = refusal_of(attempt(operation, intruder, MISSING, now))
    assert theirs == missing == (NotFound, 'That request does not exist.')
    assert snapshot(request_id) == before


@pytest.mark.parametrize('operation', PROFESSIONAL_OPERATIONS)
def test_another_professionals_job_is_indistinguishable_from_a_missing_one(operation: str) -> None:
    market = make_market()
    request_id, now = CASES[operation].setup(market)
    if operation in ('accept', 'decline'):  # an open request outside their service
        intruder = make_approved_professional()
    else:
        intruder = make_approved_professional(service_id=market.service.id, pincodes='110001')
    before = snapshot(request_id)
    theirs = refusal_of(attempt(operation, intruder, request_id, now))
    missing = refusal_of(attempt(operation, intruder, MISSING, now))
    assert theirs == missing
    assert snapshot(request_id) == before


@pytest.mark.parametrize('request_id', [None, '1', 1.0, True, -1, 0, 2**80, [1], {'id': 1}])
def test_a_request_id_that_is_not_an_id_is_simply_not_found(request_id: Any) -> None:
    market = make_market()
    requested(market)
    with session_scope() as session, pytest.raises(NotFound):
        requests.get_request(session, market.customer, request_id=request_id)
    with session_scope(write=True) as session, pytest.raises(NotFound):
        requests.cancel(session, market.customer, request_id=request_id, reason='x')


# --- fail closed, and every denial is logged once (A7, G2) ------------------------------------------------------------


@pytest.mark.parametrize('operation', ['accept', 'complete', 'close'])
def test_the_acting_users_row_is_checked_as_it_is_now_not_as_signed_in(operation: str) -> None:
    """The transitions check the actor inside their UPDATE: a block written straight into the database a moment
    before (no service, no event, the sign-in still valid) refuses them all the same."""
    market = make_market()
    request_id, now = CASES[operation].setup(market)
    actor = market.customer if operation == 'close' else market.pro
    with session_scope(write=True) as session:
        session.execute(update(User).where(User.id == actor.id).values(is_blocked=True))
    before = snapshot(request_id)
    assert refusal_of(attempt(operation, actor, request_id, now))[0] is PermissionDenied
    assert snapshot(request_id) == before


def test_a_denial_is_logged_once_with_actor_action_and_request(caplog: pytest.LogCaptureFixture) -> None:
    market = make_market()
    request_id, now = requested(market)
    intruder = make_customer()
    with caplog.at_level(logging.WARNING, logger='services.requests.actors'):
        with pytest.raises(PermissionDenied), session_scope(write=True) as session:
            requests.accept(session, market.customer, request_id=request_id, now=now)
        with pytest.raises(NotFound), session_scope(write=True) as session:
            requests.cancel(session, intruder, request_id=request_id, reason='x', now=now)
    assert [record.getMessage() for record in caplog.records] == [
        f'denied request.accept on service_request {request_id} to user {market.customer.id} (customer)',
        f'request.cancel: service_request {request_id} is not visible to user {intruder.id} (customer)',
    ]
