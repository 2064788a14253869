"""`/admin/requests` and `/admin/requests/{id}`: filters in the URL, pages, refusals, history, admin cancel."""

from __future__ import annotations

import asyncio

from nicegui.testing import User

from models.enums import RequestStatus
from services import clock, requests, session_scope
from tests.factories import (
    accept_request,
    book_request,
    make_admin,
    make_approved_professional,
    make_customer,
    make_service,
    slot,
)
from tests.pages.support import drawer_settled, open_as, path_of, table_rows
from tests.services.request_support import stored


def ids_shown(user: User) -> list[int]:
    return [row['id'] for row in table_rows(user, 'requests-table')]


async def query_becomes(user: User, query: str) -> None:
    """Wait for a navigation to land on the list with this query string."""
    for _ in range(200):
        if user.client.request.url.query == query:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f'the query is {user.client.request.url.query!r}, not {query!r}')


def error_of(user: User, marker: str) -> str | None:
    element = user.find(marker=marker).elements.pop()
    return element.props.get('error-message') if element.props.get('error') else None


async def test_filters_come_from_the_url_and_rows_link_to_each_request(user: User) -> None:
    now = clock.now()
    plumbing, cleaning = make_service(name='Plumbing'), make_service(name='Cleaning')
    asha = make_customer(name='Asha Verma')
    ravi = make_customer(name='Ravi Kumar', pincode='110001')
    mine = book_request(asha, plumbing.id, now=now)
    other = book_request(ravi, cleaning.id, now=now, at=slot(now, days=4))

    await open_as(user, make_admin(), '/admin/requests', 'requests-table')
    assert ids_shown(user) == [other, mine]
    assert table_rows(user, 'requests-table')[0]['href'] == f'/admin/requests/{other}'
    await user.should_see('2 requests')

    for query, expected in [
        (f'service_id={plumbing.id}', [mine]),
        ('customer=ravi', [other]),
        ('pincode=110001', [other]),
        ('status=assigned', []),
    ]:
        await user.open(f'/admin/requests?{query}')
        if expected:
            await user.should_see(marker='requests-table')
            assert ids_shown(user) == expected, query
        else:
            await user.should_see('No request matches these filters.')


async def test_the_form_puts_the_filters_into_the_url(user: User) -> None:
    now = clock.now()
    service = make_service(name='Plumbing')
    book_request(make_customer(name='Asha Verma'), service.id, now=now)
    await open_as(user, make_admin(), '/admin/requests', 'requests-table')
    user.find(marker='filter-customer').type('asha')
    user.find(marker='filter-pincode').type('560001')
    user.find(marker='filter-apply').click()
    await query_becomes(user, 'pincode=560001&customer=asha')
    await user.should_see(marker='requests-table')
    assert user.find(marker='filter-customer').elements.pop().value == 'asha'


async def test_an_invalid_filter_is_shown_next_to_its_field(user: User) -> None:
    await open_as(user, make_admin(), '/admin/requests?pincode=012345', 'requests-refused')
    assert 'pincode' in (error_of(user, 'filter-pincode') or '').lower()
    await user.open('/admin/requests?date_from=2030-03-05&date_to=2030-03-01')
    await user.should_see(marker='requests-refused')
    assert error_of(user, 'filter-date_to') == 'The first day comes after the last one.'


async def test_a_broken_page_link_offers_the_first_page(user: User) -> None:
    await open_as(user, make_admin(), '/admin/requests?status=requested&cursor=nonsense', 'first-page')
    await user.should_see('That page link is no longer valid. Start from the first page.')
    assert user.find(marker='first-page').elements.pop().props['href'] == '/admin/requests?status=requested'


