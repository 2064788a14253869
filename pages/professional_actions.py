"""What the professional's work pages share: the actions on a request (accept, decline, complete, withdraw), each
re-validating the viewer and saying how it went, and how a list says it is empty, pages on or was refused."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from nicegui import run, ui

from components.dialogs import ask_reason, confirm
from components.forms import busy, notice
from components.pager import pager
from components.work_cards import slot_words
from pages import professional_units as units
from pages.viewer import Viewer, guarded
from services import Conflict, InvalidTransition, NotFound, PermissionDenied, ServiceError, requests
from services.requests import RequestPage, RequestRow

INBOX, JOBS = '/professional/inbox', '/professional/jobs'


class WorkActions:
    """Accept, decline, complete and withdraw, each re-validating the viewer, running one write unit off the event
    loop, saying how it went, and then showing the list (or request) as it is now. A refusal because someone acted
    first or time moved on is a warning, not an error."""

    def __init__(self, viewer: Viewer, refresh: Callable[[], Awaitable[Any]], *, leave_when_gone: bool = False) -> None:
        self.viewer, self.refresh, self.leave_when_gone = viewer, refresh, leave_when_gone
        self.accept = guarded(viewer)(self._accept)
        self.decline = guarded(viewer)(self._decline)
        self.complete = guarded(viewer)(self._complete)
        self.withdraw = guarded(viewer)(self._withdraw)

    async def _accept(self, row: RequestRow, button: ui.button) -> None:
        await self._run(
            button,
            'Accepted: it is in your jobs now, with the address and phone.',
            units.accept,
            row.id,
            row.updated_at,
        )

    async def _decline(self, row: RequestRow, button: ui.button) -> None:
        addressed = row.requested_professional_id == self.viewer.actor.id
        consequence = (
            'The customer is told, and the request opens to every professional who serves their pincode.'
            if addressed
            else 'It leaves your inbox; other professionals can still take it.'
        )
        if not await confirm(
            'Decline this request?', consequence, action='Decline request', marker=f'request-{row.id}-decline'
        ):
            return
        done = 'Declined: the customer was told.' if addressed else 'Declined: it left your inbox.'
        if await self._run(button, done, units.decline, row.id) and self.leave_when_gone:
            ui.navigate.to(INBOX)

    async def _complete(self, row: RequestRow, button: ui.button) -> None:
        await self._run(button, 'Marked done: the customer is asked to close it with a rating.', units.complete, row.id)

    async def _withdraw(self, row: RequestRow, button: ui.button) -> None:
        hours = requests.policy().cancel_cutoff_hours
        reason = await ask_reason(
            'Withdraw from this job?',
            f'{row.service_name}, {slot_words(row, local_zone())}. The customer is told your reason and the request '
            f'goes back to other professionals. You can withdraw until {hours} hours before the slot.',
            action='Withdraw from job',
            marker=f'request-{row.id}-withdraw',
        )
        if reason is None:
            return
        done = 'Withdrawn: the customer was told, and the request is open to other professionals again.'
        if await self._run(button, done, units.withdraw, row.id, reason) and self.leave_when_gone:
            ui.navigate.to(JOBS)

    async def _run(self, button: ui.button, done: str, unit: Callable[..., None], *args: Any) -> bool:
        with busy(button):
            try:
                await run.io_bound(unit, self.viewer, *args)
            except (Conflict, InvalidTransition) as refusal:
                ui.notify(str(refusal), type='warning', position='top', multi_line=True)
                succeeded = False
            except ServiceError as refusal:
                ui.notify(str(refusal), type='negative', position='top', multi_line=True)
                succeeded = False
            else:
                ui.notify(done, type='positive', position='top')
                succeeded = True
        await self.refresh()
        return succeeded


def local_zone() -> ZoneInfo:
    return ZoneInfo(requests.policy().timezone)


def empty_list(found: RequestPage | Any, has_cursor: bool, first_page: str, message: str) -> bool:
    """Say so when a page has no rows (a stale later page offers the first one); True when it was empty."""
    if found.rows:
        return False
    ui.label('Nothing more here.' if has_cursor else message).classes('text-grey-8').mark('list-empty')
    if has_cursor:
        ui.link('Go to the first page', first_page).mark('first-page')
    return True


def list_pager(found: Any, noun: str, url: Callable[[str], str]) -> None:
    pager(
        total_label=found.total_label,
        noun=noun[:-1] if found.total == 1 else noun,
        previous_url=url(found.previous_cursor) if found.previous_cursor else None,
        next_url=url(found.next_cursor) if found.next_cursor else None,
        marker='pager',
    )


def list_refused(refusal: ServiceError, first_page: str) -> None:
    """A stale page link offers the first page; a professional who may not work the inbox is told why."""
    notice(str(refusal)).mark('list-refused')
    if isinstance(refusal, PermissionDenied):
        ui.link('See where your approval stands', '/professional').mark('see-approval')
    elif not isinstance(refusal, NotFound):
        ui.link('Go to the first page', first_page).mark('first-page')
