"""A professional's own reviews (newest first, cursor pages) and earnings per local month."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from services import Actor, PermissionDenied, ValidationError, catalog, requests, session_scope
from services.requests import MonthEarnings, ReviewPage
from tests.factories import (
    ACTOR_KINDS,
    OPERATOR,
    accept_request,
    book_request,
    complete_request,
    make_approved_professional,
    make_customer,
    slot,
)
from tests.services.request_support import NOW, Market, make_market, stored


def my_reviews(actor: Actor | None, **kwargs: Any) -> ReviewPage:
    with session_scope() as session:
        return requests.list_reviews_of_me(session, actor, **kwargs)


def my_earnings(actor: Actor | None, **kwargs: Any) -> tuple[MonthEarnings, ...]:
    with session_scope() as session:
        return requests.earnings_by_month(session, actor, **({'now': NOW} | kwargs))


def done_job(market: Market, *, booked: datetime = NOW, days: int = 2, customer: Actor | None = None) -> int:
    """A job the market's professional accepted and completed when its slot started (booked at `booked`)."""
    request_id = book_request(customer or market.customer, market.service.id, now=booked, at=slot(booked, days=days))
    accept_request(market.pro, request_id, now=booked)
    complete_request(market.pro, request_id, now=stored(request_id).scheduled_at)
    return request_id


def closed_job(market: Market, *, rating: int, remarks: str = '', days: int = 2, customer: Actor | None = None) -> int:
    request_id = done_job(market, days=days, customer=customer)
    with session_scope(write=True) as session:
        requests.close(
            session,
            customer or market.customer,
            request_id=request_id,
            rating=rating,
            remarks=remarks,
            now=stored(request_id).scheduled_at + timedelta(hours=days),
        )
    return request_id


# --- reviews ----------------------------------------------------------------------------------------------------------


def test_professional_reads_their_reviews_newest_first_with_the_job() -> None:
    market = make_market(name='Plumbing')
    older = closed_job(market, rating=3, remarks='Late, but fixed it.', days=2)
    newer = closed_job(market, rating=5, remarks='Spotless.', days=3, customer=make_customer(name='Asha Rao'))
    page = my_reviews(market.pro)
    assert [(row.request_id, row.rating, row.remarks) for row in page.rows] == [
        (newer, 5, 'Spotless.'),
        (older, 3, 'Late, but fixed it.'),
    ]
    first = page.rows[0]
    assert (first.service_name, first.customer_name, first.scheduled_at) == (
        'Plumbing',
        'Asha Rao',
        stored(newer).scheduled_at,
    )
    assert (page.total_label, page.next_cursor, page.previous_cursor) == ('2', None, None)


def test_other_professionals_reviews_are_not_listed() -> None:
    market = make_market()
    closed_job(market, rating=4)
    rival = make_approved_professional(service_id=market.service.id)
    assert my_reviews(rival).rows == ()
    assert my_reviews(rival).total == 0


def test_reviews_page_forward_and_back_by_cursor() -> None:
    market = make_market()
    ids = [closed_job(market, rating=1 + day % 5, days=day) for day in range(2, 7)]
    newest_first = list(reversed(ids))
    first = my_reviews(market.pro, limit=2)
    second = my_reviews(market.pro, limit=2, cursor=first.next_cursor)
    third = my_reviews(market.pro, limit=2, cursor=second.next_cursor)
    assert [[row.request_id for row in page.rows] for page in (first, second, third)] == [
        newest_first[:2],
        newest_first[2:4],
        newest_first[4:],
    ]
    assert (first.previous_cursor, third.next_cursor, first.total) == (None, None, 5)
    back = my_reviews(market.pro, limit=2, cursor=third.previous_cursor)
    assert [row.request_id for row in back.rows] == newest_first[2:4]
    assert [row.request_id for row in my_reviews(market.pro, limit=2, cursor=back.previous_cursor).rows] == (
        newest_first[:2]
    )


@pytest.mark.parametrize('cursor', ['nonsense', 'n1.', 'x12.3', 12])
def test_a_broken_review_cursor_is_a_validation_error(cursor: Any) -> None:
    with pytest.raises(ValidationError, match='page link'):
        my_reviews(make_approved_professional(), cursor=cursor)


@pytest.mark.parametrize('limit', [0, 101, 'ten', None])
def test_review_page_size_is_checked(limit: Any) -> None:
    with pytest.raises(ValidationError, match='Page size'):
        my_reviews(make_approved_professional(), limit=limit)