async def test_pages_go_forwards_and_back(user: User) -> None:
    now = clock.now()
    service = make_service()
    customer = make_customer()
    booked = [
        book_request(customer, service.id, now=now, at=slot(now, days=2 + i // 8, index=i % 8)) for i in range(21)
    ]
    await open_as(user, make_admin(), '/admin/requests', 'requests-table')
    assert ids_shown(user) == booked[::-1][:20]
    await user.should_see('21 requests')
    next_link = user.find(marker='requests-pager-next').elements.pop().props['href']
    await user.open(next_link)
    await user.should_see(marker='requests-table')
    assert ids_shown(user) == [booked[0]]
    previous = user.find(marker='requests-pager-previous').elements.pop().props['href']
    await user.open(previous)
    await user.should_see(marker='requests-table')
    assert ids_shown(user) == booked[::-1][:20]


async def test_non_admins_are_sent_home(user: User) -> None:
    await open_as(user, make_customer(), '/customer', 'customer-welcome')
    await user.open('/admin/requests')
    assert path_of(user) == '/customer'
    await user.open('/admin/requests/1')
    assert path_of(user) == '/customer'


# --- one request --------------------------------------------------------------------------------------------------


async def test_a_request_shows_its_details_and_history(user: User) -> None:
    now = clock.now()
    service = make_service(name='Plumbing')
    customer = make_customer(name='Asha Verma', phone='+919876543210')
    pro = make_approved_professional(service_id=service.id, name='Ravi Plumber')
    request_id = book_request(customer, service.id, now=now, remarks='Leaking tap')
    accept_request(pro, request_id, now=now)

    await open_as(user, make_admin(), f'/admin/requests/{request_id}', 'request-summary')
    await user.should_see('Plumbing')
    await user.should_see('Leaking tap')
    await user.should_see('Asha Verma')
    await user.should_see('+919876543210')
    await user.should_see('Ravi Plumber')
    entries = user.find(marker='history-entry').elements
    assert len(entries) == 2
    await user.should_see('Booked')
    await user.should_see('Accepted')


async def test_admin_cancels_with_a_reason_and_the_history_says_why(user: User) -> None:
    now = clock.now()
    service = make_service()
    request_id = book_request(make_customer(), service.id, now=now)
    await open_as(user, make_admin(), f'/admin/requests/{request_id}', 'request-cancel')
    await drawer_settled(user)
    user.find(marker='request-cancel').click()
    await user.should_see(marker='cancel-reason')
    user.find(marker='cancel-confirm').click()  # no reason yet
    await user.should_see('Reason is required.')
    assert stored(request_id).service_status is RequestStatus.REQUESTED
    user.find(marker='cancel-reason').type('Customer called to cancel')
    user.find(marker='cancel-confirm').click()
    await user.should_see('The request was cancelled; the people concerned were told.')
    await user.should_see('Reason: Customer called to cancel')
    assert stored(request_id).service_status is RequestStatus.CANCELLED
    await user.should_not_see(marker='request-cancel')


async def test_cancelling_what_someone_else_cancelled_a_moment_ago_says_so(user: User) -> None:
    now = clock.now()
    request_id = book_request(make_customer(), make_service().id, now=now)
    await open_as(user, make_admin(), f'/admin/requests/{request_id}', 'request-cancel')
    await drawer_settled(user)
    with session_scope(write=True) as session:
        requests.admin_cancel(session, make_admin(), request_id=request_id, reason='Duplicate', now=now)
    user.find(marker='request-cancel').click()
    await user.should_see(marker='cancel-reason')
    user.find(marker='cancel-reason').type('Also a duplicate')
    user.find(marker='cancel-confirm').click()
    await user.should_see('Only requested or assigned requests can be cancelled.')
    await user.should_see('Reason: Duplicate')
    assert stored(request_id).cancel_reason == 'Duplicate'


async def test_a_missing_request_says_so(user: User) -> None:
    await open_as(user, make_admin(), '/admin/requests/999999', 'notice')
    await user.should_see('That request does not exist.')
    await user.open('/admin/requests/abc')
    await user.should_see('That request does not exist.')
