"""A customer's monthly reports (`/customer/reports`, `/customer/reports/{YYYY-MM}` and its PDF), and the unsubscribe
link of the report's email (`/unsubscribe/{token}`: a page with a button, and RFC 8058's one-click POST), which
needs no sign-in: the signed token says whose it is."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from nicegui import APIRouter, run, ui

from components.forms import notice
from components.frame import frame
from components.reports import report_months, report_view
from models.enums import Role
from pages.documents import PROTECTIVE_HEADERS, content_disposition, not_found
from pages.viewer import frame_options, login_path, require_viewer, route_actor
from services import Actor, ServiceError, reports, session_scope
from services.reports import MonthlyReport, ReportMonth, Unsubscribed

router = APIRouter()
LIST = '/customer/reports'


@router.page('/customer/reports', title='Monthly reports · Household Services')
async def reports_page() -> RedirectResponse | None:
    viewer = await require_viewer(Role.CUSTOMER)
    if viewer.redirect:
        return viewer.redirect
    months = await run.io_bound(_months, viewer.actor)
    with frame('Monthly reports', **frame_options(viewer)):
        ui.label(
            'Each month with activity: your requests and their status, what you spent, who worked for you and the '
            "ratings you gave. On the 1st, last month's report also comes by email (you can turn that off on "
            'your account page).'
        ).classes('text-grey-8')
        report_months(months)
    return None


@router.page('/customer/reports/{month}', title='Monthly report · Household Services')
async def report_page(month: str) -> RedirectResponse | None:
    viewer = await require_viewer(Role.CUSTOMER)
    if viewer.redirect:
        return viewer.redirect
    report, refusal = None, None
    try:
        report = await run.io_bound(_report, viewer.actor, month)
    except ServiceError as error:
        refusal = error
    title = f'Your {report.month_label}' if report else 'Monthly report'
    with frame(title, **frame_options(viewer)):
        ui.link('← Monthly reports', LIST).mark('back-to-reports')
        if report is None:
            notice(str(refusal)).mark('report-problem')
            return None
        ui.button('Download PDF', icon='picture_as_pdf').props(f'href={LIST}/{month}/pdf outline').mark('report-pdf')
        report_view(report)
    return None


@router.get('/customer/reports/{month}/pdf')
async def report_pdf(month: str) -> Response:
    """The report as a PDF, to the customer it belongs to (the service builds it for the signed-in customer only)."""
    actor = await route_actor()
    if actor is None:
        return RedirectResponse(login_path(f'{LIST}/{month}'), headers=PROTECTIVE_HEADERS)
    try:
        name, content = await run.io_bound(_pdf, actor, month)
    except ServiceError:
        return not_found()
    disposition = content_disposition(name, 'attachment')
    headers = {**PROTECTIVE_HEADERS, 'Content-Disposition': disposition}
    return Response(content, media_type='application/pdf', headers=headers)


@router.page('/unsubscribe/{token}', title='Unsubscribe · Household Services')
async def unsubscribe_page(token: str) -> None:
    """Asks before it changes anything: mail scanners open links, and only a person presses the button."""
    try:
        holder = await run.io_bound(_check, token)
    except ServiceError as error:
        problem = str(error)
        _unsubscribe_card(lambda: ui.label(problem).classes('text-negative').mark('unsubscribe-problem'))
        return

    async def confirm() -> None:
        try:
            await run.io_bound(_unsubscribe, token)
        except ServiceError as error:
            ui.notify(str(error), type='negative')
            return
        body.clear()
        with body:
            _done(holder.email)

    def ask() -> None:
        if holder.already:
            _done(holder.email)
            return
        ui.label(f'Stop the monthly activity report for {holder.email}?')
        ui.label('Messages about your requests keep coming; only the monthly report stops.').classes('text-grey-8')
        ui.button('Unsubscribe', on_click=confirm).props('unelevated').mark('unsubscribe-confirm')

    body = _unsubscribe_card(ask)


@router.post('/unsubscribe/{token}')
async def unsubscribe_one_click(token: str) -> Response:
    """RFC 8058 one-click: the mail client POSTs `List-Unsubscribe=One-Click` here, with no cookies."""
    try:
        await run.io_bound(_unsubscribe, token)
    except ServiceError as error:
        return PlainTextResponse(str(error), status_code=400, headers=PROTECTIVE_HEADERS)
    return PlainTextResponse('Unsubscribed from the monthly report.', headers=PROTECTIVE_HEADERS)


def _unsubscribe_card(fill: Callable[[], None]) -> ui.column:
    with ui.column().classes('w-full items-center p-8'), ui.card().classes('w-full max-w-md gap-3'):
        ui.label('Monthly report').classes('text-xl font-semibold').props('role=heading aria-level=1')
        body = ui.column().classes('gap-3').mark('unsubscribe')
        with body:
            fill()
    return body


def _done(email: str) -> None:
    ui.label(f'{email} gets no more monthly reports.').mark('unsubscribe-done')
    ui.label('Changed your mind? Turn it back on from your account page after signing in.').classes('text-grey-8')
    ui.link('Sign in', '/login')


def _months(actor: Actor) -> tuple[ReportMonth, ...]:
    with session_scope() as session:
        return reports.report_months(session, actor)


def _report(actor: Actor, month: str) -> MonthlyReport:
    with session_scope() as session:
        return reports.monthly_report(session, actor, month=month)


def _pdf(actor: Actor, month: str) -> tuple[str, bytes]:
    with session_scope() as session:
        return reports.monthly_report_pdf(session, actor, month=month)


def _check(token: str) -> Unsubscribed:
    with session_scope() as session:
        return reports.check_unsubscribe_link(session, token)


def _unsubscribe(token: str) -> Unsubscribed:
    with session_scope(write=True) as session:
        return reports.unsubscribe(session, token)
