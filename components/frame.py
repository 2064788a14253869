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
NAV_LINK = 'w-full flex items-center gap-3 px-3 rounded no-underline'
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
            for item in nav_items:  # one element each: the icon is drawn by CSS (ICON_BEFORE), on every page
                ui.link(item.label, target=item.path).classes(NAV_LINK).props(f'data-icon={item.icon}')
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
    """One button (an icon, and the name where there is room) opening the viewer's menu: who is signed in, dark
    mode, their account and signing out. Every open page has it, so it is drawn with few elements (the name's
    caption by CSS: `signed-in-as`)."""
    button = ui.button(user_name, icon='account_circle').classes('account-button')
    # the name it shows is part of what it is called (WCAG 2.5.3: "click Asha Rao" works by voice too)
    button.props('flat no-caps color=white padding="xs sm" aria-haspopup=menu')
    button.props['aria-label'] = f'{ACCOUNT_MENU}, {user_name}'
    with button, ui.menu().props('anchor="bottom right" self="top right"').classes('min-w-[14rem]') as menu:
        ui.label(user_name).classes('signed-in-as font-semibold break-all px-4 pt-3 pb-2').mark('frame-user-name')
        ui.separator()
        with ui.column().classes('w-full gap-2 py-2').props('role=none'):
            _dark_mode_item(menu, dark_mode, on_dark_change)
            if any(item.path == ACCOUNT_PATH for item in nav_items):
                _menu_item('Account', 'person', role='menuitem').props(f'href={ACCOUNT_PATH}')
            _menu_item('Sign out', 'logout', role='menuitem').mark('frame-sign-out').on_click(on_sign_out)


def _dark_mode_item(menu: ui.menu, dark_mode: ui.dark_mode, on_dark_change: Callable[[bool], object] | None) -> ui.item:
    """A menu item that switches dark mode (a checkbox item to screen readers) and closes the menu."""
    item = _menu_item('Dark mode', 'dark_mode', role='menuitemcheckbox').mark('frame-dark-toggle')
    item.props('aria-label="Toggle dark mode"')

    def show(dark: bool) -> None:
        # a picture of the state at the end (a real switch inside the item would be a control inside a control)
        item.props(f'data-icon-end={"toggle_on" if dark else "toggle_off"} aria-checked={str(dark).lower()}')

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
    """Two elements (the item and its words); the icon is drawn by CSS (ICON_BEFORE): every page has this menu."""
    return ui.item(label).props(f'clickable role={role} data-icon={icon}').classes('min-h-[44px] items-center gap-4')


def _signed_in_as(user_name: str) -> None:
    """Who is signed in, with their initial, at the top of the drawer (a phone's header shows only an icon)."""
    initial = user_name.strip()[:1].upper() or '?'
    with ui.element('div').classes('who-with-initial mx-4 mt-4 mb-2 pb-2').props(f'data-initial="{initial}"'):
        ui.label(user_name).classes('signed-in-as font-semibold truncate').mark('frame-drawer-user')


async def _maybe_await(result: object) -> None:
    if hasattr(result, '__await__'):
        await result
