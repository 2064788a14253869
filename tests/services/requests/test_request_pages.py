"""Request lists page forward and back with opaque keyset cursors and show a capped count (design.md §7 "Lists")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from models.db import get_engine
from services import ValidationError, requests, session_scope
from services.core import cursors
from services.requests import RequestPage
from tests.factories import accept_request, book_request, make_customer, slot
from tests.services.request_support import NOW, Market, make_market

Fetch = Callable[..., RequestPage]


def ids(page: RequestPage) -> list[int]:
    return [row.id for row in page.rows]


def at(i: int) -> Any:
    """The i-th of distinct, non-overlapping one-hour slots, ten a day from the day after tomorrow."""
    return slot(NOW, days=2 + i // 10, index=i % 10)


def customer_requests(market: Market) -> Fetch:
    def fetch(**kwargs: Any) -> RequestPage:
        with session_scope() as session:
            return requests.list_customer_requests(session, market.customer, **kwargs)

    return fetch


def walk(fetch: Fetch, expected: list[int], limit: int) -> None:
    """Forward to the last page and back to the first, checking every page's ids, cursors and total."""
    chunks = [expected[i : i + limit] for i in range(0, len(expected), limit)]
    pages, cursor = [], None
    for number, chunk in enumerate(chunks):
        page = fetch(cursor=cursor, limit=limit)
        assert ids(page) == chunk, f'forward page {number}'
        assert (page.total, page.total_capped, page.total_label) == (len(expected), False, str(len(expected)))
        assert (page.previous_cursor is None) == (number == 0)
        assert (page.next_cursor is None) == (number == len(chunks) - 1)
        pages.append(page)
        cursor = page.next_cursor
    for number in range(len(chunks) - 1, 0, -1):
        back = fetch(cursor=pages[number].previous_cursor, limit=limit)
        assert ids(back) == chunks[number - 1], f'back to page {number - 1}'
        assert back.total == len(expected)
        assert (back.previous_cursor is None) == (number - 1 == 0)
        assert back.next_cursor is not None
        assert ids(fetch(cursor=back.next_cursor, limit=limit)) == chunks[number], 'and forward again'


# --- walking forward and back -----------------------------------------------------------------------------------------


