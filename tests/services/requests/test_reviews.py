from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from models import Review
from models.enums import RequestStatus
from services import Conflict, InvalidTransition, ValidationError, requests, session_scope
from services.requests import reviews
from tests.factories import accept_request, book_request, complete_request, slot
from tests.services.request_support import NOW, Market, audits, count, make_market, notes, rating_of, review_of, stored


def completed_request(market: Market, *, days: int = 2) -> tuple[int, datetime]:
    """A request the market's professional accepted and completed when its slot started; returns (id, when)."""
    request_id = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, days=days))
    accept_request(market.pro, request_id, now=NOW)
    done_at = stored(request_id).scheduled_at
    complete_request(market.pro, request_id, now=done_at)
    return request_id, done_at


def close(market: Market, request_id: int, *, rating: Any = 5, remarks: Any = '', now: datetime = NOW) -> None:
    with session_scope(write=True) as session:
        requests.close(session, market.customer, request_id=request_id, rating=rating, remarks=remarks, now=now)


def review(market: Market, request_id: int, *, rating: Any = 4, now: datetime) -> None:
    with session_scope(write=True) as session:
        requests.review(session, market.customer, request_id=request_id, rating=rating, now=now)


def test_customer_closes_a_completed_request_with_a_review_that_counts_into_the_rating() -> None:
    market = make_market()
    first, done_at = completed_request(market, days=2)
    second, _ = completed_request(market, days=3)
    close(market, first, rating=5, remarks='Spotless', now=done_at)
    close(market, second, rating='2', now=done_at)
    r = stored(first)
    assert (r.service_status, r.closed_at) == (RequestStatus.CLOSED, done_at)
    saved = review_of(first)
    assert (saved.rating, saved.remarks, saved.customer_id, saved.professional_id) == (
        5,
        'Spotless',
        market.customer.id,
        market.pro.id,
    )
    assert rating_of(market.pro.id) == (2, 7)
    assert audits('request.close')[0].details == {'from': 'completed', 'to': 'closed', 'rating': 5}
    assert notes(market.pro.id)[-1] == ('request.reviewed', second)


@pytest.mark.parametrize('rating', [0, 6, -1, 'five', None, 3.5, float('nan'), True, [5], {'r': 5}, 2**70])
def test_rating_must_be_a_whole_number_from_1_to_5(rating: Any) -> None:
    market = make_market()
    request_id, _ = completed_request(market)
    with pytest.raises(ValidationError, match='Rating'):
        close(market, request_id, rating=rating)
    assert stored(request_id).service_status is RequestStatus.COMPLETED
    assert rating_of(market.pro.id) == (0, 0)


def test_review_remarks_have_a_length_limit() -> None:
    market = make_market()
    request_id, _ = completed_request(market)
    with pytest.raises(ValidationError, match='at most 1000'):
        close(market, request_id, remarks='x' * 1_000_000)


@pytest.mark.parametrize('state', ['requested', 'assigned', 'cancelled'])
def test_a_request_that_was_never_completed_cannot_be_closed(state: str) -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    if state == 'assigned':
        accept_request(market.pro, request_id, now=NOW)
    if state == 'cancelled':
        with session_scope(write=True) as session:
            requests.cancel(session, market.customer, request_id=request_id, reason='No need', now=NOW)
    with pytest.raises(InvalidTransition, match='once the professional has marked it done'):
        close(market, request_id)
    assert count(Review) == 0


def test_a_closed_request_cannot_be_closed_or_reviewed_again() -> None:
    market = make_market()
    request_id, done_at = completed_request(market)
    close(market, request_id, rating=4, now=done_at)
    with pytest.raises(InvalidTransition, match='already closed'):
        close(market, request_id, rating=1, now=done_at)
    with pytest.raises(Conflict, match='already has a review'):
        review(market, request_id, rating=1, now=done_at)
    assert rating_of(market.pro.id) == (1, 4)


def test_a_failure_after_the_review_rolls_back_review_rating_and_close_together(monkeypatch) -> None:
    market = make_market()
    request_id, done_at = completed_request(market)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError('notification store is down')

    monkeypatch.setattr(reviews, '_tell_professional', broken)
    with pytest.raises(RuntimeError):
        close(market, request_id, rating=5, now=done_at)
    assert (stored(request_id).service_status, review_of(request_id), rating_of(market.pro.id)) == (
        RequestStatus.COMPLETED,
        None,
        (0, 0),
    )


def test_completed_requests_close_by_themselves_after_auto_close_days() -> None:
    market = make_market()
    request_id, done_at = completed_request(market)
    due = done_at + timedelta(days=7)
    with session_scope(write=True) as session:
        assert requests.auto_close_due(session, now=due - timedelta(seconds=1)) == 0
        assert requests.auto_close_due(session, now=due) == 1
        assert requests.auto_close_due(session, now=due) == 0
    assert (stored(request_id).service_status, review_of(request_id)) == (RequestStatus.CLOSED, None)
    [event] = audits('request.auto_close')
    assert (event.actor_id, event.details) == (None, {'from': 'completed', 'to': 'closed'})
    assert notes(market.customer.id)[-1] == ('request.auto_closed', request_id)


def test_an_auto_closed_request_can_still_be_reviewed_within_the_window() -> None:
    market = make_market()
    request_id, done_at = completed_request(market)
    with session_scope(write=True) as session:
        requests.auto_close_due(session, now=done_at + timedelta(days=8))
    review(market, request_id, rating=3, now=done_at + timedelta(days=30))
    assert (review_of(request_id).rating, rating_of(market.pro.id)) == (3, (1, 3))
    assert stored(request_id).service_status is RequestStatus.CLOSED
    assert audits('request.review')[0].details == {'from': 'closed', 'to': 'closed', 'rating': 3}
    with pytest.raises(Conflict, match='already has a review'):
        review(market, request_id, rating=5, now=done_at + timedelta(days=9))


def test_a_review_after_the_window_is_refused() -> None:
    market = make_market()
    request_id, done_at = completed_request(market)
    with session_scope(write=True) as session:
        requests.auto_close_due(session, now=done_at + timedelta(days=8))
    with pytest.raises(InvalidTransition, match='within 30 days'):
        review(market, request_id, now=done_at + timedelta(days=30, seconds=1))
    assert rating_of(market.pro.id) == (0, 0)


def test_a_completed_request_is_closed_not_reviewed() -> None:
    market = make_market()
    request_id, done_at = completed_request(market)
    with pytest.raises(InvalidTransition, match='Close this request'):
        review(market, request_id, now=done_at)
    requested = book_request(market.customer, market.service.id, now=NOW)
    with pytest.raises(InvalidTransition, match='once the professional has marked it done'):
        review(market, requested, now=NOW)
