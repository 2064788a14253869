"""The professional's work (`/professional/...`): the inbox (accept or decline), their jobs (complete, or withdraw
with a reason before the cut-off), one request with its history, and their reviews and earnings. Cursors live in
the URL, so a list can be reloaded and Back works."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, run, ui

from components.dialogs import ask_reason, confirm
from components.earnings import earnings_panel
from components.forms import busy, notice
from components.frame import frame
from components.history import history_timeline
from components.pager import pager
from components.reviews import rating_summary, review_card
from components.work_cards import inbox_card, job_card, request_card, slot_words
from models.enums import RequestStatus, Role
from pages import professional_units as units
from pages.exports import export_button
from pages.viewer import Viewer, frame_options, guarded, require_viewer, with_query
from services import Conflict, InvalidTransition, NotFound, PermissionDenied, ServiceError, clock, requests
from services.requests import RequestPage, RequestRow

router = APIRouter(prefix='/professional')
INBOX, JOBS, REVIEWS = '/professional/inbox', '/professional/jobs', '/professional/reviews'
TABS = {'upcoming': 'Upcoming', 'past': 'Past'}


# --- the inbox ------------------------------------------------------------------------------------------------------


@router.page('/inbox', title='Inbox · Household Services')
async def inbox_page(cursor: str = '') -> RedirectResponse | None:
    viewer = await require_viewer(Role.PROFESSIONAL)
    if viewer.redirect:
        return viewer.redirect
    zone = _zone()

    @ui.refreshable
    async def inbox_requests() -> None:
        try:
            found = await run.io_bound(units.load_inbox, viewer, cursor or None)
        except ServiceError as refusal:
            _list_refused(refusal, INBOX)
            return
        if _empty(found, bool(cursor), INBOX, 'No open requests in your pincodes right now. New ones show up here.'):
            return
        for row in found.rows:
            mine = row.requested_professional_id == viewer.actor.id
            inbox_card(row, zone=zone, asked_for_me=mine, on_accept=work.accept, on_decline=work.decline)
        _pager(found, 'requests', lambda next_cursor: with_query(INBOX, cursor=next_cursor))

    work = WorkActions(viewer, inbox_requests.refresh)
    with frame('Inbox', **frame_options(viewer)):
        ui.label(
            'Requests for your service in the pincodes you serve, and requests addressed to you, soonest first. '
            'The first professional to accept gets the job.'
        ).classes('text-grey-8')
        await inbox_requests()
    return None


# --- jobs -----------------------------------------------------------------------------------------------------------


@router.page('/jobs', title='Jobs · Household Services')
async def jobs_page(show: str = 'upcoming', cursor: str = '') -> RedirectResponse | None:
    viewer = await require_viewer(Role.PROFESSIONAL)
    if viewer.redirect:
        return viewer.redirect
    show = show if show in TABS else 'upcoming'
    zone, hours = _zone(), requests.policy().cancel_cutoff_hours

    @ui.refreshable
    async def jobs() -> None:
        try:
            found = await run.io_bound(lambda: units.load_jobs(viewer, past=show == 'past', cursor=cursor or None))
        except ServiceError as refusal:
            _list_refused(refusal, with_query(JOBS, show=show))
            return
        empty = 'No completed jobs yet.' if show == 'past' else 'No upcoming jobs. Accept requests in your inbox.'
        if _empty(found, bool(cursor), with_query(JOBS, show=show), empty):
            return
        for row in found.rows:
            _job(row, zone, hours, work)
        _pager(found, 'jobs', lambda next_cursor: with_query(JOBS, show=show, cursor=next_cursor))

    work = WorkActions(viewer, jobs.refresh)
    with frame('Jobs', **frame_options(viewer)):
        with ui.tabs(value=show).classes('w-full').props('align=left no-caps') as tabs:
            for name, label in TABS.items():
                ui.tab(name, label).mark(f'jobs-tab-{name}')
        tabs.on_value_change(lambda e: ui.navigate.to(with_query(JOBS, show=e.value)))
        ui.label(_rules(show, hours)).classes('text-grey-8').mark('jobs-rules')
        export_button(viewer, label='Export my closed jobs (CSV)')
        await jobs()
    return None


def _job(row: RequestRow, zone: ZoneInfo, hours: int, work: WorkActions) -> None:
    now = clock.now()
    job_card(
        row,
        zone=zone,
        can_complete=row.scheduled_at <= now,
        can_withdraw=(row.scheduled_at - now).total_seconds() > hours * 3600,
        on_complete=work.complete,
        on_withdraw=work.withdraw,
        withdraw_rule=f'jobs can be handed back until {hours} hours before their slot.',
    )


def _rules(show: str, hours: int) -> str:
    if show == 'past':
        days = requests.policy().auto_close_days
        return (
            'Jobs you marked done, the latest first. Each closes when the customer rates it, or by itself after '
            f'{days} days.'
        )
    return (
        f'Mark a job done once its slot has started. You can withdraw from a job until {hours} hours before its '
        'slot, with a reason: the customer is told and the request goes back to other professionals.'
    )


# --- one request ----------------------------------------------------------------------------------------------------


@router.page('/requests/{request_id}', title='Request · Household Services')
async def request_page(request_id: str) -> RedirectResponse | None:
    viewer = await require_viewer(Role.PROFESSIONAL)
    if viewer.redirect:
        return viewer.redirect
    zone, hours = _zone(), requests.policy().cancel_cutoff_hours

    @ui.refreshable
    async def details() -> None:
        try:
            row, history = await run.io_bound(units.load_request, viewer, request_id)
        except ServiceError as refusal:
            notice(str(refusal)).mark('request-missing')
            return
        if row.professional_id == viewer.actor.id:
            _job(row, zone, hours, work)
        elif row.status is RequestStatus.REQUESTED and row.scheduled_at > clock.now():  # past its start: expiring
            mine = row.requested_professional_id == viewer.actor.id
            inbox_card(row, zone=zone, asked_for_me=mine, on_accept=work.accept, on_decline=work.decline)
        else:
            request_card(row, zone=zone)
        history_timeline(history, zone)

    work = WorkActions(viewer, details.refresh, leave_when_gone=True)
    with frame('Request', **frame_options(viewer)):
        with ui.row().classes('gap-4'):
            ui.link('← Inbox', INBOX).mark('back-to-inbox')
            ui.link('← Jobs', JOBS).mark('back-to-jobs')
        await details()
    return None


# --- reviews and earnings -------------------------------------------------------------------------------------------


@router.page('/reviews', title='Reviews and earnings · Household Services')
async def reviews_page(cursor: str = '') -> RedirectResponse | None:
    viewer = await require_viewer(Role.PROFESSIONAL)
    if viewer.redirect:
        return viewer.redirect
    zone = _zone()
    with frame('Reviews and earnings', **frame_options(viewer)):
        try:
            profile, months = await run.io_bound(units.load_rating_and_earnings, viewer)
        except ServiceError as refusal:
            notice(str(refusal))
            return None
        rating_summary(profile.rating_average, profile.rating_count)
        earnings_panel(months, dark=viewer.actor.prefers_dark)
        ui.label('Reviews').classes('text-lg font-semibold').props('role=heading aria-level=2')
        try:
            found = await run.io_bound(units.load_reviews, viewer, cursor or None)
        except ServiceError as refusal:
            _list_refused(refusal, REVIEWS)
            return None
        if not _empty(found, bool(cursor), REVIEWS, 'No reviews yet: customers review a job when they close it.'):
            for review in found.rows:
                review_card(review, zone)
            _pager(found, 'reviews', lambda next_cursor: with_query(REVIEWS, cursor=next_cursor))
    return None


# --- what the pages share -------------------------------------------------------------------------------------------


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
            f'{row.service_name}, {slot_words(row, _zone())}. The customer is told your reason and the request goes '
            f'back to other professionals. You can withdraw until {hours} hours before the slot.',
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


def _zone() -> ZoneInfo:
    return ZoneInfo(requests.policy().timezone)


def _empty(found: RequestPage | Any, has_cursor: bool, first_page: str, message: str) -> bool:
    """Say so when a page has no rows (a stale later page offers the first one); True when it was empty."""
    if found.rows:
        return False
    ui.label('Nothing more here.' if has_cursor else message).classes('text-grey-8').mark('list-empty')
    if has_cursor:
        ui.link('Go to the first page', first_page).mark('first-page')
    return True


def _pager(found: Any, noun: str, url: Callable[[str], str]) -> None:
    pager(
        total_label=found.total_label,
        noun=noun[:-1] if found.total == 1 else noun,
        previous_url=url(found.previous_cursor) if found.previous_cursor else None,
        next_url=url(found.next_cursor) if found.next_cursor else None,
        marker='pager',
    )


def _list_refused(refusal: ServiceError, first_page: str) -> None:
    """A stale page link offers the first page; a professional who may not work the inbox is told why."""
    notice(str(refusal)).mark('list-refused')
    if isinstance(refusal, PermissionDenied):
        ui.link('See where your approval stands', '/professional').mark('see-approval')
    elif not isinstance(refusal, NotFound):
        ui.link('Go to the first page', first_page).mark('first-page')
