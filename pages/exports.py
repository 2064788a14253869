"""Exports: `/exports` lists mine (admins and professionals) with live progress; `GET /exports/{id}` streams a finished
file to its owner only, as an attachment, never cached; `export_button` is the Export button of the admin's requests
list and the professional's jobs page. Progress arrives as committed events through the live hub, not by polling."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi.responses import FileResponse, RedirectResponse, Response
from nicegui import APIRouter, run, ui

from components.exports import ExportProgress
from components.frame import frame
from models.enums import ExportState, Role
from pages.documents import PROTECTIVE_HEADERS, content_disposition, not_found
from pages.live import on_event
from pages.viewer import Viewer, frame_options, guarded, login_path, require_viewer, route_actor
from services import Actor, ServiceError, exports, requests, session_scope
from services.exports import ExportFile, ExportRow

router = APIRouter()
EXPORTERS = (Role.ADMIN, Role.PROFESSIONAL)


@router.page('/exports', title='Exports · Household Services')
async def exports_page() -> RedirectResponse | None:
    viewer = await require_viewer(*EXPORTERS)
    if viewer.redirect:
        return viewer.redirect
    mine = await run.io_bound(_list, viewer.actor)
    with frame('Exports', **frame_options(viewer)):
        ui.label(
            'CSV files of closed requests you asked for. They open in any spreadsheet and are kept for 7 days; only '
            'you can download yours.'
        ).classes('text-grey-8')
        cards = ExportCards(viewer)
        if not mine:
            where = 'the requests list' if viewer.actor.role is Role.ADMIN else 'your Jobs page'
            ui.label(f'No exports yet. Start one from {where}.').mark('exports-empty')
        for row in mine:
            cards.add(row)
    return None


@router.get('/exports/{export_id}')
async def export_download(export_id: str) -> Response:
    """The owner gets the file as an attachment; someone not signed in signs in first; everyone else: not found."""
    actor = await route_actor()
    if actor is None:
        return RedirectResponse(login_path(f'/exports/{quote(export_id, safe="")}'), headers=PROTECTIVE_HEADERS)
    try:
        found = await run.io_bound(_file, actor, export_id)
    except ServiceError:
        return not_found()
    disposition = content_disposition(found.download_name, 'attachment')
    return FileResponse(
        found.path,
        media_type='text/csv; charset=utf-8',
        headers={**PROTECTIVE_HEADERS, 'Content-Disposition': disposition},
    )


class ExportCards:
    """The export cards of one page, each moved on by the events of its export (this viewer's only)."""

    def __init__(self, viewer: Viewer) -> None:
        self._viewer, self._cards = viewer, dict[int, ExportProgress]()
        self._column = ui.column().classes('w-full gap-3').mark('exports')
        on_event(exports.CHANGED_EVENT, self._changed)

    def add(self, row: ExportRow, *, first: bool = False) -> None:
        with self._column:
            card = ExportProgress(row, _zone(), on_retry=guarded(self._viewer)(self._retry))
        if first:  # the newest on top
            self._column.default_slot.children[-1].move(self._column, target_index=0)
        self._cards[row.id] = card

    async def _changed(self, data: dict[str, Any]) -> None:
        card = self._cards.get(data.get('export_id'))
        if card is None:
            return
        state = ExportState(data['state'])
        if state is ExportState.RUNNING:
            card.show(state, data.get('rows_done') or 0, data.get('rows_total'))
            return
        row = await run.io_bound(_get, self._viewer.actor, card.export_id)  # size, error: from the record
        card.show(row.state, row.rows_done, row.rows_total, size=row.size, error=row.error)

    async def _retry(self, export_id: int) -> None:
        try:
            row = await run.io_bound(_retry, self._viewer.actor, export_id)
        except ServiceError as error:
            ui.notify(str(error), type='negative')
            return
        self._cards[export_id].show(row.state, row.rows_done, row.rows_total)


def export_button(viewer: Viewer, filters: dict[str, Any] | None = None, *, label: str) -> None:
    """Export closed requests (an admin's with `filters`, a professional's own): the export's card appears under
    the button and moves on live; the file is also listed on /exports."""

    @guarded(viewer)
    async def start() -> None:
        try:
            row = await run.io_bound(_create, viewer.actor, filters or {})
        except ServiceError as error:
            ui.notify(str(error), type='negative')
            return
        cards.add(row, first=True)
        ui.notify('Export started. It is listed on Exports too, and you get an email when it is ready.')

    with ui.row().classes('items-center gap-3'):
        ui.button(label, icon='file_download', on_click=start).props('outline').mark('export-start')
        ui.link('My exports', '/exports').classes('text-sm')
    cards = ExportCards(viewer)


def _zone() -> ZoneInfo:
    return ZoneInfo(requests.policy().timezone)


def _list(actor: Actor) -> tuple[ExportRow, ...]:
    with session_scope() as session:
        return exports.list_exports(session, actor)


def _get(actor: Actor, export_id: int) -> ExportRow:
    with session_scope() as session:
        return exports.get_export(session, actor, export_id=export_id)


def _file(actor: Actor, export_id: str) -> ExportFile:
    with session_scope() as session:
        return exports.export_file(session, actor, export_id=export_id)


def _create(actor: Actor, filters: dict[str, Any]) -> ExportRow:
    with session_scope(write=True) as session:
        return exports.create_export(session, actor, filters=filters)


def _retry(actor: Actor, export_id: int) -> ExportRow:
    with session_scope(write=True) as session:
        return exports.retry_export(session, actor, export_id=export_id)
