"""A customer's request: as a card in their list, as facts on its page, and the rating control for its review."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from nicegui import ui

from components.facts import fact, fact_term, facts
from components.requests import STATUS_WORDS
from components.words import local_time
from models.enums import RequestStatus
from services import format_money
from services.requests import RequestRow

STATUS_COLOURS = {
    RequestStatus.REQUESTED: 'deep-orange-10',  # white text on it: 5.6:1 (orange-9 gives 3:1)
    RequestStatus.ASSIGNED: 'primary',
    RequestStatus.COMPLETED: 'teal-8',
    RequestStatus.CLOSED: 'grey-8',
    RequestStatus.CANCELLED: 'red-9',
    RequestStatus.EXPIRED: 'grey-8',
}
RATING_WORDS = {1: '1 (poor)', 2: '2 (fair)', 3: '3 (good)', 4: '4 (very good)', 5: '5 (excellent)'}


def status_badge(status: RequestStatus) -> ui.badge:
    return ui.badge(STATUS_WORDS[status], color=STATUS_COLOURS[status]).classes('text-sm').mark('request-status')


def slot_words(row: RequestRow, zone: ZoneInfo) -> str:
    """'Tue 03 Dec 2026, 10:00 to 11:00'."""
    return f'{local_time(row.scheduled_at, zone)} to {row.ends_at.astimezone(zone):%H:%M}'


def request_card(row: RequestRow, *, zone: ZoneInfo, href: str) -> None:
    """One request in the customer's list: its link (service and slot), status, who, price and place."""
    with ui.element('li').classes('w-full list-none'), ui.card().classes('w-full gap-1').props('flat bordered'):
        with ui.row().classes('w-full items-center justify-between gap-2'):
            ui.link(f'{row.service_name} · {local_time(row.scheduled_at, zone)}', href).classes(
                'font-semibold text-primary'
            ).mark(f'request-{row.id}-link')
            status_badge(row.status)
        ui.label(_who(row)).classes('text-sm')
        place = f'{format_money(row.price)} · {row.address} ({row.pincode})'
        ui.label(place).classes('text-sm text-grey-8 break-words')


def request_facts(row: RequestRow, *, zone: ZoneInfo) -> None:
    """Everything about the request its customer may see; the professional's phone once they accepted."""
    with facts(term_width='9rem'):
        fact('Slot', slot_words(row, zone))
        fact('Address', f'{row.address} ({row.pincode})')
        fact('Price', format_money(row.price))
        if row.professional_id:
            fact_term('Professional')
            with ui.element('dd').classes('flex flex-wrap gap-x-3 items-center').mark('fact-professional'):
                ui.label(row.professional_name)
                if row.professional_phone:
                    ui.link(row.professional_phone, f'tel:{row.professional_phone}').mark('professional-phone')
        else:
            fact('Professional', _who(row))
        if row.remarks:
            fact('Remarks', row.remarks)
        fact('Booked', local_time(row.date_of_request, zone))
        if row.date_of_completion:
            fact('Done', local_time(row.date_of_completion, zone))
        if row.cancel_reason:
            fact('Cancel reason', row.cancel_reason)
        if row.rating:
            fact('Your review', f'★ {row.rating}/5' + (f' · “{row.review_remarks}”' if row.review_remarks else ''))


def rating_choice(*, marker: str) -> ui.radio:
    """Five labelled radio buttons, 1 (poor) to 5 (excellent), in a group named 'Rating'; nothing chosen at first."""
    ui.label('Rating').classes('font-medium').props('aria-hidden=true')  # the group names itself to screen readers
    return ui.radio(RATING_WORDS).props('inline role=radiogroup aria-label=Rating').classes('gap-x-2').mark(marker)


def _who(row: RequestRow) -> str:
    if row.professional_id:
        return f'{row.professional_name}' + (f', {row.professional_phone}' if row.professional_phone else '')
    if row.status is not RequestStatus.REQUESTED:
        return 'Nobody took it'
    if row.requested_professional_name:
        return f'Asked {row.requested_professional_name}; waiting for them to accept'
    return 'Waiting for a professional to accept'
