from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from models.enums import ApprovalState, RequestStatus, Role
from services import (
    Actor,
    InvalidCredentials,
    NotFound,
    PermissionDenied,
    ValidationError,
    catalog,
    identity,
    people,
    requests,
    session_scope,
)
from services.core import cursors
from services.people import UserDetail, UserPage
from tests.factories import (
    OPERATOR,
    PNG_BYTES,
    accept_request,
    add_document,
    block,
    book_request,
    complete_request,
    make_admin,
    make_approved_professional,
    make_customer,
    make_professional,
    make_service,
    reject,
    sign_in,
    slot,
)
from tests.services.request_support import NOW


def listed(actor: Actor | None = None, **filters: Any) -> UserPage:
    with session_scope() as session:
        return people.list_users(session, actor or OPERATOR, **filters)


def names(actor: Actor | None = None, **filters: Any) -> list[str]:
    return [row.name for row in listed(actor, **filters).rows]


def detail(user_id: Any, actor: Actor | None = None) -> UserDetail:
    with session_scope() as session:
        return people.get_user(session, actor or OPERATOR, user_id=user_id)


def rate(professional: Actor, service_id: int, rating: int) -> None:
    """A customer books the professional, who does the job; the customer closes it with `rating`."""
    customer = make_customer()
    request_id = book_request(customer, service_id, now=NOW)
    accept_request(professional, request_id, now=NOW)
    later = NOW + timedelta(days=4)
    complete_request(professional, request_id, now=later)
    with session_scope(write=True) as session:
        requests.close(session, customer, request_id=request_id, rating=rating, now=later)


# --- the list and its filters --------------------------------------------------------------------------------------


def test_admin_lists_everyone_newest_first_with_role_specific_details() -> None:
    admin = make_admin(name='Root')
    customer = make_customer(name='Asha', pincode='700016', phone='+919800000001')
    service = make_service(name='Plumbing')
    make_professional(name='Ravi', service_id=service.id, pincodes='560002, 560001')
    page = listed(admin)
    assert [row.name for row in page.rows] == ['Ravi', 'Asha', 'Root']
    ravi, asha, root = page.rows
    assert (ravi.role, ravi.service_name, ravi.service_active, ravi.approval_state) == (
        Role.PROFESSIONAL,
        'Plumbing',
        True,
        ApprovalState.PENDING,
    )
    assert (ravi.pincodes, ravi.rating_average, ravi.rating_count, ravi.pincode) == (('560001', '560002'), None, 0, '')
    assert (asha.id, asha.email, asha.phone, asha.pincode, asha.approval_state) == (
        customer.id,
        customer.email,
        '+919800000001',
        '700016',
        None,
    )
    assert (root.role, root.is_blocked, root.blocked_reason) == (Role.ADMIN, False, '')
    assert (page.total, page.total_capped, page.total_label, page.next_cursor, page.previous_cursor) == (
        3,
        False,
        '3',
        None,
        None,
    )


def test_search_text_matches_any_part_of_name_or_email_in_any_case() -> None:
    make_customer(name='Asha Rao', email='asha@example.com')
    make_customer(name='Ravi', email='RAVI.ASHWIN@example.com')
    make_customer(name='Zed', email='zed@example.com')
    assert names(text='ASH') == ['Ravi', 'Asha Rao']
    assert names(text=' rao ') == ['Asha Rao']
    assert names(text='nobody') == []


@pytest.mark.parametrize(('text', 'expected'), [('%', ['100% Clean']), ('_', ['Under_score']), ('\\', [])])
def test_like_wildcards_in_the_search_are_plain_characters(text: str, expected: list[str]) -> None:
    make_customer(name='100% Clean')
    make_customer(name='Under_score')
    make_customer(name='Plain')
    assert names(text=text) == expected


def test_role_filter_keeps_one_role() -> None:
    make_admin(name='Root')
    make_customer(name='Asha')
    make_professional(name='Ravi')
    assert names(role='customer') == ['Asha']
    assert names(role=Role.PROFESSIONAL) == ['Ravi']
    assert names(role='admin') == ['Root']


def test_status_filter_by_block_and_by_approval_state() -> None:
    blocked_customer = make_customer(name='Blocked customer')
    block(blocked_customer)
    make_customer(name='Active customer')
    make_professional(name='Pending')
    make_approved_professional(name='Approved')
    reject(make_professional(name='Rejected'))
    blocked_pro = make_approved_professional(name='Blocked approved')
    block(blocked_pro)
    assert names(status='blocked') == ['Blocked approved', 'Blocked customer']
    assert names(status='active') == ['Rejected', 'Approved', 'Pending', 'Active customer']
    assert names(status='pending') == ['Pending']
    assert names(status='approved') == ['Blocked approved', 'Approved']
    assert names(status='rejected') == ['Rejected']
    assert listed(status='blocked').rows[1].blocked_reason == 'Fraud reported'


