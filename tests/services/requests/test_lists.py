from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from models.enums import RequestStatus
from services import Actor, NotFound, ValidationError, requests, session_scope
from services.requests import RequestPage
from tests.factories import (
    OPERATOR,
    accept_request,
    book_request,
    complete_request,
    make_admin,
    make_approved_professional,
    make_customer,
    slot,
)
from tests.services.request_support import NOW, make_market, stored


def inbox(professional: Actor, **kwargs: Any) -> RequestPage:
    with session_scope() as session:
        return requests.list_inbox(session, professional, **({'now': NOW} | kwargs))


def get(actor: Actor, request_id: int) -> Any:
    with session_scope() as session:
        return requests.get_request(session, actor, request_id=request_id, now=NOW)


def all_pages(fetch: Any, limit: int) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        page = fetch(cursor=cursor, limit=limit)
        pages.append([row.id for row in page.rows])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


# --- the inbox --------------------------------------------------------------------------------------------------------


def test_inbox_holds_open_requests_of_the_service_in_served_pincodes_and_those_addressed_to_them() -> None:
    market = make_market()
    colleague = make_approved_professional(service_id=market.service.id)
    elsewhere = make_customer(pincode='110001')
    book, sid, c = book_request, market.service.id, market.customer
    later = book(c, sid, now=NOW, at=slot(NOW, days=3))
    sooner = book(c, sid, now=NOW, at=slot(NOW, days=2))
    second_pincode = book(c, sid, now=NOW, at=slot(NOW, days=4), pincode='560002')
    mine = book(c, sid, now=NOW, at=slot(NOW, days=5), requested_professional_id=market.pro.id)
    theirs = book(c, sid, now=NOW, at=slot(NOW, days=5, index=1), requested_professional_id=colleague.id)
    book(elsewhere, sid, now=NOW)  # a pincode they do not serve
    book(c, make_market().service.id, now=NOW)  # another service
    taken = book(c, sid, now=NOW, at=slot(NOW, days=6))
    accept_request(colleague, taken, now=NOW)
    declined = book(c, sid, now=NOW, at=slot(NOW, days=7))
    with session_scope(write=True) as session:
        requests.decline(session, market.pro, request_id=declined, now=NOW)
    assert [row.id for row in inbox(market.pro).rows] == [sooner, later, second_pincode, mine]
    assert theirs in [row.id for row in inbox(colleague).rows]
    assert [row.id for row in inbox(market.pro, now=stored(sooner).scheduled_at).rows] == [later, second_pincode, mine]


def test_inbox_rows_hide_the_address_name_and_phone_until_the_professional_accepts() -> None:
    market = make_market()
    customer = make_customer(phone='+919812345678')
    request_id = book_request(customer, market.service.id, now=NOW, remarks='Leaking tap')
    [row] = inbox(market.pro).rows
    assert (row.address, row.customer_name, row.customer_phone, row.contact_visible) == ('', '', '', False)
    assert (row.pincode, row.remarks, row.service_name, row.price) == (
        '560001',
        'Leaking tap',
        market.service.name,
        49900,
    )
    assert get(market.pro, request_id).address == ''
    accept_request(market.pro, request_id, now=NOW)
    seen = get(market.pro, request_id)
    assert (seen.contact_visible, seen.customer_phone, seen.customer_name) == (True, '+919812345678', customer.name)
    assert seen.address.endswith('MG Road, Bengaluru')


def test_the_customer_sees_the_professionals_name_and_phone_once_accepted() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    before = get(market.customer, request_id)
    assert (before.professional_name, before.professional_phone, before.contact_visible) == ('', '', True)
    accept_request(market.pro, request_id, now=NOW)
    after = get(market.customer, request_id)
    assert (after.professional_id, after.professional_name, after.professional_phone) == (
        market.pro.id,
        market.pro.name,
        '+919876543210',
    )


def test_a_professional_who_withdrew_no_longer_sees_the_contact_details() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, days=3))
    accept_request(market.pro, request_id, now=NOW)
    with session_scope(write=True) as session:
        requests.withdraw(session, market.pro, request_id=request_id, reason='Sick', now=NOW)
    with pytest.raises(NotFound):
        get(market.pro, request_id)
    colleague = make_approved_professional(service_id=market.service.id)
    assert get(colleague, request_id).address == ''


# --- jobs and the customer's requests ---------------------------------------------------------------------------------


