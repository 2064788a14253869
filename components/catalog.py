"""The catalogue as a table: name, category, price, time required and (for admins) whether it is retired."""

from __future__ import annotations

from nicegui import ui

from components.words import duration
from services import format_money
from services.catalog import ServiceRow


def service_table(services: list[ServiceRow], *, show_status: bool = False) -> ui.table | ui.label:
    if not services:
        return ui.label('No services yet.').classes('text-grey-7').mark('catalog-empty')
    columns = [
        {'name': 'name', 'label': 'Service', 'field': 'name', 'align': 'left', 'sortable': True},
        {'name': 'category', 'label': 'Category', 'field': 'category', 'align': 'left', 'sortable': True},
        {'name': 'price', 'label': 'Base price', 'field': 'price', 'align': 'right'},
        {'name': 'time', 'label': 'Time required', 'field': 'time', 'align': 'right'},
    ]
    if show_status:
        columns.append({'name': 'status', 'label': 'Status', 'field': 'status', 'align': 'left'})
    rows = [
        {
            'id': s.id,
            'name': s.name,
            'category': s.category,
            'price': format_money(s.base_price),
            'time': duration(s.time_required),
            'status': 'offered' if s.is_active else 'retired',
        }
        for s in services
    ]
    return ui.table(columns=columns, rows=rows, row_key='id').classes('w-full').mark('catalog-table')
