"""The professional's work (`/professional/...`): the inbox (accept or decline), their jobs (complete, or withdraw
with a reason before the cut-off), one request with its history, and their reviews and earnings. Cursors live in
the URL, so a list can be reloaded and Back works."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, run, ui

from components.earnings import earnings_panel
from components.forms import notice
from components.frame import frame
from components.history import history_timeline
from components.live import announce, plural
from components.reviews import rating_summary, review_card
from components.work_cards import inbox_card, job_card, request_card
from models.enums import RequestStatus, Role
from pages import live
from pages import professional_units as units
from pages.exports import export_button
from pages.professional_actions import WorkActions, empty_list, list_pager, list_refused, local_zone
from pages.viewer import frame_options, require_viewer, with_query
from services import ServiceError, clock, requests
from services.requests import RequestRow

router = APIRouter(prefix='/professional')
INBOX, JOBS, REVIEWS = '/professional/inbox', '/professional/jobs', '/professional/reviews'
TABS = {'upcoming': 'Upcoming', 'past': 'Past'}


# --- the inbox ------------------------------------------------------------------------------------------------------


@router.page('/inbox', title='Inbox · Household Services')
async def inbox_page(cursor: str = '') -> RedirectResponse | None:
    viewer = await require_viewer(Role.PROFESSIONAL)
    if viewer.redirect:
        return viewer.redirect
    zone, shown, me = local_zone(), live.ShownRows(), viewer.actor.id

    @ui.refreshable
    @live.newest_only
    async def inbox_requests() -> None:
        try:
            found = await run.io_bound(units.load_inbox, viewer, cursor or None)
        except ServiceError as refusal:
            list_refused(refusal, INBOX)
            return
        if new := shown.update({row.id for row in found.rows}):
            announce(plural(len(new), 'new request'))
        if empty_list(
            found, bool(cursor), INBOX, 'No open requests in your pincodes right now. New ones show up here.'
        ):
            return
        for row in found.rows:
            mine = row.requested_professional_id == viewer.actor.id
            inbox_card(row, zone=zone, asked_for_me=mine, on_accept=work.accept, on_decline=work.decline)
        list_pager(found, 'requests', lambda next_cursor: with_query(INBOX, cursor=next_cursor))

    work = WorkActions(viewer, inbox_requests.refresh)
    with frame('Inbox', **frame_options(viewer)):
        ui.label(
            'Requests for your service in the pincodes you serve, and requests addressed to you, soonest first. '
            'The first professional to accept gets the job.'
        ).classes('text-grey-8')
        await inbox_requests()
    service_id = await run.io_bound(units.service_of, viewer)

    def may_change_the_inbox(data: dict[str, Any]) -> bool:
        ids = (data.get('professional_id'), data.get('requested_professional_id'))
        return data.get('service_id') == service_id or data.get('request_id') in shown or me in ids

    def taken_by_another(data: dict[str, Any]) -> None:
        if data.get('request_id') in shown and data.get('professional_id') != me:
            ui.notify('Another professional accepted a request in your inbox: it has left the list.', position='top')

    live.on_event('request.accepted', taken_by_another)
    live.follow(requests.EVENT_NAMES, inbox_requests.refresh, wanted=may_change_the_inbox)
    return None


# --- jobs -----------------------------------------------------------------------------------------------------------


@router.page('/jobs', title='Jobs · Household Services')
async def jobs_page(show: str = 'upcoming', cursor: str = '') -> RedirectResponse | None:
    viewer = await require_viewer(Role.PROFESSIONAL)
    if viewer.redirect:
        return viewer.redirect
    show = show if show in TABS else 'upcoming'
    zone, hours, shown, me = local_zone(), requests.policy().cancel_cutoff_hours, live.ShownRows(), viewer.actor.id

    @ui.refreshable
    @live.newest_only
    async def jobs() -> None:
        try:
            found = await run.io_bound(lambda: units.load_jobs(viewer, past=show == 'past', cursor=cursor or None))
        except ServiceError as refusal:
            list_refused(refusal, with_query(JOBS, show=show))
            return
        if new := shown.update({row.id for row in found.rows}):
            announce(plural(len(new), 'new job'))
        empty = 'No completed jobs yet.' if show == 'past' else 'No upcoming jobs. Accept requests in your inbox.'
        if empty_list(found, bool(cursor), with_query(JOBS, show=show), empty):
            return
        for row in found.rows:
            _job(row, zone, hours, work)
        list_pager(found, 'jobs', lambda next_cursor: with_query(JOBS, show=show, cursor=next_cursor))

    work = WorkActions(viewer, jobs.refresh)
    with frame('Jobs', **frame_options(viewer)):
        with ui.tabs(value=show).classes('w-full').props('align=left no-caps') as tabs:
            for name, label in TABS.items():
                ui.tab(name, label).mark(f'jobs-tab-{name}')
        tabs.on_value_change(lambda e: ui.navigate.to(with_query(JOBS, show=e.value)))
        ui.label(_rules(show, hours)).classes('text-grey-8').mark('jobs-rules')
        export_button(viewer, label='Export my closed jobs (CSV)')
        await jobs()
    live.follow(
        requests.EVENT_NAMES,
        jobs.refresh,
        wanted=lambda data: data.get('professional_id') == me or data.get('request_id') in shown,
    )
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
    zone, hours = local_zone(), requests.policy().cancel_cutoff_hours

    @ui.refreshable
    @live.newest_only
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
    live.follow(requests.EVENT_NAMES, details.refresh, wanted=lambda data: str(data.get('request_id')) == request_id)
    return None


# --- reviews and earnings -------------------------------------------------------------------------------------------


@router.page('/reviews', title='Reviews and earnings · Household Services')
async def reviews_page(cursor: str = '') -> RedirectResponse | None:
    viewer = await require_viewer(Role.PROFESSIONAL)
    if viewer.redirect:
        return viewer.redirect
    zone = local_zone()
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
            list_refused(refusal, REVIEWS)
            return None
        if not empty_list(found, bool(cursor), REVIEWS, 'No reviews yet: customers review a job when they close it.'):
            for review in found.rows:
                review_card(review, zone)
            list_pager(found, 'reviews', lambda next_cursor: with_query(REVIEWS, cursor=next_cursor))
    return None