def test_customer_requests_walk_forward_and_back_newest_first_with_id_as_tie_break() -> None:
    market = make_market()
    booked = [
        # five bookings share each moment, so the id breaks the ties inside and across pages
        book_request(market.customer, market.service.id, now=NOW + timedelta(minutes=i // 5), at=at(i))
        for i in range(25)
    ]
    book_request(make_customer(), market.service.id, now=NOW)  # someone else's
    expected = list(reversed(booked))
    fetch = customer_requests(market)
    walk(fetch, expected, 10)
    walk(fetch, expected, 7)
    only = fetch(limit=100)
    assert (ids(only), only.previous_cursor, only.next_cursor, only.total_label) == (expected, None, None, '25')


def test_the_inbox_walks_forward_and_back_soonest_first_across_equal_slots() -> None:
    market = make_market()
    booked = [book_request(market.customer, market.service.id, now=NOW, at=at(i)) for i in range(22)]
    same_slot = [book_request(make_customer(), market.service.id, now=NOW, at=at(4)) for _ in range(3)]
    expected = booked[:5] + same_slot + booked[5:]

    def fetch(**kwargs: Any) -> RequestPage:
        with session_scope() as session:
            return requests.list_inbox(session, market.pro, now=NOW, **kwargs)

    walk(fetch, expected, 10)


@pytest.mark.parametrize('newest_first', [False, True])
def test_jobs_walk_forward_and_back_in_either_order(newest_first: bool) -> None:
    market = make_market()
    booked = [book_request(market.customer, market.service.id, now=NOW, at=at(i)) for i in range(12)]
    for request_id in booked:
        accept_request(market.pro, request_id, now=NOW)
    book_request(market.customer, market.service.id, now=NOW, at=at(20))  # still open: not a job

    def fetch(**kwargs: Any) -> RequestPage:
        with session_scope() as session:
            return requests.list_jobs(session, market.pro, newest_first=newest_first, **kwargs)

    walk(fetch, list(reversed(booked)) if newest_first else booked, 5)


def test_an_empty_list_is_one_page_without_cursors() -> None:
    page = customer_requests(make_market())()
    assert (page.rows, page.previous_cursor, page.next_cursor, page.total, page.total_label) == ((), None, None, 0, '0')


def test_a_previous_page_of_another_size_ends_just_before_and_a_cursor_without_direction_goes_forward() -> None:
    market = make_market()
    booked = [
        book_request(market.customer, market.service.id, now=NOW + timedelta(minutes=i), at=at(i)) for i in range(5)
    ]
    newest_first = list(reversed(booked))
    fetch = customer_requests(market)
    first = fetch(limit=2)
    third = fetch(cursor=fetch(cursor=first.next_cursor, limit=2).next_cursor, limit=2)
    assert ids(third) == newest_first[4:]
    before = fetch(cursor=third.previous_cursor, limit=3)
    assert (ids(before), before.previous_cursor is None) == (newest_first[1:4], False)
    assert ids(fetch(cursor=before.previous_cursor, limit=3)) == newest_first[:1]
    assert first.next_cursor.startswith('n') and third.previous_cursor.startswith('p')
    assert ids(fetch(cursor=first.next_cursor[1:], limit=2)) == newest_first[2:4]  # the format before directions


# --- one query a page, and the capped count ---------------------------------------------------------------------------


def test_a_page_is_one_keyset_query_its_rows_by_id_and_a_count_that_reads_at_most_cap_plus_one_rows() -> None:
    market = make_market()
    for i in range(4):
        book_request(market.customer, market.service.id, now=NOW, at=at(i))
    fetch = customer_requests(market)
    cursor = fetch(limit=2).next_cursor
    statements: list[str] = []

    def seen(conn: Any, dbapi_cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith('SELECT'):
            text = ' '.join(statement.split()).upper()
            if text.endswith('OFFSET ?') and parameters[-1] == 0:  # SQLite always writes one with a LIMIT
                text = text.removesuffix(' OFFSET ?')
            statements.append(text)

    engine = get_engine()
    event.listen(engine, 'before_cursor_execute', seen)
    try:
        fetch(cursor=cursor, limit=2)
    finally:
        event.remove(engine, 'before_cursor_execute', seen)
    lists = [s for s in statements if 'SERVICE_REQUEST' in s]
    count = [s for s in lists if 'COUNT(' in s]
    page = [s for s in lists if 'ORDER BY' in s]
    rows = [s for s in lists if s not in count and s not in page]
    assert len(count) == 1 and len(page) == 1 and len(rows) == 1, statements
    assert 'LIMIT' in count[0] and 'ORDER BY' not in count[0]
    assert 'OFFSET' not in page[0] and 'LIMIT' in page[0] and 'JOIN' not in page[0]  # chosen on the table alone
    assert 'SERVICE_REQUEST.ID IN' in rows[0] and 'LIMIT' not in rows[0]  # then only its rows are joined


def test_the_count_stops_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    market = make_market()
    for i in range(5):
        book_request(market.customer, market.service.id, now=NOW, at=at(i))
    monkeypatch.setattr(cursors, 'COUNT_CAP', 5)
    fetch = customer_requests(market)
    exactly = fetch(limit=2)
    assert (exactly.total, exactly.total_capped, exactly.total_label) == (5, False, '5')
    for i in range(5, 7):
        book_request(market.customer, market.service.id, now=NOW, at=at(i))
    over = fetch(limit=2)
    assert (over.total, over.total_capped, over.total_label) == (5, True, '5+')
    later = fetch(cursor=over.next_cursor, limit=2)
    assert (later.total_label, len(later.rows)) == ('5+', 2)


def test_the_total_label_groups_thousands() -> None:
    assert RequestPage(rows=(), next_cursor=None, total=42).total_label == '42'
    assert RequestPage(rows=(), next_cursor=None, total=10_000, total_capped=True).total_label == '10,000+'
    assert RequestPage(rows=(), next_cursor=None).total_label == '0'


# --- bad cursors ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'cursor',
    ['', 'p', 'n', 'x123.4', 'pp123.4', 'np123.4', 'p123', 'p.4', 'p123.', 'n1.2.3', 'p 1.2', 'P1.2', 'p1.-2', '1.2\n',
     'p99999999999999999999.1', b'n1.2', 1.5, ['n1.2']],
)  # fmt: skip
def test_a_malformed_or_tampered_cursor_is_a_validation_error_on_every_list(cursor: Any) -> None:
    market = make_market()
    book_request(market.customer, market.service.id, now=NOW)
    with session_scope() as session:
        for fetch in (
            lambda: requests.list_customer_requests(session, market.customer, cursor=cursor),
            lambda: requests.list_inbox(session, market.pro, cursor=cursor, now=NOW),
            lambda: requests.list_jobs(session, market.pro, cursor=cursor),
        ):
            with pytest.raises(ValidationError) as refused:
                fetch()
            assert refused.value.field == 'cursor'
