"""A professional's earnings: a bar per local month (whole rupees, for the eye) and the exact amounts beneath it
(for reading and for screen readers)."""

from __future__ import annotations

from nicegui import ui

from components.charts import bar_chart
from components.tables import column, list_table
from services import format_money
from services.requests import MonthEarnings


def earnings_panel(months: tuple[MonthEarnings, ...], *, dark: bool) -> None:
    """The total, the chart and the month-by-month amounts; a line instead of a flat chart when nothing was earned."""
    total = sum(month.amount for month in months)
    jobs = sum(month.jobs for month in months)
    with ui.card().classes('w-full gap-2').props('flat bordered').mark('earnings'):
        ui.label('Earnings by month').classes('text-lg font-semibold').props('role=heading aria-level=2')
        if not jobs:
            ui.label('Nothing earned yet: completed jobs show here.').classes('text-grey-8').mark('earnings-empty')
            return
        ui.label(
            f'{format_money(total)} from {jobs} job{"" if jobs == 1 else "s"} in the last {len(months)} months '
            '(completed and closed jobs, by the month of their slot).'
        ).mark('earnings-total')
        labels = [month.month.strftime('%b %Y') for month in months]
        bar_chart(
            'Earned (₹)', _short(months), [month.amount // 100 for month in months], dark=dark, marker='earnings-chart'
        )
        rows = [
            {'id': label, 'month': label, 'amount': format_money(month.amount), 'jobs': month.jobs}
            for label, month in zip(labels, months, strict=True)
        ]
        columns = [
            column('month', 'Month', role='title'),
            column('amount', 'Earned', role='number'),
            column('jobs', 'Jobs', role='number'),
        ]
        with ui.expansion('Amounts month by month').classes('w-full').mark('earnings-months'):
            list_table(columns, rows, marker='earnings-table').props('dense')


def _short(months: tuple[MonthEarnings, ...]) -> list[str]:
    """'Mar 2025', 'Apr', ... 'Jan 2026', ...: the year only where the axis starts or a year begins (fits a phone)."""
    return [m.month.strftime('%b %Y' if i == 0 or m.month.month == 1 else '%b') for i, m in enumerate(months)]