def test_service_filter_includes_a_retired_service_and_flags_it() -> None:
    plumbing, cleaning = make_service(name='Plumbing'), make_service(name='Cleaning')
    make_professional(name='Plumber', service_id=plumbing.id)
    make_professional(name='Cleaner', service_id=cleaning.id)
    make_customer(name='Asha')
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=cleaning.id)
    assert names(service_id=plumbing.id) == ['Plumber']
    [cleaner] = listed(service_id=str(cleaning.id)).rows
    assert (cleaner.name, cleaner.service_name, cleaner.service_active) == ('Cleaner', 'Cleaning', False)


def test_pincode_filter_finds_professionals_serving_it_and_customers_living_there() -> None:
    make_professional(name='Serves it', pincodes='560001, 560002')
    make_professional(name='Serves elsewhere', pincodes='110001')
    make_customer(name='Lives there', pincode='560002')
    make_customer(name='Lives elsewhere', pincode='110001')
    assert names(pincode='560002') == ['Lives there', 'Serves it']
    assert names(pincode='560002', role='professional') == ['Serves it']


def test_minimum_rating_keeps_professionals_rated_at_least_that_on_average() -> None:
    service = make_service()
    great = make_approved_professional(name='Great', service_id=service.id)
    fair = make_approved_professional(name='Fair', service_id=service.id)
    make_approved_professional(name='Unrated', service_id=service.id)
    rate(great, service.id, 5)
    rate(fair, service.id, 3)
    assert names(min_rating=4, role='professional') == ['Great']
    assert names(min_rating='3', role='professional') == ['Fair', 'Great']
    assert names(min_rating='3.1', role='professional') == ['Great']
    assert names(min_rating=5.0) == ['Great']
    [row] = listed(min_rating='4.5').rows
    assert (row.rating_average, row.rating_count) == (5.0, 1)


def test_filters_combine() -> None:
    service = make_service()
    make_approved_professional(name='Match', service_id=service.id, pincodes='560001')
    make_professional(name='Pending', service_id=service.id, pincodes='560001')
    make_approved_professional(name='Other pincode', service_id=service.id, pincodes='110001')
    make_approved_professional(name='Matchless', pincodes='560001')
    assert names(text='match', service_id=service.id, pincode='560001', status='approved') == ['Match']


# --- paging ---------------------------------------------------------------------------------------------------------


def test_pages_go_forward_and_back_newest_first() -> None:
    for n in range(1, 6):
        make_customer(name=f'C{n}')
    first = listed(limit=2)
    assert ([r.name for r in first.rows], first.previous_cursor) == (['C5', 'C4'], None)
    second = listed(limit=2, cursor=first.next_cursor)
    assert [r.name for r in second.rows] == ['C3', 'C2']
    third = listed(limit=2, cursor=second.next_cursor)
    assert ([r.name for r in third.rows], third.next_cursor) == (['C1'], None)
    back = listed(limit=2, cursor=third.previous_cursor)
    assert [r.name for r in back.rows] == ['C3', 'C2']
    start = listed(limit=2, cursor=back.previous_cursor)
    assert ([r.name for r in start.rows], start.previous_cursor, start.next_cursor) == (
        ['C5', 'C4'],
        None,
        first.next_cursor,
    )
    assert {page.total for page in (first, second, third, back, start)} == {5}


def test_paging_keeps_the_filters() -> None:
    for n in range(1, 5):
        make_customer(name=f'Match {n}')
        make_customer(name=f'Other {n}')
    first = listed(text='match', limit=3)
    second = listed(text='match', limit=3, cursor=first.next_cursor)
    assert [r.name for r in first.rows + second.rows] == ['Match 4', 'Match 3', 'Match 2', 'Match 1']
    assert (first.total, second.next_cursor) == (4, None)


def test_count_stops_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cursors, 'COUNT_CAP', 3)
    for _ in range(5):
        make_customer()
    page = listed(limit=2)
    assert (page.total, page.total_capped, page.total_label) == (3, True, '3+')
    assert listed(role='admin').total_label == '0'


