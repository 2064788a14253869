"""Service requests as a list (a table, or cards on a phone): what, when (local time), where, who, status and price."""

from __future__ import annotations

from collections.abc import Collection
from zoneinfo import ZoneInfo

from nicegui import ui

from components.live import HIGHLIGHT_CLASS
from components.tables import Tone, column, list_table
from components.words import local_time
from models.enums import RequestStatus
from services import format_money
from services.requests import RequestRow

STATUS_WORDS = {
    RequestStatus.REQUESTED: 'waiting for a professional',
    RequestStatus.ASSIGNED: 'accepted',
    RequestStatus.COMPLETED: 'done, awaiting review',
    RequestStatus.CLOSED: 'closed',
    RequestStatus.CANCELLED: 'cancelled',
    RequestStatus.EXPIRED: 'expired (nobody accepted in time)',
}
STATUS_TONES: dict[RequestStatus, Tone] = {
    RequestStatus.REQUESTED: 'waiting',
    RequestStatus.ASSIGNED: 'info',
    RequestStatus.COMPLETED: 'good',
    RequestStatus.CLOSED: 'neutral',
    RequestStatus.CANCELLED: 'neutral',
    RequestStatus.EXPIRED: 'bad',
}


def request_table(
    rows: list[RequestRow] | tuple[RequestRow, ...], *, timezone: str, show_customer: bool, empty: str, marker: str
) -> ui.table | ui.label:
    """`show_customer`: the customer's side (for professionals) instead of the professional's (for customers)."""
    if not rows:
        return ui.label(empty).classes('text-grey-8').mark(f'{marker}-empty')
    zone = ZoneInfo(timezone)
    who = ('customer', 'Customer') if show_customer else ('professional', 'Professional')
    columns = [
        column('service', 'Service', role='title'),
        column('when', 'When'),
        column('where', 'Where'),
        column(*who),
        column('status', 'Status', role='status'),
        column('price', 'Price', role='number'),
    ]
    return list_table(columns, [_row(row, zone, show_customer) for row in rows], marker=marker)


def _row(row: RequestRow, zone: ZoneInfo, show_customer: bool) -> dict[str, object]:
    if show_customer:
        person = row.customer_name or 'shown once you accept'
    else:
        person = row.professional_name or (
            f'asked: {row.requested_professional_name}' if row.requested_professional_name else 'not yet accepted'
        )
    return {
        'id': row.id,
        'service': row.service_name,
        'when': local_time(row.scheduled_at, zone),
        'where': row.address + f' ({row.pincode})' if row.address else row.pincode,
        'customer': person,
        'professional': person,
        'status': _status_words(row),
        'tone': STATUS_TONES[row.status],
        'price': format_money(row.price),
    }


def _status_words(row: RequestRow) -> str:
    return STATUS_WORDS[row.status] + (f' · rated {row.rating}/5' if row.rating else '')


def request_list_table(
    rows: list[RequestRow] | tuple[RequestRow, ...],
    *,
    timezone: str,
    empty: str,
    marker: str,
    show_booked: bool = False,
    fresh: Collection[int] = (),
) -> ui.table | ui.label:
    """The admin's view of requests: both people, each service a link to the request's page; the `fresh` ones (new
    or changed a moment ago) highlighted until `fade` takes it off."""
    if not rows:
        return ui.label(empty).classes('text-grey-8').mark(f'{marker}-empty')
    zone = ZoneInfo(timezone)
    columns = [
        column('service', 'Service', role='title', link='href'),
        column('when', 'Slot'),
        *([column('booked', 'Booked')] if show_booked else []),
        column('pincode', 'Pincode'),
        column('customer', 'Customer'),
        column('professional', 'Professional'),
        column('status', 'Status', role='status'),
        column('price', 'Price', role='number'),
    ]
    table_rows = [
        {
            'id': row.id,
            'href': f'/admin/requests/{row.id}',
            'service': row.service_name,
            'when': local_time(row.scheduled_at, zone),
            'booked': local_time(row.date_of_request, zone),
            'pincode': row.pincode,
            'customer': row.customer_name,
            'professional': row.professional_name
            or (f'asked: {row.requested_professional_name}' if row.requested_professional_name else '—'),
            'status': _status_words(row),
            'tone': STATUS_TONES[row.status],
            'price': format_money(row.price),
            'fresh': row.id in fresh,
        }
        for row in rows
    ]
    return list_table(
        columns, table_rows, marker=marker, row_class=f"row => row.fresh ? '{HIGHLIGHT_CLASS} fresh-row' : ''"
    )


def fade(table: ui.table) -> None:
    """Take the highlight off every row of a request table."""
    for row in table.rows:
        row['fresh'] = False
    table.update()
