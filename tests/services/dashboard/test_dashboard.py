"""The admin dashboard's figures: counters, the chart series and who may see them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.enums import RequestStatus
from services import Actor, PermissionDenied, dashboard, requests, session_scope
from services.dashboard import DashboardFigures
from settings import get_settings
from tests.factories import (
    ACTOR_KINDS,
    accept_request,
    block,
    book_request,
    complete_request,
    make_admin,
    make_customer,
    make_professional,
    make_service,
    slot,
)
from tests.services.request_support import NOW, make_market


def figures(actor: Actor, now=NOW) -> DashboardFigures:
    with session_scope() as session:
        return dashboard.figures(session, actor, now=now)


def close_with(customer: Actor, request_id: int, rating: int, now) -> None:
    with session_scope(write=True) as session:
        requests.close(session, customer, request_id=request_id, rating=rating, now=now)


def test_an_empty_marketplace_has_every_series_with_zeros() -> None:
    found = figures(make_admin())
    assert (found.pending_approvals, found.open_requests, found.waiting_too_long, found.bookings_today) == (0, 0, 0, 0)
    assert [status for status, _ in found.by_status] == list(RequestStatus)
    assert all(count == 0 for _, count in found.by_status)
    assert found.by_service == ()
    assert len(found.per_day) == 30 and all(count == 0 for _, count in found.per_day)
    assert found.per_day[-1][0] == NOW.astimezone(get_settings().zone).date()
    assert found.ratings == ((1, 0), (2, 0), (3, 0), (4, 0), (5, 0))
    assert found.longest_waiting == ()


def test_counters_and_series_follow_the_requests() -> None:
    market = make_market(name='Plumbing')
    other = make_service(name='Cleaning')
    make_professional()  # pending
    block(make_professional())  # pending but blocked: not waiting for a decision any more
    earlier = NOW - timedelta(days=3)
    done = book_request(market.customer, market.service.id, now=earlier, at=slot(earlier, days=1))
    accept_request(market.pro, done, now=earlier)
    complete_request(market.pro, done, now=NOW)
    close_with(market.customer, done, 4, NOW)
    old = book_request(market.customer, market.service.id, now=NOW - timedelta(hours=3))  # waiting 3 h > 2 h
    fresh = book_request(market.customer, other.id, now=NOW, at=slot(NOW, index=2))
    taken = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, index=4))
    accept_request(market.pro, taken, now=NOW)

    found = figures(make_admin())

    assert found.pending_approvals == 1
    assert found.open_requests == 3  # old and fresh requested, taken assigned
    assert found.waiting_too_long == 1 and [row.id for row in found.longest_waiting] == [old]
    assert found.bookings_today == 3
    assert dict(found.by_status)[RequestStatus.CLOSED] == 1
    assert dict(found.by_status)[RequestStatus.REQUESTED] == 2
    assert found.by_service == (('Plumbing', 3), ('Cleaning', 1))
    assert dict(found.per_day)[earlier.astimezone(get_settings().zone).date()] == 1
    assert sum(count for _, count in found.per_day) == 4
    assert dict(found.ratings)[4] == 1
    assert fresh not in [row.id for row in found.longest_waiting]


def test_a_request_whose_slot_passed_is_not_counted_as_waiting() -> None:
    market = make_market()
    booked = NOW - timedelta(days=2)
    book_request(market.customer, market.service.id, now=booked, at=slot(booked, days=1))
    assert figures(make_admin()).waiting_too_long == 0


def test_days_are_local_days() -> None:
    """A booking at 23:30 local time (18:00 UTC) counts on that local day, not the next UTC one."""
    market = make_market()
    late_evening = NOW.replace(hour=18, minute=0) - timedelta(days=1)  # 23:30 in Kolkata
    book_request(market.customer, market.service.id, now=late_evening, at=slot(late_evening, days=2))
    per_day = dict(figures(make_admin()).per_day)
    assert per_day[late_evening.astimezone(get_settings().zone).date()] == 1


@pytest.mark.parametrize('kind', [k for k in ACTOR_KINDS if k not in ('admin', 'operator')])
def test_only_admins_see_the_figures(kind: str) -> None:
    with pytest.raises(PermissionDenied):
        figures(ACTOR_KINDS[kind]())


def test_a_customer_cannot_see_them_either_by_passing_an_admin_looking_actor() -> None:
    customer = make_customer()
    forged = Actor(id=customer.id, role=make_admin().role, name='Forged')
    with pytest.raises(PermissionDenied):
        figures(forged)
