"""A request's history as a timeline, oldest first: what happened, when (local time), who, and why."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from nicegui import ui

from components.typed_text import typed_text
from components.words import local_time
from models.enums import RequestStatus
from services.requests import HistoryEntry

ICONS = {
    RequestStatus.REQUESTED: 'schedule',
    RequestStatus.ASSIGNED: 'engineering',
    RequestStatus.COMPLETED: 'task_alt',
    RequestStatus.CLOSED: 'star',
    RequestStatus.CANCELLED: 'cancel',
    RequestStatus.EXPIRED: 'timer_off',
}


def history_timeline(history: tuple[HistoryEntry, ...], zone: ZoneInfo) -> None:
    """A heading, then each step as a list item (marked `history-entry`), or a line saying there are none."""
    ui.label('History').classes('text-lg font-semibold').props('role=heading aria-level=2')
    if not history:
        ui.label('No recorded changes.').classes('text-grey-8').mark('history-empty')
        return
    with ui.element('ol').classes('w-full border-l-2 border-primary pl-4 gap-3 flex flex-col').mark('request-history'):
        for entry in history:
            with ui.element('li').classes('flex gap-3 items-start').mark('history-entry'):
                ui.icon(ICONS.get(entry.status_after, 'edit')).classes('text-primary text-xl')
                with ui.column().classes('gap-0'):
                    ui.label(entry.what).classes('font-medium')
                    ui.label(f'{local_time(entry.occurred_at, zone)} · {entry.who}').classes('text-sm text-grey-8')
                    if entry.reason:
                        typed_text(f'Reason: {entry.reason}').classes('text-sm')
