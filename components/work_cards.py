"""A professional's requests and jobs as cards, which read well at phone width: what, when, where, who, and the
buttons that apply now. Each card is marked `request-<id>` and its buttons `request-<id>-<action>`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

from nicegui import ui

from components.facts import fact, fact_term
from components.requests import STATUS_WORDS
from components.words import local_time
from models.enums import RequestStatus
from services import format_money
from services.requests import RequestRow

Action = Callable[[RequestRow, ui.button], Any]  # called with the request and the button that was pressed


def slot_words(row: RequestRow, zone: ZoneInfo) -> str:
    """'Mon 04 Mar 2030, 09:00 to 10:00' in `zone`."""
    return f'{local_time(row.scheduled_at, zone)} to {row.ends_at.astimezone(zone):%H:%M}'


def inbox_card(row: RequestRow, *, zone: ZoneInfo, asked_for_me: bool, on_accept: Action, on_decline: Action) -> None:
    """An open request (or one addressed to me): no address or phone before accepting."""
    with _card(row, zone, badge='Asked for you' if asked_for_me else ''):
        with _facts():
            fact('Slot', slot_words(row, zone))
            fact('Pincode', row.pincode)
            fact('Remarks', row.remarks or 'none')
        ui.label('You see the address and phone once you accept.').classes('text-sm text-grey-8')
        with ui.row().classes('w-full justify-end gap-2'):
            _button(row, 'Decline', 'close', on_decline, zone, primary=False)
            _button(row, 'Accept', 'check', on_accept, zone, primary=True)


def job_card(
    row: RequestRow,
    *,
    zone: ZoneInfo,
    can_complete: bool,
    can_withdraw: bool,
    on_complete: Action,
    on_withdraw: Action,
    withdraw_rule: str,
) -> None:
    """A job I accepted: the customer's address and phone, and Complete / Withdraw while they apply."""
    with _card(row, zone, badge=STATUS_WORDS[row.status]):
        with _facts():
            fact('Slot', slot_words(row, zone))
            fact('Address', f'{row.address} ({row.pincode})')
            fact('Customer', row.customer_name)
            _phone(row.customer_phone)
            fact('Remarks', row.remarks or 'none')
            if row.date_of_completion:
                fact('Done', local_time(row.date_of_completion, zone))
            if row.rating:
                fact('Review', f'{row.rating}/5' + (f' · {row.review_remarks}' if row.review_remarks else ''))
        if row.status is RequestStatus.ASSIGNED:
            _job_actions(row, zone, can_complete, can_withdraw, on_complete, on_withdraw, withdraw_rule)


def request_card(row: RequestRow, *, zone: ZoneInfo) -> None:
    """A request I can only look at (not my job, no longer open to me): what, when, where and how it ended."""
    with _card(row, zone, badge=STATUS_WORDS[row.status]):
        with _facts():
            fact('Slot', slot_words(row, zone))
            fact('Pincode', row.pincode)
            fact('Remarks', row.remarks or 'none')
            if row.cancel_reason:
                fact('Why cancelled', row.cancel_reason)


def _job_actions(
    row: RequestRow,
    zone: ZoneInfo,
    can_complete: bool,
    can_withdraw: bool,
    on_complete: Action,
    on_withdraw: Action,
    withdraw_rule: str,
) -> None:
    hints = []
    if not can_complete:
        hints.append('You can mark it done once its slot starts.')
    if not can_withdraw:
        hints.append(f'Too late to withdraw: {withdraw_rule}')
    for hint in hints:
        ui.label(hint).classes('text-sm text-grey-8')
    if can_complete or can_withdraw:
        with ui.row().classes('w-full justify-end gap-2'):
            if can_withdraw:
                _button(row, 'Withdraw', 'undo', on_withdraw, zone, primary=False)
            if can_complete:
                _button(row, 'Complete', 'task_alt', on_complete, zone, primary=True)


@contextmanager
def _card(row: RequestRow, zone: ZoneInfo, *, badge: str) -> Iterator[None]:
    """The card and its heading line: the service (a link to the request's page), a badge, the price."""
    with ui.card().classes('w-full gap-2').props('flat bordered').mark(f'request-{row.id}'):
        with ui.row().classes('w-full items-center gap-x-3 gap-y-1'):
            link = ui.link(row.service_name, f'/professional/requests/{row.id}').classes('text-lg font-semibold')
            link.props['aria-label'] = f'{row.service_name}, {local_time(row.scheduled_at, zone)}: details and history'
            if badge:
                ui.badge(badge).props('outline color=primary').mark(f'request-{row.id}-badge')
            ui.space()
            ui.label(format_money(row.price)).classes('font-medium').mark(f'request-{row.id}-price')
        yield


def _facts() -> ui.element:
    """Terms beside their values even at phone width (a card's terms are short), so a card stays short."""
    return ui.element('dl').classes('w-full grid grid-cols-[5.5rem_1fr] sm:grid-cols-[7rem_1fr] gap-x-3 gap-y-1')


def _button(row: RequestRow, label: str, icon: str, action: Action, zone: ZoneInfo, *, primary: bool) -> None:
    button = ui.button(label, icon=icon).props('no-caps' + ('' if primary else ' outline'))
    # the visible word first, so voice control finds it; then which request it acts on
    button.props['aria-label'] = f'{label} {row.service_name}, {local_time(row.scheduled_at, zone)}'
    button.mark(f'request-{row.id}-{label.lower()}')
    button.on_click(lambda: action(row, button))


def _phone(phone: str) -> None:
    fact_term('Phone')
    with ui.element('dd').mark('fact-phone'):
        if phone:
            ui.link(phone, f'tel:{phone}')
        else:
            ui.label('not given')
