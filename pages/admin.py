"""The admin's dashboard (`/admin`): counters that link to the lists behind them, four charts, and the requests
nobody has accepted for too long. Figures come from one service call per page build, then follow the marketplace
live: one computation per burst of changes for every watching admin (pages/live.SharedFigure), drawn in place."""

from __future__ import annotations

import functools
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, run, ui

from components.charts import bar_chart, day_labels, recolour, show_bars
from components.frame import frame
from components.live import announce, plural
from components.requests import STATUS_WORDS, request_list_table
from models.enums import Role
from pages import live
from pages.viewer import Viewer, frame_options, require_viewer, with_query
from services import dashboard, requests, runtime, session_scope
from services.dashboard import DashboardFigures

router = APIRouter(prefix='/admin')
SERVICES_CHARTED = 10  # the busiest; the rest are added up as 'Other services'
FIGURES_CHANGE_ON = ('request.', 'professional.', 'user.', 'service.')  # the events that can move a figure


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
        view = DashboardView(found, timezone, dark=viewer.actor.prefers_dark)
        charts = view.charts
    hub = live.hub()
    if hub is not None:
        hub.shared('dashboard', _moves_a_figure).watch(lambda: _figures(viewer)[0], view.show)
    return None


class DashboardView:
    """The dashboard's counters, charts and waiting list, drawn once and then changed in place: only what differs
    from what the page shows is sent to the browser (hundreds of admins may be watching)."""

    def __init__(self, found: DashboardFigures, timezone: str, *, dark: bool) -> None:
        self.shown, self.timezone = found, timezone
        self.counters = _counters(found, timezone)
        self.charts = _charts(found, dark=dark)
        self.waiting = ui.refreshable(_longest_waiting)
        self.waiting(found, timezone)

    def show(self, new: DashboardFigures) -> None:
        old, self.shown = self.shown, new
        before = _counter_values(old)
        for marker, value in _counter_values(new).items():
            if value != before[marker]:
                self.counters[marker].set_text(f'{value:,}')
        pairs = zip(self.charts, _series(old), _series(new), strict=True)
        show_bars([(chart, *after) for chart, before, after in pairs if before != after])
        if new.longest_waiting != old.longest_waiting:
            self.waiting.refresh(new, self.timezone)
        if (booked := new.bookings_today - old.bookings_today) > 0:
            announce(f'{plural(booked, "new booking")} today')


def _moves_a_figure(event: runtime.DomainEvent) -> bool:
    return event.name.startswith(FIGURES_CHANGE_ON)


def _figures(viewer: Viewer) -> tuple[DashboardFigures, str]:
    with session_scope() as session:
        return dashboard.figures(session, viewer.actor), requests.policy().timezone


def _counter_values(found: DashboardFigures) -> dict[str, int]:
    return {
        'pending': found.pending_approvals,
        'open': found.open_requests,
        'waiting': found.waiting_too_long,
        'today': found.bookings_today,
    }


def _counters(found: DashboardFigures, timezone: str) -> dict[str, ui.label]:
    today = datetime.now(ZoneInfo(timezone)).date().isoformat()
    hours = found.waiting_alert_minutes / 60
    waited = f'{hours:g} hours' if hours >= 1 else f'{found.waiting_alert_minutes} minutes'
    with ui.element('div').classes('w-full grid grid-cols-2 md:grid-cols-4 gap-3'):
        return {
            'pending': _counter('Pending approvals', found.pending_approvals, '/admin/users?status=pending', 'pending'),
            'open': _counter('Open requests', found.open_requests, '/admin/requests?status=requested', 'open'),
            'waiting': _counter(f'Waiting over {waited}', found.waiting_too_long, '#longest-waiting', 'waiting'),
            'today': _counter(
                'Booked today',
                found.bookings_today,
                with_query('/admin/requests', sort='booked', date_from=today, date_to=today),
                'today',
            ),
        }


def _counter(label: str, value: int, target: str, marker: str) -> ui.label:
    alert = marker == 'waiting' and value > 0  # the colour is set once: a page that stays open keeps it
    colour = 'bg-orange-1 text-deep-orange-10' if alert else 'bg-blue-1 text-blue-10'  # both 5:1 or more
    with ui.link(target=target).classes(f'no-underline rounded-lg p-4 {colour} focus:outline focus:outline-2'):
        shown = ui.label(f'{value:,}').classes('text-3xl font-bold').mark(f'counter-{marker}')
        ui.label(label).classes('text-sm')
    return shown


CHARTS = (
    ('Requests by status', 'chart-status', True),
    ('Requests by service', 'chart-service', True),
    ('Bookings per day (last 30 days)', 'chart-days', False),
    ('Ratings', 'chart-ratings', False),
)


def _charts(found: DashboardFigures, *, dark: bool) -> list[ui.echart]:
    with ui.element('div').classes('w-full grid grid-cols-1 md:grid-cols-2 gap-4'):
        return [
            bar_chart(title, labels, values, dark=dark, horizontal=horizontal, marker=marker)
            for (title, marker, horizontal), (labels, values) in zip(CHARTS, _series(found), strict=True)
        ]


@functools.lru_cache(maxsize=4)  # once per burst, not once per watching page
def _series(found: DashboardFigures) -> list[tuple[list[str], list[int]]]:
    """Each chart's labels and values, in the order of CHARTS (read only: shared by every page)."""
    top = list(found.by_service[:SERVICES_CHARTED])
    rest = sum(count for _, count in found.by_service[SERVICES_CHARTED:])
    if rest:
        top.append(('Other services', rest))
    return [
        ([STATUS_WORDS[status] for status, _ in found.by_status], [count for _, count in found.by_status]),
        ([name for name, _ in top], [count for _, count in top]),
        (day_labels([day for day, _ in found.per_day]), [count for _, count in found.per_day]),
        ([f'{stars} ★' for stars, _ in found.ratings], [count for _, count in found.ratings]),
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
