"""The admin's dashboard (`/admin`): counters that link to the lists behind them, four charts, and the requests
nobody has accepted for too long. Figures come from one service call per page build."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, run, ui

from components.charts import bar_chart, day_labels, recolour
from components.frame import frame
from components.requests import STATUS_WORDS, request_list_table
from models.enums import Role
from pages.viewer import Viewer, frame_options, require_viewer, with_query
from services import dashboard, requests, session_scope
from services.dashboard import DashboardFigures

router = APIRouter(prefix='/admin')
SERVICES_CHARTED = 10  # the busiest; the rest are added up as 'Other services'


@router.page('', title='Dashboard · Household Services')
async def dashboard_page() -> RedirectResponse | None:
    viewer = await require_viewer(Role.ADMIN)
    if viewer.redirect:
        return viewer.redirect
    found, timezone = await run.io_bound(_figures, viewer)
    options = frame_options(viewer)
    save_dark = options['on_dark_change']

    async def on_dark_change(dark: bool) -> None:
        for chart in charts:
            recolour(chart, dark=dark)
        await save_dark(dark)

    with frame('Dashboard', **(options | {'on_dark_change': on_dark_change})):
        ui.label(f'Welcome, {viewer.actor.name}.').classes('text-grey-8').mark('admin-welcome')
        _counters(found, timezone)
        charts = _charts(found, dark=viewer.actor.prefers_dark)
        _longest_waiting(found, timezone)
    return None


def _figures(viewer: Viewer) -> tuple[DashboardFigures, str]:
    with session_scope() as session:
        return dashboard.figures(session, viewer.actor), requests.policy().timezone


def _counters(found: DashboardFigures, timezone: str) -> None:
    today = datetime.now(ZoneInfo(timezone)).date().isoformat()
    hours = found.waiting_alert_minutes / 60
    waited = f'{hours:g} hours' if hours >= 1 else f'{found.waiting_alert_minutes} minutes'
    with ui.element('div').classes('w-full grid grid-cols-2 md:grid-cols-4 gap-3'):
        _counter('Pending approvals', found.pending_approvals, '/admin/users?status=pending', 'pending', alert=False)
        _counter('Open requests', found.open_requests, '/admin/requests?status=requested', 'open', alert=False)
        _counter(
            f'Waiting over {waited}',
            found.waiting_too_long,
            '#longest-waiting',
            'waiting',
            alert=found.waiting_too_long > 0,
        )
        _counter(
            'Booked today',
            found.bookings_today,
            with_query('/admin/requests', sort='booked', date_from=today, date_to=today),
            'today',
            alert=False,
        )


def _counter(label: str, value: int, target: str, marker: str, *, alert: bool) -> None:
    colour = 'bg-orange-1 text-deep-orange-10' if alert else 'bg-blue-1 text-blue-10'  # both 5:1 or more
    with ui.link(target=target).classes(f'no-underline rounded-lg p-4 {colour} focus:outline focus:outline-2'):
        ui.label(f'{value:,}').classes('text-3xl font-bold').mark(f'counter-{marker}')
        ui.label(label).classes('text-sm')


def _charts(found: DashboardFigures, *, dark: bool) -> list[ui.echart]:
    statuses = [STATUS_WORDS[status] for status, _ in found.by_status]
    top = list(found.by_service[:SERVICES_CHARTED])
    rest = sum(count for _, count in found.by_service[SERVICES_CHARTED:])
    if rest:
        top.append(('Other services', rest))
    with ui.element('div').classes('w-full grid grid-cols-1 md:grid-cols-2 gap-4'):
        return [
            bar_chart(
                'Requests by status',
                statuses,
                [count for _, count in found.by_status],
                dark=dark,
                horizontal=True,
                marker='chart-status',
            ),
            bar_chart(
                'Requests by service',
                [name for name, _ in top],
                [count for _, count in top],
                dark=dark,
                horizontal=True,
                marker='chart-service',
            ),
            bar_chart(
                'Bookings per day (last 30 days)',
                day_labels([day for day, _ in found.per_day]),
                [count for _, count in found.per_day],
                dark=dark,
                marker='chart-days',
            ),
            bar_chart(
                'Ratings',
                [f'{stars} ★' for stars, _ in found.ratings],
                [count for _, count in found.ratings],
                dark=dark,
                marker='chart-ratings',
            ),
        ]


def _longest_waiting(found: DashboardFigures, timezone: str) -> None:
    ui.label('Waiting longest for a professional').classes('text-lg font-semibold').props(
        'id=longest-waiting role=heading aria-level=2'
    )
    request_list_table(
        found.longest_waiting,
        timezone=timezone,
        empty='Every request is being looked after: none has waited too long.',
        marker='waiting-table',
        show_booked=True,
    )
