"""An export as its owner watches it: what it holds, a progress bar with rows done of total while it runs (moved on
by live events, announced to screen readers), then the download link, or the error and Retry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from nicegui import ui

from components.words import local_time
from models.enums import ExportState
from services.exports import ExportRow

STATE_COLOURS = {
    ExportState.QUEUED: 'grey-8',
    ExportState.RUNNING: 'primary',
    ExportState.DONE: 'positive',
    ExportState.FAILED: 'negative',
}


def size_words(size: int | None) -> str:
    if size is None:
        return ''
    if size < 1024 * 1024:
        return f'{max(1, round(size / 1024))} KB'
    return f'{size / (1024 * 1024):.1f} MB'


def progress_words(state: ExportState, rows_done: int, rows_total: int | None, size: int | None = None) -> str:
    if state is ExportState.QUEUED:
        return 'Waiting to start…'
    if state is ExportState.RUNNING:
        if not rows_total:
            return 'Counting the rows…'
        return f'Writing {rows_done:,} of {rows_total:,} rows ({100 * rows_done // rows_total}%)'
    if state is ExportState.DONE:
        return f'Ready: {rows_done:,} rows' + (f', {size_words(size)}' if size is not None else '')
    return 'Failed'


class ExportProgress:
    """One export's card. `show(...)` moves it on (called from the page's event subscription)."""

    def __init__(self, row: ExportRow, zone: ZoneInfo, *, on_retry: Callable[[int], Any]) -> None:
        self.export_id, self._on_retry = row.id, on_retry
        with ui.card().classes('w-full gap-2').mark(f'export-{row.id}'):
            with ui.row().classes('w-full items-center justify-between gap-2'):
                ui.label(row.description).classes('font-semibold')
                ui.label(f'Asked for {local_time(row.created_at, zone)}').classes('text-sm text-grey-7')
            self._bar = ui.linear_progress(value=0, show_value=False).props('rounded size=10px').mark('export-bar')
            self._words = ui.label().props('aria-live=polite role=status').mark('export-state')
            self._actions = ui.row().classes('items-center gap-3')
        self.show(row.state, row.rows_done, row.rows_total, size=row.size, error=row.error)

    def show(
        self, state: ExportState, rows_done: int, rows_total: int | None, *, size: int | None = None, error: str = ''
    ) -> None:
        done = state is ExportState.DONE
        self._bar.value = 1.0 if done else (min(1.0, rows_done / rows_total) if rows_total else 0.0)
        self._bar.props(f'color={STATE_COLOURS[state]}')
        self._words.text = (
            error if state is ExportState.FAILED and error else progress_words(state, rows_done, rows_total, size)
        )
        self._words.classes(replace='text-negative' if state is ExportState.FAILED else 'text-grey-9')
        self._actions.clear()
        with self._actions:
            if done:
                ui.button('Download CSV', icon='download').props(f'href=/exports/{self.export_id} unelevated').mark(
                    'export-download'
                )
            elif state is ExportState.FAILED:
                ui.button('Retry', icon='refresh', on_click=lambda: self._on_retry(self.export_id)).props(
                    'outline'
                ).mark('export-retry')
