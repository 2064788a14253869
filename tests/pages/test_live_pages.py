"""Pages that follow the marketplace as it changes, without a reload: several simulated users, one acting (through
the service layer, as another browser or a worker would) while the others watch."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from nicegui import app, ui
from nicegui.testing import User

from pages import live
from services import catalog, clock, identity, people, session_scope
from tests.factories import (
    PASSWORD,
    accept_request,
    block,
    book_request,
    make_admin,
    make_approved_professional,
    make_customer,
    make_service,
    slot,
)
from tests.pages.support import drawer_settled, open_as, path_of, table_rows


async def eventually(condition: Callable[[], bool], *, seconds: float = 5) -> None:
    """Wait for the page to change as a person would: looking again every 50 ms."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    assert condition()


def counter(user: User, marker: str) -> str:
    return user.find(marker=f'counter-{marker}').elements.pop().text


def status_badge(user: User) -> str:
    """The request's status as its badge says it now ('' while the page draws it again)."""
    try:
        return user.find(marker='request-status').elements.pop().text
    except AssertionError:
        return ''


def announced(user: User) -> str:
    return user.find(marker='live-announcer').elements.pop().text.strip()


async def test_a_booking_reaches_the_dashboard_the_requests_list_and_the_inbox(create_user) -> None:
    service = make_service(name='Plumbing')
    customer, professional = make_customer(pincode='560001'), make_approved_professional(service_id=service.id)
    admin, other_admin = make_admin(), make_admin(email='second@example.com')
    dashboard, request_list, inbox = create_user(), create_user(), create_user()
    await open_as(dashboard, admin, '/admin', 'counter-open')
    await drawer_settled(dashboard)
    await open_as(request_list, other_admin, '/admin/requests', 'requests-table-empty')
    await drawer_settled(request_list)
    await open_as(inbox, professional, '/professional/inbox', 'list-empty')
    await drawer_settled(inbox)
    assert counter(dashboard, 'open') == '0'

    booked = book_request(customer, service.id, now=clock.now())

    await request_list.should_see(marker='requests-table')
    [row] = table_rows(request_list, 'requests-table')
    assert (row['id'], row['service'], row['fresh']) == (booked, 'Plumbing', True)
    assert announced(request_list) == '1 new request'
    await inbox.should_see(marker=f'request-{booked}-accept')
    await eventually(lambda: counter(dashboard, 'open') == '1')
    assert (counter(dashboard, 'open'), counter(dashboard, 'today')) == ('1', '1')
    assert path_of(dashboard) == '/admin'  # no reload: the same page, changed in place


async def test_the_dashboard_is_computed_once_per_burst_for_every_watching_admin(create_user) -> None:
    service = make_service(name='Cleaning')
    customer = make_customer(pincode='560001')
    make_approved_professional(service_id=service.id)
    watchers = [create_user(), create_user()]
    for n, watcher in enumerate(watchers):
        await open_as(watcher, make_admin(email=f'admin{n}@example.com'), '/admin', 'counter-open')
        await drawer_settled(watcher)
    figure = app.state.live.shared('dashboard', lambda _event: True)
    before = figure.computations
    now = clock.now()
    for index in range(3):  # one burst: three bookings in a row
        book_request(customer, service.id, now=now, at=slot(now, index=index))
    for watcher in watchers:
        await eventually(lambda watcher=watcher: counter(watcher, 'open') == '3')
    assert figure.computations - before == 1


async def test_a_blocked_user_open_page_goes_to_login_at_once(user: User) -> None:
    customer = make_customer()
    await open_as(user, customer, '/customer/requests', 'customer-requests-empty')
    await drawer_settled(user)
    block(customer)
    await user.should_see(marker='login-submit')
    assert path_of(user) == '/login'


async def test_the_bell_counts_a_new_notification_without_a_reload(user: User) -> None:
    service = make_service(name='Painting')
    customer, professional = make_customer(pincode='560001'), make_approved_professional(service_id=service.id)
    booked = book_request(customer, service.id, now=clock.now())
    await open_as(user, customer, '/customer/requests', f'request-{booked}-link')
    await drawer_settled(user)
    bell = user.find(marker='frame-notifications').elements.pop()
    before = bell.props['aria-label']
    accept_request(professional, booked, now=clock.now())  # the customer is told
    await eventually(lambda: bell.props['aria-label'] != before)
    assert bell.props['aria-label'] == 'Notifications, 1 unread'


async def test_a_retired_service_leaves_the_search_results(user: User) -> None:
    service = make_service(name='Carpentry')
    make_approved_professional(service_id=service.id)
    await open_as(user, make_customer(pincode='560001'), '/customer', 'customer-welcome')
    await drawer_settled(user)
    await user.should_see('Carpentry')
    with session_scope(write=True) as session:
        catalog.retire_service(session, make_admin(), service_id=service.id)
    await user.should_not_see('Book with', retries=30)


