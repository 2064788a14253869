"""The one list component (components/tables.py) on real pages: every cell carries its column's label and role, which
the stylesheet turns into cards on a phone; a row's name, status and buttons are its card's head and foot."""

from __future__ import annotations

from nicegui import ui
from nicegui.element import Element
from nicegui.testing import User

from components.tables import CSS
from services import catalog, clock, session_scope
from tests.factories import (
    OPERATOR,
    block,
    book_request,
    make_admin,
    make_customer,
    make_professional,
    make_service,
)
from tests.pages.support import PATIENCE, open_as

TONES = {'neutral', 'good', 'waiting', 'info', 'bad'}


def cells(user: User, marker: str) -> list[Element]:
    """The cells of the row marked `marker` (a list built from elements)."""
    return list(user.find(marker=marker).elements.pop().default_slot.children)


def roles(columns: list[dict]) -> dict[str, str]:
    return {col['name']: col['role'] for col in columns}


async def test_each_service_is_a_row_of_labelled_cells_its_buttons_in_the_last(user: User) -> None:
    offered = make_service(name='Plumbing', category='Repairs', base_price=49900)
    retired = make_service(name='Old Service')
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=retired.id)
    await open_as(user, make_admin(), '/admin/services', 'services-table')
    labels = ['Service', 'Category', 'Base price', 'Time required', 'Status', 'Professionals', 'Actions']
    for service, action in ((offered, 'retire'), (retired, 'reinstate')):
        row = cells(user, f'service-{service.id}')
        assert [td.props['data-label'] for td in row] == labels
        assert [next(c for c in td.classes if c.startswith('list-')) for td in row] == [
            'list-title', 'list-fact', 'list-number', 'list-number', 'list-status', 'list-fact', 'list-actions',
        ]  # fmt: skip
        assert row[0].default_slot.children[0].text == service.name
        assert 'list-chip' in row[4].default_slot.children[0].classes
        buttons = {button.props['aria-label'] for button in row[6].descendants() if isinstance(button, ui.button)}
        assert buttons == {f'Edit {service.name}', f'{action.capitalize()} {service.name}'}
    with user.scope(marker=f'service-{offered.id}'):
        await user.should_see('₹499.00')


async def test_people_are_drawn_by_one_labelled_template_headed_by_name_and_status(user: User) -> None:
    plumbing = make_service(name='Plumbing')
    make_professional(name='Newcomer', service_id=plumbing.id)
    blocked = make_customer(name='Blocked Asha')
    block(blocked)
    await open_as(user, make_admin(name='Root'), '/admin/users', 'users-table')
    table = user.find(marker='users-table').elements.pop()
    body = table.slots['body'].template
    assert ':data-label="col.label"' in body and 'v-for="col in props.cols"' in body  # every cell, labelled
    assert roles(table.columns) == {
        'name': 'title', 'email': 'fact', 'role': 'fact', 'status': 'status', 'service': 'fact', 'pincode': 'fact',
        'rating': 'fact',
    }  # fmt: skip
    assert next(col['link'] for col in table.columns if col['name'] == 'name') == 'url'
    tones = {row['name']: row['tone'] for row in table.rows}
    assert tones == {'Blocked Asha': 'bad', 'Newcomer': 'waiting', 'Root': 'good'}


async def test_requests_link_their_title_keep_the_live_highlight_and_colour_their_status(user: User) -> None:
    service = make_service(name='Plumbing')
    customer = make_customer(pincode='560001')
    waiting = book_request(customer, service.id, now=clock.now())
    await open_as(user, make_admin(), '/admin/requests', 'requests-table')
    table = user.find(marker='requests-table').elements.pop()
    assert roles(table.columns)['service'] == 'title' and roles(table.columns)['status'] == 'status'
    assert roles(table.columns)['price'] == 'number'
    assert 'fresh-row' in table.props[':table-row-class-fn']
    [row] = table.rows
    assert (row['id'], row['href'], row['tone']) == (waiting, f'/admin/requests/{waiting}', 'waiting')


async def test_a_page_gets_the_stylesheet_once_however_often_its_list_is_drawn_again(user: User) -> None:
    retired = make_service(name='Painting')
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=retired.id)
    await open_as(user, make_admin(), '/admin/services', f'service-{retired.id}-reinstate')
    user.find(marker=f'service-{retired.id}-reinstate').click()
    await user.should_see(marker=f'service-{retired.id}-retire', retries=PATIENCE)  # the list was drawn again
    assert user.client._head_html.count('.list-frame {') == 1  # what the page was sent
    assert all(f'.list-chip--{tone} {{' in CSS for tone in TONES - {'neutral'})  # each tone has its colours
