"""Every request for admins (`/admin/requests`): filters and cursor pages kept in the URL, and one request's page
(`/admin/requests/{id}`) with its full history and the admin cancel."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, run, ui

from components.dialogs import ask_reason
from components.facts import fact, fact_term, facts
from components.filters import filter_card, known, service_options, show_refusal
from components.forms import NOT_MINE, notice
from components.frame import frame
from components.history import history_timeline
from components.live import HIGHLIGHT_SECONDS, announce, plural
from components.pager import pager
from components.requests import STATUS_WORDS, fade, request_list_table
from components.words import local_time
from models.enums import OPEN_STATUSES, RequestStatus, Role
from pages import live
from pages.exports import export_button
from pages.viewer import Viewer, frame_options, guarded, require_viewer, with_query
from services import NotFound, ServiceError, catalog, format_money, requests, session_scope, to_id
from services.catalog import ServiceRow
from services.requests import HistoryEntry, RequestPage, RequestRow

router = APIRouter(prefix='/admin')
LIST_PATH = '/admin/requests'
SORTS = {'scheduled': 'Slot, newest first', 'booked': 'Booked, newest first'}
FILTER_FIELDS = ('status', 'service_id', 'pincode', 'date_from', 'date_to', 'customer', 'professional', 'sort')


@dataclass(frozen=True, slots=True)
class Filters:
    """The list's filters as they came in the URL (validated by the service layer, not here)."""

    status: str = ''
    service_id: str = ''
    pincode: str = ''
    date_from: str = ''
    date_to: str = ''
    customer: str = ''
    professional: str = ''
    sort: str = 'scheduled'

    def query(self, **extra: str | None) -> dict[str, str | None]:
        values = {name: getattr(self, name) for name in FILTER_FIELDS}
        if values['sort'] == 'scheduled':
            values['sort'] = ''  # the default needs no place in the URL
        return values | extra


@router.page('/requests', title='Requests · Household Services')
async def requests_page(
    status: str = '',
    service_id: str = '',
    pincode: str = '',
    date_from: str = '',
    date_to: str = '',
    customer: str = '',
    professional: str = '',
    sort: str = 'scheduled',
    cursor: str = '',
) -> RedirectResponse | None:
    viewer = await require_viewer(Role.ADMIN)
    if viewer.redirect:
        return viewer.redirect
    given = (status, service_id, pincode, date_from, date_to, customer, professional, sort)
    filters = Filters(*(value.strip() for value in given))
    services, found, refusal, timezone = await run.io_bound(_load_list, viewer, filters, cursor or None)
    with frame('Requests', **frame_options(viewer)):
        inputs = _filter_form(filters, services, fold=refusal is None)  # a refused filter is shown to be fixed
        if refusal is not None:
            first_page = with_query(LIST_PATH, **filters.query())
            show_refusal(inputs, refusal, first_page_url=first_page, first_page_marker='first-page', noun='requests')
        elif found is not None:
            kept = {name: getattr(filters, name) for name in FILTER_FIELDS if name != 'status'}
            export_button(viewer, kept, label='Export closed requests (CSV)')
            LiveResults(viewer, filters, cursor or None, timezone).show(found)
    return None


class LiveResults:
    """The list as it is now: once per burst of request changes it is loaded again with the same filters and page
    (a request that now matches appears, one that no longer does leaves), the new and changed rows are highlighted
    for a moment, and screen readers hear how many are new."""

    def __init__(self, viewer: Viewer, filters: Filters, cursor: str | None, timezone: str) -> None:
        self.viewer, self.filters, self.cursor, self.timezone = viewer, filters, cursor, timezone
        self.shown: dict[int, RequestRow] = {}
        self.container = ui.column().classes('w-full gap-2')
        live.follow(requests.EVENT_NAMES, self.reload)

    def show(self, found: RequestPage, fresh: set[int] | frozenset[int] = frozenset()) -> ui.element:
        self.container.clear()
        with self.container:
            table = _results(found, self.filters, self.timezone, fresh)
        self.shown = {row.id: row for row in found.rows}
        return table

    async def reload(self) -> None:
        try:
            found = await run.io_bound(_load_page, self.viewer, self.filters, self.cursor)
        except ServiceError:  # e.g. the cursor's page is gone: the next reload by the user says so
            return
        fresh = {row.id for row in found.rows if self.shown.get(row.id) != row}
        new = fresh - self.shown.keys()
        table = self.show(found, fresh)
        if new:
            announce(plural(len(new), 'new request'))
        elif fresh:
            announce(f'{plural(len(fresh), "request")} changed')
        if fresh and isinstance(table, ui.table):
            ui.timer(HIGHLIGHT_SECONDS, lambda: fade(table), once=True)


