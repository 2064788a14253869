"""The page frame every signed-in page sits in: header, navigation, the viewer's name, dark mode, sign-out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from nicegui import ui

from components.live import announcer, live_indicator
from components.notifications import notification_bell
from components.theme import theme


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

    async def toggle_dark() -> None:
        dark_mode.value = not dark_mode.value
        if on_dark_change:
            await _maybe_await(on_dark_change(bool(dark_mode.value)))

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
        ui.label(user_name).classes('text-sm truncate max-w-[40vw]').mark('frame-user-name')
        ui.button(icon='dark_mode', on_click=toggle_dark).props(
            'flat round color=white aria-label="Toggle dark mode"'
        ).mark('frame-dark-toggle')
        with ui.button(icon='logout', on_click=on_sign_out).props('flat color=white aria-label="Sign out"') as sign_out:
            ui.label('Sign out').classes('ml-2 max-sm:hidden')
        sign_out.mark('frame-sign-out')
    # value=None: open beside the content on wide screens, closed (behind the menu button) on phones
    with ui.left_drawer(value=None, bordered=True).props('width=220 breakpoint=800') as drawer:
        with ui.column().classes('w-full gap-1 pt-2').props('role=navigation aria-label="Main"'):
            for item in nav_items:
                with ui.link(target=item.path).classes('flex items-center gap-3 px-3 py-2 rounded no-underline'):
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
    with ui.column().classes('w-full items-center p-4'):
        ui.label('Household Services').classes('text-3xl font-bold text-primary mt-6')
        ui.label('Trusted professionals for every job at home').classes('text-grey-7 mb-4')
        with ui.card().classes('w-full max-w-md p-6 gap-3') as card:
            ui.label(title).classes('text-xl font-semibold').props('role=heading aria-level=1')
            yield card


async def _maybe_await(result: object) -> None:
    if hasattr(result, '__await__'):
        await result