# --- refusals -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize('make_actor', [make_customer, make_professional, make_approved_professional])
def test_non_admins_may_not_list_or_look_up_users(make_actor) -> None:
    actor = make_actor()
    with pytest.raises(PermissionDenied):
        listed(actor)
    with pytest.raises(PermissionDenied):
        detail(actor.id, actor)


def test_a_blocked_admin_may_not_list_users() -> None:
    admin = make_admin()
    block(admin)
    with pytest.raises(PermissionDenied):
        listed(admin)


@pytest.mark.parametrize(
    ('filters', 'field'),
    [
        ({'text': 'x' * 101}, 'text'),
        ({'text': 'tab\there'}, 'text'),
        ({'role': 'boss'}, 'role'),
        ({'role': ['admin']}, 'role'),
        ({'status': 'deleted'}, 'status'),
        ({'service_id': 'abc'}, 'service_id'),
        ({'service_id': 999_999}, 'service_id'),
        ({'service_id': 2**70}, 'service_id'),
        ({'service_id': '٣'}, 'service_id'),
        ({'pincode': '012345'}, 'pincode'),
        ({'min_rating': '6'}, 'min_rating'),
        ({'min_rating': '0.5'}, 'min_rating'),
        ({'min_rating': '4.55'}, 'min_rating'),
        ({'min_rating': 'abc'}, 'min_rating'),
        ({'min_rating': True}, 'min_rating'),
        ({'cursor': 'garbage'}, 'cursor'),
        ({'cursor': 'n0'}, 'cursor'),
        ({'cursor': 'n99999999999999999999'}, 'cursor'),
        ({'cursor': 42}, 'cursor'),
        ({'limit': 0}, 'limit'),
        ({'limit': 101}, 'limit'),
    ],
)
def test_a_bad_filter_is_a_validation_error_naming_its_field(filters: dict[str, Any], field: str) -> None:
    make_customer()
    with pytest.raises(ValidationError) as refused:
        listed(**filters)
    assert refused.value.field == field


# --- one person -----------------------------------------------------------------------------------------------------


def test_admin_sees_a_customer_with_address_and_requests_by_status() -> None:
    service = make_service()
    customer = make_customer(name='Asha', address='5 Park Street', pincode='560001')
    book_request(customer, service.id, now=NOW)
    book_request(customer, service.id, now=NOW, at=slot(NOW, index=1), remarks='second')
    found = detail(customer.id, make_admin())
    assert (found.user.name, found.user.pincode, found.address, found.professional) == (
        'Asha',
        '560001',
        '5 Park Street',
        None,
    )
    assert (found.request_counts, found.sign_in_locked_minutes, found.blocked_at) == (
        ((RequestStatus.REQUESTED, 2),),
        0,
        None,
    )


def test_admin_sees_a_professional_with_profile_documents_and_jobs() -> None:
    service = make_service(name='Plumbing')
    professional = make_approved_professional(name='Ravi', service_id=service.id)
    document_id = add_document(professional, PNG_BYTES, 'certificate.png', kind='certificate')
    rate(professional, service.id, 4)
    found = detail(professional.id)
    assert (found.user.service_name, found.user.approval_state, found.user.rating_average) == (
        'Plumbing',
        ApprovalState.APPROVED,
        4.0,
    )
    assert found.professional is not None
    assert (found.professional.service_name, [d.id for d in found.professional.documents]) == (
        'Plumbing',
        [document_id],
    )
    assert found.request_counts == ((RequestStatus.CLOSED, 1),)


def test_detail_shows_a_block_with_its_time() -> None:
    customer = make_customer()
    block(customer, reason='Chargeback')
    found = detail(customer.id)
    assert (found.user.is_blocked, found.user.blocked_reason, found.blocked_at is not None) == (
        True,
        'Chargeback',
        True,
    )


def test_detail_says_when_sign_in_is_throttled_until_an_admin_unlocks_it() -> None:
    customer = make_customer()
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            sign_in(customer, 'wrong password here')
    assert detail(customer.id).sign_in_locked_minutes > 0
    with session_scope(write=True) as session:
        identity.unlock_sign_in(session, make_admin(), email=customer.email)
    assert detail(customer.id).sign_in_locked_minutes == 0


@pytest.mark.parametrize('user_id', [999_999, 0, -1, 'abc', '1', 2**70, None, True, 1.0])
def test_an_unknown_or_junk_user_id_does_not_exist(user_id: object) -> None:
    make_customer()
    with pytest.raises(NotFound, match='does not exist'):
        detail(user_id)