def _load_list(
    viewer: Viewer, filters: Filters, cursor: str | None
) -> tuple[list[ServiceRow], RequestPage | None, ServiceError | None, str]:
    with session_scope() as session:
        services = catalog.list_services(session, viewer.actor, include_retired=True)
        timezone = requests.policy().timezone
        try:
            found = _load_page(viewer, filters, cursor)
        except ServiceError as refusal:
            return services, None, refusal, timezone
        return services, found, None, timezone


def _load_page(viewer: Viewer, filters: Filters, cursor: str | None) -> RequestPage:
    with session_scope() as session:
        fields = {name: getattr(filters, name) for name in FILTER_FIELDS}
        return requests.list_all_requests(session, viewer.actor, cursor=cursor, **fields)


def _filter_form(filters: Filters, services: list[ServiceRow], *, fold: bool) -> dict[str, ui.element]:
    statuses = {'': 'Any status'} | {status.value: STATUS_WORDS[status] for status in RequestStatus}
    offered = service_options(services)
    return filter_card(
        lambda: {
            'status': ui.select(statuses, value=known(filters.status, statuses), label='Status'),
            'service_id': ui.select(offered, value=known(filters.service_id, offered), label='Service'),
            'pincode': ui.input('Pincode', value=filters.pincode).props(f'{NOT_MINE} inputmode=numeric maxlength=6'),
            'sort': ui.select(SORTS, value=known(filters.sort, SORTS) or 'scheduled', label='Order'),
            'date_from': ui.input('From (date)', value=filters.date_from).props('type=date stack-label'),
            'date_to': ui.input('To (date)', value=filters.date_to).props('type=date stack-label'),
            'customer': ui.input('Customer name or email', value=filters.customer).props(f'{NOT_MINE} maxlength=100'),
            'professional': ui.input('Professional name or email', value=filters.professional).props(
                f'{NOT_MINE} maxlength=100'
            ),
        },
        to_url=_filters_url,
        clear_url=LIST_PATH,
        marker='filter',
        apply_text='Apply filters',
        apply_icon='filter_alt',
        columns=4,
        fold=fold,
        defaults={'sort': 'scheduled'},
    )


def _filters_url(values: dict[str, str]) -> str:
    sort = '' if values['sort'] == 'scheduled' else values['sort']  # the default needs no place in the URL
    return with_query(LIST_PATH, **{**values, 'sort': sort})


def _results(found: RequestPage, filters: Filters, timezone: str, fresh: set[int] | frozenset[int]) -> ui.element:
    pager(
        total_label=found.total_label,
        noun='requests',
        previous_url=_page_url(filters, found.previous_cursor),
        next_url=_page_url(filters, found.next_cursor),
        marker='requests-pager',
    )
    return request_list_table(
        found.rows,
        timezone=timezone,
        empty='No request matches these filters.' if any(filters.query().values()) else 'No requests yet.',
        marker='requests-table',
        show_booked=filters.sort == 'booked',
        fresh=fresh,
    )


def _page_url(filters: Filters, cursor: str | None) -> str | None:
    return with_query(LIST_PATH, **filters.query(cursor=cursor)) if cursor else None


# --- one request --------------------------------------------------------------------------------------------------


