"""The frame's account menu (who is signed in, dark mode, account, sign out) and the drawer's name; a list's filters
folded on a phone (a 'Filters (n)' button opening a sheet, a removable chip per active filter); a pager with
nowhere to go hides its links."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs

from nicegui import ui
from nicegui.elements.mixins.text_element import TextElement
from nicegui.testing import User

from tests.factories import make_admin, make_customer
from tests.pages.support import open_as, path_of


def only(user: User, marker: str) -> ui.element:
    (element,) = user.find(marker=marker).elements
    return element


def text_in(element: ui.element) -> str:
    return ' '.join(e.text for e in element.descendants() if isinstance(e, TextElement) and e.text)


async def lands_on(user: User, path: str, query: dict[str, list[str]]) -> None:
    """Wait for a navigation to land on `path` with this query."""
    for _ in range(200):
        if path_of(user) == path and parse_qs(user.client.request.url.query) == query:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f'at {path_of(user)}?{user.client.request.url.query}, not {path} {query}')


# --- the account menu and the drawer ---------------------------------------------------------------------------------


async def test_the_account_menu_holds_the_name_dark_mode_account_and_sign_out(user: User) -> None:
    await open_as(user, make_customer(name='Asha Rao'), '/customer', 'customer-welcome')
    (button,) = [b for b in user.find(ui.button).elements if b.props.get('aria-label') == 'Account menu, Asha Rao']
    (menu,) = [e for e in button.descendants() if isinstance(e, ui.menu)]
    name, dark, sign_out = (only(user, m) for m in ('frame-user-name', 'frame-dark-toggle', 'frame-sign-out'))
    assert all(menu in element.ancestors() for element in (name, dark, sign_out))
    assert (name.text, 'signed-in-as' in name.classes, button.text) == ('Asha Rao', True, 'Asha Rao')
    assert 'Dark mode' in text_in(dark) and 'Sign out' in text_in(sign_out)
    assert (dark.props['aria-label'], dark.props['role'], dark.props['aria-checked']) == (
        'Toggle dark mode',
        'menuitemcheckbox',
        'false',
    )
    assert dark.props['data-icon-end'] == 'toggle_off'
    items = [e for e in menu.descendants() if isinstance(e, ui.item)]
    assert [item.props['data-icon'] for item in items] == ['dark_mode', 'person', 'logout']
    assert [item.props.get('href') for item in items] == [None, '/account', None]  # dark mode, account, sign out

    menu.open()
    user.find(marker='frame-dark-toggle').click()
    for _ in range(50):
        if dark.props['aria-checked'] == 'true':
            break
        await asyncio.sleep(0.02)
    assert (dark.props['aria-checked'], dark.props['data-icon-end']) == ('true', 'toggle_on')
    assert user.find(ui.dark_mode).elements.pop().value is True
    assert menu.value is False  # the menu closes behind the choice


async def test_the_drawer_says_who_is_signed_in(user: User) -> None:
    await open_as(user, make_admin(name='Meera Admin'), '/admin', 'admin-welcome')
    shown = only(user, 'frame-drawer-user')
    assert (shown.text, 'signed-in-as' in shown.classes) == ('Meera Admin', True)  # the caption is CSS (theme.py)
    assert shown.parent_slot.parent.props['data-initial'] == 'M'
    assert any(isinstance(e, ui.left_drawer) for e in shown.ancestors())


async def test_each_navigation_link_is_one_element_with_its_icon(user: User) -> None:
    """The frame is on every open page: its links draw their icons by CSS instead of holding two more elements."""
    await open_as(user, make_admin(), '/admin', 'admin-welcome')
    (drawer,) = user.find(ui.left_drawer).elements
    links = [e for e in drawer.descendants() if isinstance(e, ui.link)]
    assert [(link.text, link.props['data-icon']) for link in links][:2] == [
        ('Dashboard', 'dashboard'),
        ('Requests', 'assignment'),
    ]
    assert all(not list(link.descendants()) for link in links)


# --- filters on a phone ----------------------------------------------------------------------------------------------


async def test_each_active_filter_is_a_chip_and_the_button_counts_them(user: User) -> None:
    await open_as(user, make_admin(), '/admin/requests?status=requested&pincode=560001&sort=booked', 'filter-open')
    assert only(user, 'filter-open').props['label'] == 'Filters (3)'
    assert chip_words(user, 'filter') == {
        'status': 'Status: waiting for a professional',
        'pincode': 'Pincode: 560001',
        'sort': 'Order: Booked, newest first',
    }
    assert only(user, 'filter-chip-pincode').props['aria-label'] == 'Remove Pincode: 560001'


async def test_removing_a_chip_loads_the_list_without_that_filter(user: User) -> None:
    await open_as(user, make_admin(), '/admin/requests?status=requested&pincode=560001&sort=booked', 'filter-open')
    user.find(marker='filter-chip-pincode').click()
    await lands_on(user, '/admin/requests', {'status': ['requested'], 'sort': ['booked']})
    await user.should_see(marker='filter-chip-sort')
    user.find(marker='filter-chip-sort').click()  # the usual order is no filter: it leaves the URL
    await lands_on(user, '/admin/requests', {'status': ['requested']})
    assert only(user, 'filter-open').props['label'] == 'Filters (1)'
    user.find(marker='filter-chip-status').click()
    await lands_on(user, '/admin/requests', {})
    assert only(user, 'filter-open').props['label'] == 'Filters'
    await user.should_not_see(ui.chip)


async def test_the_sheet_holds_the_same_form_while_it_is_open(user: User) -> None:
    await open_as(user, make_admin(), '/admin/users?role=customer', 'users-filter-open')
    assert chip_words(user, 'users-filter') == {'role': 'Role: Customers'}
    apply = only(user, 'users-filter-apply')
    (sheet,) = user.find(ui.dialog).elements
    assert sheet not in apply.ancestors()
    user.find(marker='users-filter-open').click()
    assert sheet.value is True
    assert sheet in apply.ancestors()
    user.find(marker='users-filter-text').type('asha')
    user.find(marker='users-filter-apply').click()
    await lands_on(user, '/admin/users', {'text': ['asha'], 'role': ['customer']})


async def test_the_sheet_gives_the_form_back_when_it_closes(user: User) -> None:
    await open_as(user, make_admin(), '/admin/audit?action=user.block', 'audit-open')
    (sheet,) = user.find(ui.dialog).elements
    user.find(marker='audit-open').click()
    assert sheet in only(user, 'audit-apply').ancestors()
    user.find(ui.dialog).trigger('hide')
    assert sheet not in only(user, 'audit-apply').ancestors()
    assert chip_words(user, 'audit') == {'action': 'What: Blocked a user'}


async def test_a_refused_filter_is_not_folded_away(user: User) -> None:
    await open_as(user, make_admin(), '/admin/requests?pincode=012345', 'filter-pincode')
    await user.should_not_see(marker='filter-open')
    (card,) = [e for e in only(user, 'filter-apply').ancestors() if isinstance(e, ui.card)]
    assert 'gt-xs' not in card.classes  # shown on a phone too, the refusal beside its field


async def test_the_outbox_state_is_a_chip_too(user: User) -> None:
    await open_as(user, make_admin(), '/admin/outbox?state=failed', 'outbox-open')
    assert chip_words(user, 'outbox') == {'state': 'State: failed'}
    user.find(marker='outbox-chip-state').click()
    await lands_on(user, '/admin/outbox', {})


def chip_words(user: User, marker: str) -> dict[str, str]:
    """The filter chips marked `<marker>-chip-<name>`: name -> words."""
    prefix = f'{marker}-chip-'
    return {
        name.removeprefix(prefix): chip.text
        for chip in user.find(ui.chip).elements
        for name in chip._markers
        if name.startswith(prefix)
    }


# --- the pager -------------------------------------------------------------------------------------------------------


async def test_a_list_of_one_page_shows_its_count_without_previous_and_next(user: User) -> None:
    await open_as(user, make_admin(), '/admin/users', 'users-pager-count')
    await user.should_see(marker='users-pager-count')
    await user.should_not_see(marker='users-pager-links')
    await user.should_not_see(marker='users-pager-next')
