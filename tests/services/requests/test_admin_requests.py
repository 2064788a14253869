"""Every request for admins: filters, both sort orders, cursor pages, refusals; and a request's history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from models.enums import RequestStatus
from services import Actor, NotFound, PermissionDenied, ValidationError, requests, session_scope
from services.core import cursors
from services.requests import RequestPage
from tests.factories import (
    ACTOR_KINDS,
    accept_request,
    book_request,
    complete_request,
    make_admin,
    make_approved_professional,
    make_customer,
    make_service,
    slot,
)
from tests.services.request_support import NOW, make_market


def everything(actor: Actor, **filters: Any) -> RequestPage:
    with session_scope() as session:
        return requests.list_all_requests(session, actor, **filters)


def ids(actor: Actor, **filters: Any) -> list[int]:
    return [row.id for row in everything(actor, **filters).rows]


def history(actor: Actor, request_id: Any) -> list[tuple[str, str, str]]:
    with session_scope() as session:
        entries = requests.request_history(session, actor, request_id=request_id, now=NOW)
    return [(entry.who, entry.what, entry.reason) for entry in entries]


@pytest.fixture
def admin() -> Actor:
    return make_admin()


# --- filters and order ------------------------------------------------------------------------------------------------


def test_newest_slot_first_by_default_and_newest_booking_first_by_booked(admin: Actor) -> None:
    market = make_market()
    later_slot = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, days=5))
    sooner_slot = book_request(market.customer, market.service.id, now=NOW + timedelta(minutes=5))
    assert ids(admin) == [later_slot, sooner_slot]
    assert ids(admin, sort='booked') == [sooner_slot, later_slot]


def test_each_filter_narrows_the_list(admin: Actor) -> None:
    market = make_market(name='Plumbing')
    cleaning = make_service(name='Cleaning')
    cleaner = make_approved_professional(service_id=cleaning.id, name='Kavya Cleaner', pincodes=['110001'])
    asha = make_customer(name='Asha Verma', email='asha@example.com', pincode='110001')
    plumbing = book_request(market.customer, market.service.id, now=NOW)
    in_delhi = book_request(asha, cleaning.id, now=NOW, at=slot(NOW, days=9))
    accept_request(cleaner, in_delhi, now=NOW)
    next_week = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, days=7, index=1))

    assert ids(admin, status='assigned') == [in_delhi]
    assert ids(admin, status=RequestStatus.REQUESTED) == [next_week, plumbing]
    assert ids(admin, service_id=cleaning.id) == [in_delhi]
    assert ids(admin, service_id=str(market.service.id)) == [next_week, plumbing]
    assert ids(admin, pincode='110001') == [in_delhi]
    assert ids(admin, customer='ASHA') == [in_delhi]
    assert ids(admin, customer='asha@exa') == [in_delhi]
    assert ids(admin, customer='Asha@Example.com') == [in_delhi]  # a whole email: one index lookup
    assert ids(admin, professional=cleaner.email) == [in_delhi]
    assert ids(admin, professional='kavya') == [in_delhi]
    assert ids(admin, customer='nobody-like-this') == []
    week_day = slot(NOW, days=7).astimezone(requests.slots.get_settings().zone).date()
    assert ids(admin, date_from=week_day, date_to=week_day) == [next_week]
    assert ids(admin, date_from=week_day.isoformat()) == [in_delhi, next_week]
    assert ids(admin, date_to=week_day - timedelta(days=1)) == [plumbing]
    assert ids(admin, status='requested', service_id=market.service.id, date_from=week_day) == [next_week]


def test_like_wildcards_in_a_name_filter_are_plain_characters(admin: Actor) -> None:
    market = make_market()
    book_request(market.customer, market.service.id, now=NOW)
    assert ids(admin, customer='%') == []
    assert ids(admin, customer='_') == []


def test_dates_filter_booking_time_when_sorted_by_booking(admin: Actor) -> None:
    market = make_market()
    earlier = NOW - timedelta(days=3)
    old = book_request(market.customer, market.service.id, now=earlier, at=slot(NOW, days=4))
    new = book_request(market.customer, market.service.id, now=NOW)
    today = NOW.astimezone(requests.slots.get_settings().zone).date()
    assert ids(admin, sort='booked', date_from=today) == [new]
    assert ids(admin, sort='booked', date_to=today - timedelta(days=1)) == [old]


def test_pages_go_forwards_and_backwards_with_a_capped_count(admin: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    market = make_market()
    booked = [book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, index=i)) for i in range(5)]
    monkeypatch.setattr(cursors, 'COUNT_CAP', 3)
    first = everything(admin, limit=2)
    assert [row.id for row in first.rows] == booked[::-1][:2]
    assert (first.total, first.total_capped, first.total_label) == (3, True, '3+')
    second = everything(admin, limit=2, cursor=first.next_cursor)
    third = everything(admin, limit=2, cursor=second.next_cursor)
    assert [row.id for row in second.rows] == booked[::-1][2:4]
    assert [row.id for row in third.rows] == booked[::-1][4:] and third.next_cursor is None
    back = everything(admin, limit=2, cursor=third.previous_cursor)
    assert [row.id for row in back.rows] == booked[::-1][2:4]


def test_admins_see_every_contact_detail(admin: Actor) -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    row = everything(admin).rows[0]
    assert row.id == request_id and row.contact_visible and row.address and row.customer_name


@pytest.mark.parametrize(
    ('filters', 'field'),
    [
        ({'status': 'lost'}, 'status'),
        ({'service_id': 'plumbing'}, 'service_id'),
        ({'service_id': 2**70}, 'service_id'),
        ({'pincode': '012345'}, 'pincode'),
        ({'date_from': '31-03-2030'}, 'date_from'),
        ({'date_from': '2030-02-30'}, 'date_from'),
        ({'date_to': '1900-01-01'}, 'date_to'),
        ({'date_from': '2030-03-05', 'date_to': '2030-03-04'}, 'date_to'),
        ({'customer': 'x' * 101}, 'customer'),
        ({'professional': 'a\x00b'}, 'professional'),
        ({'sort': 'price'}, 'sort'),
        ({'sort': ['scheduled']}, 'sort'),
        ({'cursor': 'n1.2.3'}, 'cursor'),
        ({'limit': 0}, 'limit'),
    ],
)
def test_bad_filters_are_refused_with_the_field_named(admin: Actor, filters: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        everything(admin, **filters)
    assert refused.value.field == field


@pytest.mark.parametrize('kind', [k for k in ACTOR_KINDS if k not in ('admin', 'operator')])
def test_only_admins_list_every_request(kind: str) -> None:
    with pytest.raises(PermissionDenied):
        everything(ACTOR_KINDS[kind]())


# --- history ----------------------------------------------------------------------------------------------------------


def test_history_tells_who_did_what_when_and_why(admin: Actor) -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    with session_scope(write=True) as session:
        requests.edit(session, market.customer, request_id=request_id, remarks='Bring a ladder', now=NOW)
    accept_request(market.pro, request_id, now=NOW)
    with session_scope(write=True) as session:
        requests.admin_cancel(session, admin, request_id=request_id, reason='Duplicate booking', now=NOW)

    entries = history(admin, request_id)

    customer_label = f'{market.customer.name} <{market.customer.email}>'
    assert entries == [
        (customer_label, 'Booked', ''),
        (customer_label, 'Changed: remarks', ''),
        (f'{market.pro.name} <{market.pro.email}>', 'Accepted', ''),
        (f'{admin.name} <{admin.email}>', 'Cancelled by support', 'Duplicate booking'),
    ]
    with session_scope() as session:
        last = requests.request_history(session, admin, request_id=request_id, now=NOW)[-1]
    assert last.status_after is RequestStatus.CANCELLED


def test_participants_see_roles_not_emails_and_not_other_professionals_declines(admin: Actor) -> None:
    market = make_market()
    colleague = make_approved_professional(service_id=market.service.id)
    request_id = book_request(market.customer, market.service.id, now=NOW)
    with session_scope(write=True) as session:
        requests.decline(session, colleague, request_id=request_id, now=NOW)
    accept_request(market.pro, request_id, now=NOW + timedelta(minutes=1))
    later = slot(NOW) + timedelta(minutes=90)
    complete_request(market.pro, request_id, now=later)

    assert [who for who, _, _ in history(market.customer, request_id)] == [
        'you',
        'a professional',
        'the professional',
        'the professional',
    ]
    assert [(who, what) for who, what, _ in history(market.pro, request_id)] == [
        ('the customer', 'Booked'),
        ('you', 'Accepted'),
        ('you', 'Marked as done'),
    ]


def test_history_of_someone_elses_request_does_not_exist(admin: Actor) -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    for outsider in (make_customer(), make_approved_professional(pincodes=['110001'])):
        with pytest.raises(NotFound):
            history(outsider, request_id)
    for junk in ('1', 'abc', 2**70, -1, None):
        with pytest.raises(NotFound):
            history(admin, junk)