@router.page('/requests/{request_id}', title='Request · Household Services')
async def request_page(request_id: str) -> RedirectResponse | None:
    viewer = await require_viewer(Role.ADMIN)
    if viewer.redirect:
        return viewer.redirect
    with frame('Request', **frame_options(viewer)):
        ui.link('← All requests', LIST_PATH).mark('back-to-requests')

        @ui.refreshable
        @live.newest_only
        async def details() -> None:
            try:
                request, history, timezone = await run.io_bound(_load_request, viewer, request_id)
            except NotFound as missing:
                notice(str(missing))
                return
            _summary(request, timezone)
            if request.status in OPEN_STATUSES:
                ui.button('Cancel this request', icon='cancel', on_click=lambda: cancel(request)).props(
                    'color=negative outline no-caps'
                ).mark('request-cancel')
            history_timeline(history, ZoneInfo(timezone))

        @guarded(viewer)
        async def cancel(request: RequestRow) -> None:
            reason = await ask_reason(
                'Cancel this request?',
                f'{request.service_name} for {request.customer_name}. The customer'
                + (' and the professional' if request.professional_id else '')
                + ' will be told, with your reason.',
                action='Cancel request',
                marker='cancel',
            )
            if reason is None:
                return
            try:
                await run.io_bound(_admin_cancel, viewer, request.id, reason)
            except ServiceError as refusal:
                ui.notify(str(refusal), type='negative')
            else:
                ui.notify('The request was cancelled; the people concerned were told.', type='positive')
            details.refresh()

        await details()
        live.follow(requests.EVENT_NAMES, details.refresh, wanted=lambda data: _is(data, request_id))
    return None


def _is(data: dict, request_id: str) -> bool:
    """Whether an event is about the request this page shows."""
    return str(data.get('request_id')) == request_id


def _load_request(viewer: Viewer, request_id: str) -> tuple[RequestRow, tuple[HistoryEntry, ...], str]:
    with session_scope() as session:
        request = requests.get_request(session, viewer.actor, request_id=to_id(request_id))
        history = requests.request_history(session, viewer.actor, request_id=request.id)
        return request, history, requests.policy().timezone


def _admin_cancel(viewer: Viewer, request_id: int, reason: str) -> None:
    with session_scope(write=True) as session:
        requests.admin_cancel(session, viewer.actor, request_id=request_id, reason=reason)


def _summary(request: RequestRow, timezone: str) -> None:
    zone = ZoneInfo(timezone)
    with ui.card().classes('w-full').props('flat bordered').mark('request-summary'):
        with ui.row().classes('w-full items-center gap-3'):
            ui.label(request.service_name).classes('text-xl font-semibold').props('role=heading aria-level=2')
            ui.badge(STATUS_WORDS[request.status]).props('outline').mark('request-status')
        with facts(term_width='12rem'):
            fact('Slot', f'{local_time(request.scheduled_at, zone)} to {request.ends_at.astimezone(zone):%H:%M}')
            fact('Booked', local_time(request.date_of_request, zone))
            fact('Address', f'{request.address} ({request.pincode})')
            fact('Price', format_money(request.price))
            _person('Customer', request.customer_name, request.customer_phone, request.customer_id)
            if request.professional_id:
                _person('Professional', request.professional_name, request.professional_phone, request.professional_id)
            elif request.requested_professional_id:
                _person('Asked for', request.requested_professional_name, '', request.requested_professional_id)
            else:
                fact('Professional', 'nobody has accepted yet')
            if request.remarks:
                fact('Remarks', request.remarks)
            if request.cancel_reason:
                fact('Cancel reason', request.cancel_reason)
            if request.date_of_completion:
                fact('Completed', local_time(request.date_of_completion, zone))
            if request.rating:
                fact(
                    'Review', f'{request.rating}/5' + (f' · {request.review_remarks}' if request.review_remarks else '')
                )


def _person(term: str, name: str, phone: str, user_id: int | None) -> None:
    fact_term(term)
    with ui.element('dd').classes('flex gap-2 items-center'):
        if user_id:
            ui.link(name, f'/admin/users/{user_id}')
        else:
            ui.label(name)
        if phone:
            ui.link(phone, f'tel:{phone}').classes('text-grey-8')