@pytest.mark.parametrize('kind', sorted(ACTOR_KINDS))
def test_only_professionals_list_their_reviews(kind: str) -> None:
    actor = ACTOR_KINDS[kind]()
    if kind in {'pending professional', 'approved professional', 'rejected professional'}:
        assert my_reviews(actor).rows == ()
        assert len(my_earnings(actor)) == 12
    else:
        with pytest.raises(PermissionDenied):
            my_reviews(actor)
        with pytest.raises(PermissionDenied):
            my_earnings(actor)


# --- earnings ---------------------------------------------------------------------------------------------------------


def test_twelve_local_months_this_one_last_all_zero_without_jobs() -> None:
    found = my_earnings(make_approved_professional())
    assert [month.month for month in found] == [date(2029, m, 1) for m in range(4, 13)] + [
        date(2030, m, 1) for m in range(1, 4)
    ]
    assert all((month.amount, month.jobs) == (0, 0) for month in found)


def test_completed_and_closed_jobs_count_by_the_month_of_their_slot() -> None:
    market = make_market(base_price=49900)
    january = NOW - timedelta(days=45)  # bookings made then, for slots two days later (January 2030)
    done_job(market, booked=january)
    done_job(market, booked=january, days=3)
    closed_job(market, rating=5)  # March 2030
    still_assigned = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, days=5))
    accept_request(market.pro, still_assigned, now=NOW)
    by_month = {month.month: (month.amount, month.jobs) for month in my_earnings(market.pro)}
    assert by_month[date(2030, 1, 1)] == (99800, 2)
    assert by_month[date(2030, 2, 1)] == (0, 0)
    assert by_month[date(2030, 3, 1)] == (49900, 1)
    assert sum(amount for amount, _ in by_month.values()) == 3 * 49900


def test_the_price_copied_at_booking_counts_not_todays_price() -> None:
    market = make_market(base_price=50000)
    request_id = done_job(market)
    with session_scope(write=True) as session:
        catalog.edit_service(session, OPERATOR, service_id=market.service.id, base_price=99900)
    assert my_earnings(market.pro)[-1].amount == stored(request_id).price == 50000


def test_other_professionals_and_other_statuses_earn_nothing_here() -> None:
    market = make_market()
    done_job(market)
    rival = make_approved_professional(service_id=market.service.id)
    cancelled = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, days=4))
    accept_request(rival, cancelled, now=NOW)
    with session_scope(write=True) as session:
        requests.cancel(session, market.customer, request_id=cancelled, reason='Plans changed', now=NOW)
    assert all(month.amount == 0 for month in my_earnings(rival))


def test_months_are_cut_at_local_midnight(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('HSA_TIMEZONE', 'America/Los_Angeles')
    market = make_market(base_price=10000)
    booked = datetime(2030, 1, 29, 18, 0, tzinfo=UTC)
    last_of_january = book_request(market.customer, market.service.id, now=booked, at=slot(booked, days=2, index=-1))
    start = stored(last_of_january).scheduled_at
    assert (start.month, start.day) == (2, 1)  # 19:00 on 31 January in Los Angeles is already February in UTC
    accept_request(market.pro, last_of_january, now=booked)
    complete_request(market.pro, last_of_january, now=start)
    found = {m.month: m.amount for m in my_earnings(market.pro, now=datetime(2030, 2, 10, tzinfo=UTC), months=2)}
    assert found == {date(2030, 1, 1): 10000, date(2030, 2, 1): 0}


@pytest.mark.parametrize('months', [0, 37, 'twelve', None, 1.5, True])
def test_the_number_of_months_is_checked(months: Any) -> None:
    with pytest.raises(ValidationError, match='Months'):
        my_earnings(make_approved_professional(), months=months)


@pytest.mark.parametrize(
    ('today', 'count', 'expected'),
    [
        (date(2030, 3, 4), 1, [date(2030, 3, 1), date(2030, 4, 1)]),
        (date(2030, 1, 31), 3, [date(2029, 11, 1), date(2029, 12, 1), date(2030, 1, 1), date(2030, 2, 1)]),
        (date(2029, 12, 1), 1, [date(2029, 12, 1), date(2030, 1, 1)]),
    ],
)
def test_month_firsts_cross_year_ends(today: date, count: int, expected: list[date]) -> None:
    assert requests.month_firsts(today, count) == expected