def test_jobs_are_the_accepted_ones_by_slot_and_can_be_filtered() -> None:
    market = make_market()
    ids = [book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, days=d)) for d in (3, 1, 2)]
    for request_id in ids:
        accept_request(market.pro, request_id, now=NOW)
    book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, days=4))  # still open: not a job
    complete_request(market.pro, ids[1], now=stored(ids[1]).scheduled_at)
    with session_scope() as session:
        everything = requests.list_jobs(session, market.pro)
        upcoming = requests.list_jobs(session, market.pro, statuses=[RequestStatus.ASSIGNED])
        newest = requests.list_jobs(session, market.pro, newest_first=True)
    assert [row.id for row in everything.rows] == [ids[1], ids[2], ids[0]]
    assert [row.id for row in upcoming.rows] == [ids[2], ids[0]]
    assert [row.id for row in newest.rows] == [ids[0], ids[2], ids[1]]
    assert all(row.contact_visible for row in everything.rows)


@pytest.mark.parametrize('statuses', ['cancelled', ['requested'], [], 42, [None]])
def test_jobs_filter_takes_only_job_statuses(statuses: Any) -> None:
    market = make_market()
    with session_scope() as session, pytest.raises(ValidationError, match='Choose statuses'):
        requests.list_jobs(session, market.pro, statuses=statuses)


def test_customer_requests_page_through_newest_first_with_id_as_tie_break() -> None:
    market = make_market()
    same_moment = [book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, index=i)) for i in range(3)]
    newer = [
        book_request(market.customer, market.service.id, now=NOW + timedelta(minutes=m), at=slot(NOW, index=4 + m))
        for m in (1, 2)
    ]
    book_request(make_customer(), market.service.id, now=NOW)  # someone else's

    def fetch(**kwargs: Any) -> RequestPage:
        with session_scope() as session:
            return requests.list_customer_requests(session, market.customer, **kwargs)

    expected = [newer[1], newer[0], same_moment[2], same_moment[1], same_moment[0]]
    assert all_pages(fetch, 2) == [expected[0:2], expected[2:4], expected[4:]]
    assert all_pages(fetch, 5) == [expected]
    assert all_pages(fetch, 100) == [expected]


def test_the_inbox_pages_soonest_first_across_equal_slots() -> None:
    market = make_market()
    at = slot(NOW)
    ids = [book_request(make_customer(), market.service.id, now=NOW, at=at) for _ in range(3)]
    ids.append(book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, days=1)))

    def fetch(**kwargs: Any) -> RequestPage:
        return inbox(market.pro, **kwargs)

    assert all_pages(fetch, 1) == [[ids[3]], [ids[0]], [ids[1]], [ids[2]]]


@pytest.mark.parametrize(
    ('kwargs', 'field'),
    [
        ({'cursor': 'garbage'}, 'cursor'),
        ({'cursor': '1.2.3'}, 'cursor'),
        ({'cursor': '99999999999999999999.1'}, 'cursor'),
        ({'cursor': 42}, 'cursor'),
        ({'limit': 0}, 'limit'),
        ({'limit': 101}, 'limit'),
        ({'limit': 'many'}, 'limit'),
    ],
)
def test_bad_cursor_or_page_size_is_a_validation_error(kwargs: dict[str, Any], field: str) -> None:
    market = make_market()
    with session_scope() as session, pytest.raises(ValidationError) as refused:
        requests.list_customer_requests(session, market.customer, **kwargs)
    assert refused.value.field == field


# --- one request ------------------------------------------------------------------------------------------------------


def test_the_customer_the_professional_and_admins_see_a_request_others_do_not() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    accept_request(market.pro, request_id, now=NOW)
    for viewer in (market.customer, market.pro, make_admin(), OPERATOR):
        assert get(viewer, request_id).id == request_id
    for outsider in (make_customer(), make_approved_professional(service_id=market.service.id)):
        with pytest.raises(NotFound, match='That request does not exist'):
            get(outsider, request_id)


def test_the_addressee_sees_a_request_addressed_to_them_and_a_colleague_does_not() -> None:
    market = make_market()
    colleague = make_approved_professional(service_id=market.service.id)
    request_id = book_request(market.customer, market.service.id, now=NOW, requested_professional_id=market.pro.id)
    seen = get(market.pro, request_id)
    assert (seen.requested_professional_id, seen.address) == (market.pro.id, '')
    assert get(market.customer, request_id).requested_professional_name == market.pro.name
    with pytest.raises(NotFound):
        get(colleague, request_id)
