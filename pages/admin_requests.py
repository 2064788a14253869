"""Every request for admins (`/admin/requests`): filters and cursor pages kept in the URL, and one request's page
(`/admin/requests/{id}`) with its full history and the admin cancel."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, run, ui

from components.dialogs import ask_reason
from components.forms import notice, show_field_error
from components.frame import frame
from components.pager import pager
from components.requests import STATUS_WORDS, local_time, request_list_table
from models.enums import OPEN_STATUSES, RequestStatus, Role
from pages.viewer import Viewer, frame_options, guarded, require_viewer, with_query
from services import NotFound, ServiceError, catalog, service_requests, session_scope
from services.views import HistoryEntry, RequestPage, RequestRow, ServiceRow, format_money

router = APIRouter(prefix='/admin')
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
        inputs = _filter_form(filters, services)
        if refusal is not None:
            _show_refusal(inputs, refusal, filters)
        elif found is not None:
            _results(found, filters, timezone)
    return None


def _load_list(
    viewer: Viewer, filters: Filters, cursor: str | None
) -> tuple[list[ServiceRow], RequestPage | None, ServiceError | None, str]:
    with session_scope() as session:
        services = catalog.list_services(session, viewer.actor, include_retired=True)
        timezone = service_requests.policy().timezone
        try:
            fields = {name: getattr(filters, name) for name in FILTER_FIELDS}
            found = service_requests.list_all_requests(session, viewer.actor, cursor=cursor, **fields)
        except ServiceError as refusal:
            return services, None, refusal, timezone
        return services, found, None, timezone


def _filter_form(filters: Filters, services: list[ServiceRow]) -> dict[str, ui.element]:
    status_options = {'': 'Any status'} | {status.value: STATUS_WORDS[status] for status in RequestStatus}
    service_options = {'': 'Any service'} | {
        str(s.id): s.name + ('' if s.is_active else ' (retired)') for s in services
    }
    with ui.card().classes('w-full').props('flat bordered'), ui.element('form').classes('w-full') as form:
        with ui.element('div').classes('w-full grid grid-cols-1 sm:grid-cols-2 md:grid-cols-4 gap-x-3'):
            inputs: dict[str, ui.element] = {
                'status': ui.select(status_options, value=_known(filters.status, status_options), label='Status'),
                'service_id': ui.select(
                    service_options, value=_known(filters.service_id, service_options), label='Service'
                ),
                'pincode': ui.input('Pincode', value=filters.pincode).props('inputmode=numeric maxlength=6'),
                'sort': ui.select(SORTS, value=_known(filters.sort, SORTS) or 'scheduled', label='Order'),
                'date_from': ui.input('From (date)', value=filters.date_from).props('type=date stack-label'),
                'date_to': ui.input('To (date)', value=filters.date_to).props('type=date stack-label'),
                'customer': ui.input('Customer name or email', value=filters.customer).props('maxlength=100'),
                'professional': ui.input('Professional name or email', value=filters.professional).props(
                    'maxlength=100'
                ),
            }
        for name, element in inputs.items():
            element.classes('w-full').props('outlined dense').mark(f'filter-{name}')
        with ui.row().classes('w-full justify-end gap-2 pt-2'):
            ui.button('Clear', on_click=lambda: ui.navigate.to('/admin/requests')).props('flat no-caps').mark(
                'filter-clear'
            )
            ui.button('Apply filters', icon='filter_alt', on_click=lambda: _apply(inputs)).props(
                'type=submit no-caps'
            ).mark('filter-apply')
    form.on('submit.prevent', lambda: _apply(inputs))  # Enter in any field applies the filters
    return inputs


def _apply(inputs: dict[str, ui.element]) -> None:
    values = {name: str(element.value or '').strip() for name, element in inputs.items()}
    if values['sort'] == 'scheduled':
        values['sort'] = ''
    ui.navigate.to(with_query('/admin/requests', **values))


def _known(value: str, options: dict[str, str]) -> str:
    return value if value in options else ''


def _show_refusal(inputs: dict[str, ui.element], refusal: ServiceError, filters: Filters) -> None:
    if refusal.field == 'cursor':
        notice(str(refusal))
        ui.link('Go to the first page', with_query('/admin/requests', **filters.query())).mark('first-page')
        return
    if not show_field_error(inputs, refusal.field, str(refusal)):
        notice(str(refusal))
    ui.label('Fix the filter above to see requests.').classes('text-grey-8').mark('requests-refused')


def _results(found: RequestPage, filters: Filters, timezone: str) -> None:
    pager(
        total_label=found.total_label,
        noun='requests',
        previous_url=_page_url(filters, found.previous_cursor),
        next_url=_page_url(filters, found.next_cursor),
        marker='requests-pager',
    )
    request_list_table(
        found.rows,
        timezone=timezone,
        empty='No request matches these filters.' if any(filters.query().values()) else 'No requests yet.',
        marker='requests-table',
        show_booked=filters.sort == 'booked',
    )


def _page_url(filters: Filters, cursor: str | None) -> str | None:
    return with_query('/admin/requests', **filters.query(cursor=cursor)) if cursor else None


# --- one request --------------------------------------------------------------------------------------------------


@router.page('/requests/{request_id}', title='Request · Household Services')
async def request_page(request_id: str) -> RedirectResponse | None:
    viewer = await require_viewer(Role.ADMIN)
    if viewer.redirect:
        return viewer.redirect
    with frame('Request', **frame_options(viewer)):
        ui.link('← All requests', '/admin/requests').mark('back-to-requests')

        @ui.refreshable
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
            _history(history, timezone)

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
    return None


def _load_request(viewer: Viewer, request_id: str) -> tuple[RequestRow, tuple[HistoryEntry, ...], str]:
    wanted = int(request_id) if request_id.isdigit() else request_id
    with session_scope() as session:
        request = service_requests.get_request(session, viewer.actor, request_id=wanted)
        history = service_requests.request_history(session, viewer.actor, request_id=request.id)
        return request, history, service_requests.policy().timezone


def _admin_cancel(viewer: Viewer, request_id: int, reason: str) -> None:
    with session_scope(write=True) as session:
        service_requests.admin_cancel(session, viewer.actor, request_id=request_id, reason=reason)


def _summary(request: RequestRow, timezone: str) -> None:
    zone = ZoneInfo(timezone)
    with ui.card().classes('w-full').props('flat bordered').mark('request-summary'):
        with ui.row().classes('w-full items-center gap-3'):
            ui.label(request.service_name).classes('text-xl font-semibold').props('role=heading aria-level=2')
            ui.badge(STATUS_WORDS[request.status]).props('outline').mark('request-status')
        with ui.element('dl').classes('w-full grid grid-cols-1 sm:grid-cols-[12rem_1fr] gap-x-4 gap-y-1'):
            _fact('Slot', f'{local_time(request.scheduled_at, zone)} to {request.ends_at.astimezone(zone):%H:%M}')
            _fact('Booked', local_time(request.date_of_request, zone))
            _fact('Address', f'{request.address} ({request.pincode})')
            _fact('Price', format_money(request.price))
            _person('Customer', request.customer_name, request.customer_phone, request.customer_id)
            if request.professional_id:
                _person('Professional', request.professional_name, request.professional_phone, request.professional_id)
            elif request.requested_professional_id:
                _person('Asked for', request.requested_professional_name, '', request.requested_professional_id)
            else:
                _fact('Professional', 'nobody has accepted yet')
            if request.remarks:
                _fact('Remarks', request.remarks)
            if request.cancel_reason:
                _fact('Cancel reason', request.cancel_reason)
            if request.date_of_completion:
                _fact('Completed', local_time(request.date_of_completion, zone))
            if request.rating:
                _fact(
                    'Review', f'{request.rating}/5' + (f' · {request.review_remarks}' if request.review_remarks else '')
                )


def _fact(term: str, value: str) -> None:
    with ui.element('dt').classes('text-grey-8'):
        ui.label(term)
    with ui.element('dd').mark(f'fact-{term.lower().replace(" ", "-")}'):
        ui.label(value)


def _person(term: str, name: str, phone: str, user_id: int | None) -> None:
    with ui.element('dt').classes('text-grey-8'):
        ui.label(term)
    with ui.element('dd').classes('flex gap-2 items-center'):
        if user_id:
            ui.link(name, f'/admin/users/{user_id}')
        else:
            ui.label(name)
        if phone:
            ui.link(phone, f'tel:{phone}').classes('text-grey-8')


def _history(history: tuple[HistoryEntry, ...], timezone: str) -> None:
    zone = ZoneInfo(timezone)
    ui.label('History').classes('text-lg font-semibold').props('role=heading aria-level=2')
    if not history:
        ui.label('No recorded changes.').classes('text-grey-8').mark('history-empty')
        return
    with ui.element('ol').classes('w-full border-l-2 border-primary pl-4 gap-3 flex flex-col').mark('request-history'):
        for entry in history:
            with ui.element('li').classes('flex gap-3 items-start').mark('history-entry'):
                ui.icon(_icon(entry)).classes('text-primary text-xl')
                with ui.column().classes('gap-0'):
                    ui.label(entry.what).classes('font-medium')
                    ui.label(f'{local_time(entry.occurred_at, zone)} · {entry.who}').classes('text-sm text-grey-8')
                    if entry.reason:
                        ui.label(f'Reason: {entry.reason}').classes('text-sm')


def _icon(entry: HistoryEntry) -> str:
    return {
        RequestStatus.REQUESTED: 'schedule',
        RequestStatus.ASSIGNED: 'engineering',
        RequestStatus.COMPLETED: 'task_alt',
        RequestStatus.CLOSED: 'star',
        RequestStatus.CANCELLED: 'cancel',
        RequestStatus.EXPIRED: 'timer_off',
    }.get(entry.status_after, 'edit')