async def test_the_indicator_says_live(user: User) -> None:
    await open_as(user, make_customer(), '/customer', 'customer-welcome')
    await user.should_see(marker='live-indicator-live')
    assert people  # the face the pages use


async def test_a_request_taken_by_another_professional_leaves_the_inbox_with_a_notice(create_user) -> None:
    service = make_service(name='AC repair')
    customer = make_customer(pincode='560001')
    watching, quicker = (
        make_approved_professional(service_id=service.id),
        make_approved_professional(service_id=service.id, email='quicker@example.com'),
    )
    booked = book_request(customer, service.id, now=clock.now())
    inbox = create_user()
    await open_as(inbox, watching, '/professional/inbox', f'request-{booked}-accept')
    await drawer_settled(inbox)
    accept_request(quicker, booked, now=clock.now())
    await inbox.should_see('Another professional accepted a request in your inbox')
    await inbox.should_see(marker='list-empty')
    await inbox.should_not_see(marker=f'request-{booked}-accept')


async def test_the_customer_sees_the_status_and_history_change_as_the_professional_acts(user: User) -> None:
    service = make_service(name='Pest control')
    customer, professional = make_customer(pincode='560001'), make_approved_professional(service_id=service.id)
    booked = book_request(customer, service.id, now=clock.now())
    await open_as(user, customer, f'/customer/requests/{booked}', 'request-status')
    await drawer_settled(user)
    await user.should_see('waiting for a professional')
    accept_request(professional, booked, now=clock.now())
    await eventually(lambda: status_badge(user) == 'accepted')
    assert len(user.find(marker='history-entry').elements) == 2  # booked, then accepted
    assert path_of(user) == f'/customer/requests/{booked}'


async def test_a_new_open_request_appears_in_the_inbox_and_is_announced(user: User) -> None:
    service = make_service(name='Gardening')
    professional = make_approved_professional(service_id=service.id)
    await open_as(user, professional, '/professional/inbox', 'list-empty')
    await drawer_settled(user)
    booked = book_request(make_customer(pincode='560001'), service.id, now=clock.now())
    await user.should_see(marker=f'request-{booked}-accept')
    assert announced(user) == '1 new request'


async def test_a_request_of_another_service_does_not_reload_the_inbox(user: User) -> None:
    mine, other = make_service(name='Gardening'), make_service(name='Laundry')
    professional = make_approved_professional(service_id=mine.id)
    make_approved_professional(service_id=other.id, email='laundry@example.com')
    await open_as(user, professional, '/professional/inbox', 'list-empty')
    await drawer_settled(user)
    empty = user.find(marker='list-empty').elements.pop()
    book_request(make_customer(pincode='560001'), other.id, now=clock.now())
    await asyncio.sleep(0.6)  # two bursts' time: a reload would have drawn a new 'empty' label
    assert user.find(marker='list-empty').elements == {empty}


async def test_a_service_retired_while_its_booking_form_is_open_cannot_be_booked_there(user: User) -> None:
    service = make_service(name='Roofing')
    make_approved_professional(service_id=service.id)
    await open_as(user, make_customer(pincode='560001'), f'/customer/book/{service.id}', 'booking-confirm')
    await drawer_settled(user)
    with session_scope(write=True) as session:
        catalog.retire_service(session, make_admin(), service_id=service.id)
    await user.should_see('Roofing is no longer offered, so it cannot be booked.')
    await user.should_not_see(marker='booking-confirm')


async def test_signing_out_everywhere_else_sends_the_other_open_page_to_login_at_once(user: User) -> None:
    customer = make_customer()
    await open_as(user, customer, '/customer/requests', 'customer-requests-empty')
    await drawer_settled(user)
    phone = identity.sign_in(customer.email, PASSWORD, client_ip='10.0.0.9')  # the same customer on another device
    with session_scope(write=True) as session:
        assert identity.sign_out_everywhere_else(session, customer, key=phone.key) == 1
    await user.should_see(marker='login-submit')  # no click needed
    assert path_of(user) == '/login'


async def test_of_two_overlapping_redraws_only_the_newer_one_stays(user: User) -> None:
    """An action's own refresh and the live event of the same change redraw a part at once; the older one, slower to
    load, finished last and was drawn beside the newer one (a request shown twice). pages/live.py newest_only."""
    loads = [0.0, 0.3, 0.0]  # the first page load, then a slow refresh overtaken by a quick one

    @ui.page('/test/overlapping-redraws')
    async def overlapping() -> None:
        @ui.refreshable
        @live.newest_only
        async def part() -> None:
            await asyncio.sleep(loads.pop(0))
            ui.label('drawn').mark('drawn')

        await part()
        ui.button('Twice', on_click=lambda: (part.refresh(), part.refresh())).mark('twice')

    await user.open('/test/overlapping-redraws')
    user.find(marker='twice').click()
    await asyncio.sleep(0.5)
    assert len(user.find(marker='drawn').elements) == 1
