"""The viewer's active sessions as a list: which device, from where, since when, and a sign-out for the others."""

from __future__ import annotations

import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

from nicegui import ui

from components.words import local_time
from services.identity import SessionRow

BROWSERS = (('Edg/', 'Edge'), ('OPR/', 'Opera'), ('Firefox/', 'Firefox'), ('Chrome/', 'Chrome'), ('Safari/', 'Safari'))
SYSTEMS = (
    ('Android', 'Android'),
    ('iPhone', 'iPhone'),
    ('iPad', 'iPad'),
    ('Windows', 'Windows'),
    ('Mac OS X', 'macOS'),
    ('CrOS', 'ChromeOS'),
    ('Linux', 'Linux'),
)


def device_words(user_agent: str) -> str:
    """'Chrome on Android' from a browser's user agent; 'Unknown device' when it says nothing we know."""
    browser = next((name for token, name in BROWSERS if token in user_agent), '')
    system = next((name for token, name in SYSTEMS if re.search(rf'\b{re.escape(token)}', user_agent)), '')
    if browser and system:
        return f'{browser} on {system}'
    return browser or system or 'Unknown device'


def session_list(rows: list[SessionRow], *, zone: ZoneInfo, on_sign_out: Callable[[int], object]) -> None:
    """This device first (marked, no button), then the others, each with its own labelled Sign out button."""
    with ui.element('ul').classes('w-full flex flex-col gap-2 p-0 m-0').mark('session-list'):
        for row in rows:
            _item(row, zone=zone, on_sign_out=on_sign_out)


def _item(row: SessionRow, *, zone: ZoneInfo, on_sign_out: Callable[[int], object]) -> None:
    device = device_words(row.user_agent)
    with ui.element('li').classes('w-full list-none').mark(f'session-{row.id}'):
        with ui.card().props('flat bordered').classes('w-full p-3'), ui.row().classes('w-full items-center gap-2'):
            with ui.column().classes('gap-0 min-w-0 grow'):
                with ui.row().classes('items-center gap-2'):
                    label = ui.label(device).classes('font-medium')
                    label.props['title'] = row.user_agent  # the whole user agent on hover; a value, never parsed
                    if row.is_current:
                        ui.badge('This device', color='primary').mark('session-this-device')
                ui.label(f'From {row.client_ip or "an unknown address"}').classes('text-sm text-grey-8')
                ui.label(f'Signed in {local_time(row.created_at, zone)}').classes('text-sm text-grey-8')
                ui.label(f'Last seen {local_time(row.last_seen_at, zone)}').classes('text-sm text-grey-8')
            if not row.is_current:
                button = ui.button('Sign out', on_click=lambda: on_sign_out(row.id)).props('outline no-caps')
                button.props['aria-label'] = f'Sign out {device}, last seen {local_time(row.last_seen_at, zone)}'
                button.mark(f'session-{row.id}-sign-out')
