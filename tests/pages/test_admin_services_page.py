"""`/admin/services`: the catalogue; add and edit with errors next to their fields; stale edits; retire behind a
confirmation that says what it affects; the professionals of a retired service flagged; reinstate; refusals."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from nicegui import ui
from nicegui.testing import User

from services import Actor, catalog, session_scope
from services.catalog import ServiceRow
from tests.factories import (
    OPERATOR,
    book_request,
    make_admin,
    make_approved_professional,
    make_customer,
    make_professional,
    make_service,
)
from tests.pages.support import open_as, path_of
from tests.services.request_support import NOW

PAGE = '/admin/services'


def stored(service_id: int) -> ServiceRow:
    with session_scope() as session:
        return catalog.get_service(session, service_id=service_id, include_retired=True)


def services() -> list[str]:
    with session_scope() as session:
        return [s.name for s in catalog.list_services(session, OPERATOR, include_retired=True)]


def set_field(user: User, name: str, value: str) -> None:
    user.find(marker=f'service-form-{name}').clear().type(value)


def field_error(user: User, name: str) -> str | None:
    element = user.find(marker=f'service-form-{name}').elements.pop()
    return element.props.get('error-message') if element.props.get('error') else None


def text_of(user: User, marker: str) -> str:
    return user.find(marker=marker).elements.pop().text


async def save(user: User) -> None:
    user.find(marker='service-form-save').click()


async def wait_for(check, *, tries: int = 100) -> None:
    """Until `check()` holds (a handler runs its unit of work in a thread; a loaded machine takes a while)."""
    for _ in range(tries):
        if check():
            return
        await asyncio.sleep(0.05)
    assert check()


async def open_page(user: User, actor: Actor, page: str, marker: str) -> None:
    """support.open_as, waiting longer for the page: it reads the database off the event loop first."""
    with contextlib.suppress(AssertionError):
        await open_as(user, actor, page, marker)
        return
    await user.should_see(marker=marker, retries=50)
    assert path_of(user) == page.split('?', maxsplit=1)[0]


# --- the catalogue ------------------------------------------------------------------------------------------------


async def test_admin_sees_every_service_with_status_and_professionals(user: User) -> None:
    plumbing = make_service(name='Plumbing', category='Repairs', base_price=49900, time_required=90)
    make_approved_professional(service_id=plumbing.id)
    make_professional(service_id=plumbing.id)
    old = make_service(name='Old Service')
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=old.id)
    await open_page(user, make_admin(), PAGE, 'services-table')
    with user.scope(marker=f'service-{plumbing.id}'):
        for text in ('Plumbing', 'Repairs', '₹499.00', '90 min', 'offered', '1 (+1 pending)'):
            await user.should_see(text)
        await user.should_see(marker=f'service-{plumbing.id}-retire')
    with user.scope(marker=f'service-{old.id}'):
        await user.should_see('retired')
        await user.should_see(marker=f'service-{old.id}-reinstate')
    await user.should_not_see(marker=f'service-{old.id}-flag')  # nobody is stranded on it


async def test_an_empty_catalogue_says_so(user: User) -> None:
    await open_page(user, make_admin(), PAGE, 'services-empty')
    await user.should_see('No services yet.')


# --- add and edit -------------------------------------------------------------------------------------------------


async def test_admin_adds_a_service_after_fixing_errors_shown_next_to_each_field(user: User) -> None:
    await open_page(user, make_admin(), PAGE, 'services-empty')
    user.find(marker='service-add').click()
    await user.should_see('Add a service')
    await save(user)
    await wait_for(lambda: field_error(user, 'name') == 'Name is required.')
    set_field(user, 'name', 'Tap Repair')
    set_field(user, 'category', 'Plumbing')
    set_field(user, 'base_price', 'cheap')
    set_field(user, 'time_required', '45')
    await save(user)
    await wait_for(lambda: field_error(user, 'base_price') is not None)
    assert 'amount in rupees' in field_error(user, 'base_price')
    assert field_error(user, 'name') is None
    set_field(user, 'base_price', '349.50')
    set_field(user, 'time_required', '5')
    await save(user)
    await wait_for(lambda: field_error(user, 'time_required') is not None)
    assert 'between 15 and 720' in field_error(user, 'time_required')
    assert services() == []
    set_field(user, 'time_required', '45')
    await save(user)
    await user.should_see('Tap Repair added.')
    [row] = [s for s in catalog_rows() if s.name == 'Tap Repair']
    assert (row.category, row.base_price, row.time_required, row.is_active) == ('Plumbing', 34950, 45, True)
    await user.should_see(marker=f'service-{row.id}')
    await user.should_not_see(marker='services-empty')


async def test_a_taken_name_is_shown_next_to_the_name(user: User) -> None:
    make_service(name='Deep Cleaning')
    await open_page(user, make_admin(), PAGE, 'services-table')
    user.find(marker='service-add').click()
    await user.should_see('Add a service')
    for name, value in {
        'name': 'deep cleaning',
        'category': 'Home',
        'base_price': '999',
        'time_required': '60',
    }.items():
        set_field(user, name, value)
    await save(user)
    await wait_for(lambda: field_error(user, 'name') is not None)
    assert 'already exists' in field_error(user, 'name')
    assert services() == ['Deep Cleaning']


async def test_admin_edits_a_service_in_rupees_and_minutes(user: User) -> None:
    service = make_service(name='Tap Repair', category='Plumbing', base_price=49950, time_required=60)
    await open_page(user, make_admin(), PAGE, 'services-table')
    user.find(marker=f'service-{service.id}-edit').click()
    await user.should_see('Edit Tap Repair')
    values = {n: user.find(marker=f'service-form-{n}').elements.pop().value for n in ('base_price', 'time_required')}
    assert values == {'base_price': '499.50', 'time_required': '60'}
    set_field(user, 'base_price', '599')
    set_field(user, 'description', 'Washers included.')
    await save(user)
    await user.should_see('Tap Repair saved.')
    fresh = stored(service.id)
    assert (fresh.base_price, fresh.description, fresh.version) == (59900, 'Washers included.', 2)
    with user.scope(marker=f'service-{service.id}'):
        await user.should_see('₹599.00')


async def test_an_invalid_edit_is_shown_next_to_its_field_and_changes_nothing(user: User) -> None:
    service = make_service(name='Tap Repair', base_price=49900, time_required=60)
    await open_page(user, make_admin(), PAGE, 'services-table')
    user.find(marker=f'service-{service.id}-edit').click()
    await user.should_see('Edit Tap Repair')
    set_field(user, 'base_price', '12.345')
    set_field(user, 'time_required', '30')
    await save(user)
    await wait_for(lambda: field_error(user, 'base_price') is not None)
    assert 'two decimals' in field_error(user, 'base_price')
    assert (stored(service.id).base_price, stored(service.id).time_required, stored(service.id).version) == (
        49900,
        60,
        1,
    )


async def test_a_stale_edit_shows_the_conflict_and_what_the_other_admin_saved(user: User) -> None:
    service = make_service(name='Tap Repair', base_price=49900)
    await open_page(user, make_admin(), PAGE, 'services-table')
    user.find(marker=f'service-{service.id}-edit').click()
    await user.should_see('Edit Tap Repair')
    with session_scope(write=True) as session:  # another admin, meanwhile
        catalog.edit_service(session, make_admin(), service_id=service.id, name='Tap Fixing', base_price=55000)
    set_field(user, 'base_price', '650')
    await save(user)
    await user.should_see('Someone else changed this service a moment ago.')
    assert (stored(service.id).name, stored(service.id).base_price) == ('Tap Fixing', 55000)  # ours did not land
    values = {n: user.find(marker=f'service-form-{n}').elements.pop().value for n in ('name', 'base_price')}
    assert values == {'name': 'Tap Fixing', 'base_price': '550'}
    with user.scope(marker=f'service-{service.id}'):
        await user.should_see('Tap Fixing')
    set_field(user, 'base_price', '650')  # made again on the fresh version, it saves
    await save(user)
    await user.should_see('Tap Fixing saved.')
    assert stored(service.id).base_price == 65000


# --- retire and reinstate -----------------------------------------------------------------------------------------


async def test_retiring_asks_first_saying_what_it_affects_then_flags_the_professionals(user: User) -> None:
    service = make_service(name='Plumbing')
    asha = make_approved_professional(service_id=service.id, name='Asha', pincodes='560001')
    ravi = make_approved_professional(service_id=service.id, name='Ravi')
    book_request(make_customer(pincode='560001'), service.id, now=NOW)
    await open_page(user, make_admin(), PAGE, 'services-table')

    user.find(marker=f'service-{service.id}-retire').click()
    await user.should_see('Retire Plumbing?')
    await user.should_see(content='Its 1 open request carries on as booked')
    await user.should_see(content='Its 2 approved professionals will get no new requests')
    user.find(marker='retire-cancel').click()
    await user.should_not_see('Retire Plumbing?')
    assert stored(service.id).is_active

    user.find(marker=f'service-{service.id}-retire').click()
    await user.should_see(marker='retire-confirm')
    user.find(marker='retire-confirm').click()
    await user.should_see('Plumbing is retired.')
    assert not stored(service.id).is_active
    await user.should_see(marker=f'service-{service.id}-flag')
    with user.scope(marker=f'service-{service.id}-flagged'):
        await user.should_see(content='2 approved professionals still offer it')
        await user.should_see(asha.email)
        links = [user.find(marker=f'service-{service.id}-flagged-{p.id}').elements.pop() for p in (asha, ravi)]
    assert [(link.text, link.props['href']) for link in links] == [
        ('Asha', f'/admin/users/{asha.id}'),
        ('Ravi', f'/admin/users/{ravi.id}'),
    ]


async def test_admin_reinstates_a_retired_service(user: User) -> None:
    service = make_service(name='Painting')
    make_approved_professional(service_id=service.id)
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=service.id)
    await open_page(user, make_admin(), PAGE, f'service-{service.id}-flagged')
    user.find(marker=f'service-{service.id}-reinstate').click()
    await user.should_see('Painting is on offer again.')
    assert stored(service.id).is_active
    await user.should_not_see(marker=f'service-{service.id}-flagged')
    await user.should_see(marker=f'service-{service.id}-retire')


# --- refusals -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(('make_actor', 'home'), [(make_customer, '/customer'), (make_professional, '/professional')])
async def test_others_are_sent_home(user: User, make_actor, home: str) -> None:
    actor = make_actor()
    await open_page(user, actor, home, 'frame-user-name')
    await user.open(PAGE)
    await user.should_see(marker='frame-user-name')
    assert path_of(user) == home


async def test_anonymous_visitor_is_sent_to_login(user: User) -> None:
    await user.open(PAGE)
    await user.should_see(marker='login-submit')
    assert user.client.request.query_params['redirect_to'] == PAGE


async def test_names_are_shown_as_typed(user: User) -> None:
    service = make_service(name='<b>Bold</b> "quoted"')
    await open_page(user, make_admin(), PAGE, 'services-table')
    await user.should_see('<b>Bold</b> "quoted"')
    edit = user.find(marker=f'service-{service.id}-edit').elements.pop()
    assert edit.props['aria-label'] == 'Edit <b>Bold</b> "quoted"'
    await user.should_not_see(ui.html)


def catalog_rows() -> list[ServiceRow]:
    with session_scope() as session:
        return catalog.list_services(session, OPERATOR, include_retired=True)
