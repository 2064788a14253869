"""The page frame every signed-in page sits in: header, navigation, the viewer's name, dark mode, sign-out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from nicegui import ui

from components.live import announcer, live_indicator
from components.notifications import notification_bell
from components.theme import theme

DRAWER_BREAKPOINT = 700  # px: narrower than this (phones) the navigation waits behind the menu button
ACCOUNT_PATH = '/account'
ACCOUNT_MENU = 'Account menu'  # how the header's menu button starts its name (tests find it by that)


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    path: str
    icon: str


@contextmanager
def frame(
    title: str,
    *,
    nav_items: list[NavItem],
    user_name: str,
    on_sign_out: Callable[[], object],
    dark: bool = False,
    on_dark_change: Callable[[bool], object] | None = None,
    unread: int | None = None,
    live_state: str | None = None,
) -> Iterator[ui.column]:
    """Header and navigation around the page's content; yields the content column. With `live_state` the page
    follows changes as they happen: the header says whether it is connected, and screen readers hear what changed."""
    theme()
    dark_mode = ui.dark_mode(value=dark)
    with ui.header(elevated=True).classes('items-center gap-2 px-4 py-2 bg-primary text-white'):
        ui.button(icon='menu', on_click=lambda: drawer.toggle()).props(  # noqa: PLW0108 (drawer comes below)
            'flat round color=white aria-label="Menu"'
        )
        ui.label('Household Services').classes('text-lg font-bold max-sm:hidden')
        ui.space()
        if live_state is not None:
            live_indicator(live_state)
        if unread is not None:  # None: a page without the viewer's notifications
            notification_bell(unread)
        _user_menu(user_name, nav_items, dark_mode, on_dark_change, on_sign_out)
    # value=None: open beside the content on wide screens and tablets (768 px), behind the menu button on phones
    with ui.left_drawer(value=None, bordered=True).props(f'width=220 breakpoint={DRAWER_BREAKPOINT}') as drawer:
        _signed_in_as(user_name)
        with ui.column().classes('w-full gap-2 px-2').props('role=navigation aria-label="Main"'):
            for item in nav_items:
                with ui.link(target=item.path).classes('w-full flex items-center gap-3 px-3 rounded no-underline'):
                    ui.icon(item.icon)
                    ui.label(item.label)
    with ui.column().classes('w-full max-w-5xl mx-auto p-4 gap-4') as content:
        ui.label(title).classes('text-2xl font-semibold').props('role=heading aria-level=1')
        if live_state is not None:
            announcer()
        yield content


@contextmanager
def public_frame(title: str) -> Iterator[ui.column]:
    """The narrow centred card used by sign-in and sign-up (no navigation: nobody is signed in)."""
    theme()
    with ui.column().classes('w-full items-center px-2 py-4 sm:p-4'):  # a 320 px phone keeps 272 px for the form
        ui.label('Household Services').classes('text-3xl font-bold text-primary mt-6 text-center')
        ui.label('Trusted professionals for every job at home').classes('text-grey-7 mb-4 text-center')
        with ui.card().classes('w-full max-w-md p-4 sm:p-6 gap-3') as card:
            ui.label(title).classes('text-xl font-semibold').props('role=heading aria-level=1')
            yield card


def _user_menu(
    user_name: str,
    nav_items: list[NavItem],
    dark_mode: ui.dark_mode,
    on_dark_change: Callable[[bool], object] | None,
    on_sign_out: Callable[[], object],
) -> None:
    """One button (the initial, and the name where there is room) opening the viewer's menu: who is signed in,
    dark mode, their account and signing out."""
    with ui.button().props('flat no-caps color=white padding="xs sm" aria-haspopup=menu') as button:
        # the name it shows is part of what it is called (WCAG 2.5.3: "click Asha Rao" works by voice too)
        button.props['aria-label'] = f'{ACCOUNT_MENU}, {user_name}'
        # a phone shows the initial; a wider screen the name, whose words the button's name must hold (a letter
        # beside it would be words the name lacks)
        _initial(user_name, colour='white', text='blue-9').classes('sm:hidden')  # blue-9 is the primary blue
        ui.icon('account_circle', size='sm').classes('max-sm:hidden')
        ui.label(user_name).classes('ml-2 text-sm truncate max-w-[12rem] max-sm:hidden')
        with ui.menu().props('anchor="bottom right" self="top right"').classes('min-w-[14rem]') as menu:
            with ui.column().classes('gap-0 px-4 pt-3 pb-2').props('role=none'):
                ui.label('Signed in as').classes('text-xs text-grey-8')
                ui.label(user_name).classes('font-semibold break-all').mark('frame-user-name')
            ui.separator()
            with ui.column().classes('w-full gap-2 py-2').props('role=none'):
                _dark_mode_item(menu, dark_mode, on_dark_change)
                if any(item.path == ACCOUNT_PATH for item in nav_items):
                    _menu_item('Account', 'person', role='menuitem').props(f'href={ACCOUNT_PATH}')
                sign_out = _menu_item('Sign out', 'logout', role='menuitem').mark('frame-sign-out')
                sign_out.on_click(on_sign_out)


def _dark_mode_item(menu: ui.menu, dark_mode: ui.dark_mode, on_dark_change: Callable[[bool], object] | None) -> ui.item:
    """A menu item that switches dark mode (a checkbox item to screen readers) and closes the menu."""
    item = _menu_item('Dark mode', 'dark_mode', role='menuitemcheckbox').mark('frame-dark-toggle')
    item.props('aria-label="Toggle dark mode"')
    with item, ui.item_section().props('side'):
        # a picture of the state (a real switch inside the item would be a control inside a control)
        shown = ui.icon('toggle_off', size='md').props('aria-hidden=true')

    def show(dark: bool) -> None:
        shown.name = 'toggle_on' if dark else 'toggle_off'
        shown.classes(replace='text-primary' if dark else 'text-grey-8')
        item.props(f'aria-checked={str(dark).lower()}')

    async def toggle() -> None:
        menu.close()
        dark_mode.value = not dark_mode.value
        show(bool(dark_mode.value))
        if on_dark_change:
            await _maybe_await(on_dark_change(bool(dark_mode.value)))

    show(bool(dark_mode.value))
    item.on_click(toggle)
    return item


def _menu_item(label: str, icon: str, *, role: str) -> ui.item:
    with ui.item().props(f'clickable role={role}').classes('min-h-[44px]') as item:
        with ui.item_section().props('avatar'):
            ui.icon(icon)
        with ui.item_section():
            ui.label(label)
    return item


def _signed_in_as(user_name: str) -> None:
    """Who is signed in, at the top of the drawer (on a phone the header shows only their initial)."""
    with ui.row().classes('w-full items-center flex-nowrap gap-3 px-4 pt-4 pb-2').mark('frame-drawer-user'):
        _initial(user_name, colour='primary', text='white')
        with ui.column().classes('gap-0 min-w-0'):
            ui.label('Signed in as').classes('text-xs text-grey-8')
            ui.label(user_name).classes('font-semibold truncate max-w-full')
    ui.separator().classes('mb-2')


def _initial(user_name: str, *, colour: str, text: str) -> ui.avatar:
    initial = user_name.strip()[:1].upper() or '?'
    with ui.avatar(color=colour, text_color=text, size='32px', font_size='16px').props('aria-hidden=true') as avatar:
        ui.label(initial)
    return avatar


async def _maybe_await(result: object) -> None:
    if hasattr(result, '__await__'):
        await result
