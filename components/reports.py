"""The monthly report as a page: the totals, the requests that moved (each a link to its page), the professionals
who worked for the customer, and the list of months."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from nicegui import ui

from components.requests import STATUS_TONES, STATUS_WORDS
from components.tables import column, list_table
from components.words import local_time
from services import format_money
from services.reports import MonthlyReport, ReportMonth


def report_months(months: tuple[ReportMonth, ...]) -> None:
    if not months:
        ui.label('No activity yet: your reports appear here once you book.').classes('text-grey-8').mark(
            'reports-empty'
        )
        return
    with ui.list().props('bordered separator').classes('w-full max-w-xl').mark('report-months'):
        for month in months:
            key = f'{month.month:%Y-%m}'
            with ui.item(on_click=lambda key=key: ui.navigate.to(f'/customer/reports/{key}')).mark(f'month-{key}'):
                with ui.item_section():
                    ui.item_label(month.label + ('' if month.complete else ' (so far)'))
                    ui.item_label(f'{month.requests} request(s) moved').props('caption')
                with ui.item_section().props('side'):
                    ui.icon('chevron_right')


def report_view(report: MonthlyReport) -> None:
    zone = ZoneInfo(report.timezone)
    money = lambda amount: format_money(amount, report.currency)  # noqa: E731 (a short alias for the cells below)
    with ui.row().classes('w-full gap-3').mark('report-totals'):
        _total('Booked', str(report.booked))
        _total('Completed', str(report.completed))
        _total('Spend', money(report.spend))
        average = f' (average {report.average_rating_given})' if report.average_rating_given else ''
        _total('Ratings given', f'{report.ratings_given}{average}')
        _total('Cancelled', str(report.cancelled))
    ui.label('Requests').classes('text-lg font-semibold').props('role=heading aria-level=2')
    columns = [
        column('service', 'Service', role='title', link='href'),
        column('when', 'Slot'),
        column('professional', 'Professional'),
        column('status', 'Status', role='status'),
        column('price', 'Price', role='number'),
        column('rating', 'Your rating'),
    ]
    rows = [
        {
            'id': r.id,
            'href': f'/customer/requests/{r.id}',
            'service': r.service_name,
            'when': local_time(r.scheduled_at, zone),
            'professional': r.professional_name or '—',
            'status': STATUS_WORDS[r.status],
            'tone': STATUS_TONES[r.status],
            'price': money(r.price),
            'rating': f'{r.rating}/5' if r.rating else '—',
        }
        for r in report.requests
    ]
    list_table(columns, rows, marker='report-requests')
    if report.professionals:
        ui.label('Professionals').classes('text-lg font-semibold').props('role=heading aria-level=2')
        with ui.column().classes('gap-1').mark('report-professionals'):
            for person in report.professionals:
                given = ', '.join(f'{rating}/5' for rating in person.ratings) or 'not rated this month'
                ui.label(f'{person.name} · {person.service_name} · {person.jobs} job(s) · {given}')


def _total(term: str, value: str) -> None:
    with ui.card().classes('min-w-[9rem] gap-0 p-3'):
        ui.label(term).classes('text-sm text-grey-7')
        ui.label(value).classes('text-xl font-semibold').mark(f'total-{term.lower().replace(" ", "-")}')
