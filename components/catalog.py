"""The catalogue as a list: name, category, price, time required and (for admins) whether it is retired; and the
admin's overview of it, each service with who offers it and the buttons that change it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from components.tables import ElementList, column, list_table, status_chip
from components.words import duration
from services import format_money
from services.catalog import ServiceOverview, ServiceRow

OVERVIEW_COLUMNS = [
    column('name', 'Service', role='title'),
    column('category', 'Category'),
    column('price', 'Base price', role='number'),
    column('time', 'Time required', role='number'),
    column('status', 'Status', role='status'),
    column('professionals', 'Professionals'),
    column('actions', 'Actions', role='actions'),
]


def service_table(services: list[ServiceRow], *, show_status: bool = False) -> ui.table | ui.label:
    if not services:
        return ui.label('No services yet.').classes('text-grey-7').mark('catalog-empty')
    columns = [
        column('name', 'Service', role='title', sortable=True),
        column('category', 'Category', sortable=True),
        column('price', 'Base price', role='number'),
        column('time', 'Time required', role='number'),
    ]
    if show_status:
        columns.append(column('status', 'Status', role='status'))
    rows = [
        {
            'id': s.id,
            'name': s.name,
            'category': s.category,
            'price': format_money(s.base_price),
            'time': duration(s.time_required),
            'status': 'offered' if s.is_active else 'retired',
            'tone': 'good' if s.is_active else 'neutral',
        }
        for s in services
    ]
    return list_table(columns, rows, marker='catalog-table')


def service_overview_list(
    entries: list[ServiceOverview],
    *,
    on_edit: Callable[[ServiceRow], Any],
    on_retire: Callable[[int], Any],
    on_reinstate: Callable[[int, str], Any],
) -> None:
    """The admin's catalogue, its actions real, focusable buttons (a card a service on a phone)."""
    rows = ElementList(OVERVIEW_COLUMNS, marker='services-table')
    for entry in entries:
        s, marker = entry.service, f'service-{entry.service.id}'
        with rows.row(marker):
            rows.text('name', s.name)
            rows.text('category', s.category)
            rows.text('price', format_money(s.base_price))
            rows.text('time', f'{s.time_required} min')
            with rows.cell('status'):
                status_chip('offered' if s.is_active else 'retired', 'good' if s.is_active else 'neutral').mark(
                    f'{marker}-status'
                )
            with rows.cell('professionals'), ui.row().classes('items-center gap-1'):
                pending = f' (+{entry.pending_count} pending)' if entry.pending_count else ''
                ui.label(f'{entry.professional_count}{pending}').mark(f'{marker}-professionals')
                if entry.is_flagged:
                    ui.badge('flagged', color='warning').props('text-color=black').mark(f'{marker}-flag')
            with rows.cell('actions'), ui.row().classes('gap-1'):
                _action('Edit', 'edit', s.name, lambda s=s: on_edit(s)).mark(f'{marker}-edit')
                if s.is_active:
                    _action('Retire', 'archive', s.name, lambda s=s: on_retire(s.id)).mark(f'{marker}-retire')
                else:
                    _action('Reinstate', 'unarchive', s.name, lambda s=s: on_reinstate(s.id, s.name)).mark(
                        f'{marker}-reinstate'
                    )


def _action(label: str, icon: str, name: str, handler: Callable[[], Any]) -> ui.button:
    button = ui.button(label, icon=icon, on_click=handler).props('flat dense no-caps')
    button.props['aria-label'] = f'{label} {name}'  # set as a value: a name may hold quotes
    return button
