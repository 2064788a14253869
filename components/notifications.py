"""Notifications in the UI: the header's bell with the unread count, and the list of one user's notifications."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from nicegui import ElementFilter, ui

from components.words import local_time
from services.messaging import NotificationRow

BELL_MARKER = 'frame-notifications'


def bell_words(unread: int) -> str:
    """What the bell is called to a screen reader: 'Notifications, 3 unread'."""
    return f'Notifications, {unread} unread' if unread else 'Notifications, none unread'


def notification_bell(unread: int) -> ui.button:
    """A link to /notifications in the header, the unread count on it as a badge (hidden at 0)."""
    with ui.button(icon='notifications').props('flat round color=white href=/notifications') as bell:
        ui.badge(color='red-9').props('floating aria-hidden=true').mark('frame-unread-count')
    bell.mark(BELL_MARKER)
    show_unread(unread, bells=[bell])
    return bell


def show_unread(unread: int, *, bells: list[ui.element] | None = None) -> None:
    """Put a new unread count on the bell(s) of the current page, e.g. after marking some read."""
    for bell in bells if bells is not None else list(ElementFilter(marker=BELL_MARKER)):
        bell.props['aria-label'] = bell.props['title'] = bell_words(unread)
        for badge in bell.default_slot.children:
            if isinstance(badge, ui.badge):
                badge.set_text('99+' if unread > 99 else str(unread))  # noqa: PLR2004 (a badge has room for 3)
                badge.set_visibility(unread > 0)


def notification_list(
    rows: list[NotificationRow],
    *,
    zone: ZoneInfo,
    link_for: Callable[[NotificationRow], str | None],
    on_read: Callable[[int], object],
) -> None:
    """Newest first; an unread one is bold, says so, and has its own Mark read button."""
    with ui.element('ul').classes('w-full flex flex-col gap-2 p-0 m-0').mark('notification-list'):
        for row in rows:
            _item(row, zone=zone, href=link_for(row), on_read=on_read)


def _item(row: NotificationRow, *, zone: ZoneInfo, href: str | None, on_read: Callable[[int], object]) -> None:
    state = 'read' if row.is_read else 'unread'
    with ui.element('li').classes('w-full list-none').mark(f'notification-{row.id} notification-{state}'):
        with (
            ui.card()
            .classes('w-full gap-1' + ('' if row.is_read else ' border-l-4 border-primary'))
            .props('flat bordered')
        ):
            with ui.row().classes('w-full items-start justify-between gap-2 no-wrap'):
                with ui.column().classes('gap-1 min-w-0'):
                    if not row.is_read:
                        ui.badge('Unread', color='primary').classes('text-xs').mark('notification-unread-badge')
                    ui.label(row.message).classes('break-words' + ('' if row.is_read else ' font-semibold'))
                    ui.label(local_time(row.created_at, zone)).classes('text-sm text-grey-8')
                if not row.is_read:
                    button = ui.button('Mark read', on_click=lambda: on_read(row.id)).props('flat dense no-caps')
                    button.props['aria-label'] = f'Mark read: {row.message[:80]}'  # as a value: never parsed
                    button.mark(f'notification-{row.id}-read')
            if href:
                ui.link('Open the request', href).classes('text-primary').mark(f'notification-{row.id}-link')


def focus(key: str) -> None:
    """Put the keyboard focus on the element with `data-focus=key` (and tabindex=-1): after a refresh the button
    that was pressed is gone, and the focus would fall back to the top of the page."""
    # by attribute, a moment later: the refreshed content (with new element ids) is drawn after this handler ends
    ui.run_javascript(f'setTimeout(() => document.querySelector(\'[data-focus="{key}"]\')?.focus(), 100)')
