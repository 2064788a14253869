"""Webhook endpoints as the admin manages them: one card per endpoint (its URL, the events it receives, its
deliveries counted by state, its actions) with its latest deliveries under it; the form that adds or edits one; and
the dialog that shows a new secret, once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from nicegui import ui

from components.outbox import STATE_COLOURS, STATE_WORDS
from components.words import local_time
from models.enums import OutboxState
from services.webhooks import DeliveryRow, EndpointRow

RETRYABLE = (OutboxState.FAILED, OutboxState.NOT_CONFIGURED)


@dataclass(frozen=True)
class EndpointActions:
    """What each button of an endpoint's card does (the page's handlers, each taking the endpoint's id)."""

    test: Callable[[int], object]
    edit: Callable[[int], object]
    switch: Callable[[int, bool], object]
    rotate: Callable[[int], object]
    remove: Callable[[int], object]
    retry: Callable[[int], object]  # a delivery's id


def endpoint_card(
    endpoint: EndpointRow,
    deliveries: tuple[DeliveryRow, ...],
    *,
    event_words: dict[str, str],
    zone: ZoneInfo,
    actions: EndpointActions,
) -> None:
    marker = f'webhook-{endpoint.id}'
    with ui.card().classes('w-full gap-2').props('flat bordered').mark(marker):
        with ui.row().classes('w-full items-center justify-between gap-2 no-wrap'):
            ui.label(endpoint.url).classes('font-semibold break-all').mark(f'{marker}-url')
            on = endpoint.is_active
            ui.badge('on' if on else 'off', color='positive' if on else 'grey-8').mark(f'{marker}-state')
        if endpoint.description:
            ui.label(endpoint.description)
        ui.label('Receives: ' + ', '.join(event_words.get(name, name) for name in endpoint.event_types)).classes(
            'text-sm'
        )
        counts = [f'{count:,} {STATE_WORDS[state]}' for state, count in endpoint.counts if count]
        facts = [
            ' · '.join(counts) or 'nothing sent yet',
            f'secret made {local_time(endpoint.secret_rotated_at, zone)}',
        ]
        ui.label(' · '.join(facts)).classes('text-grey-8 text-sm').mark(f'{marker}-counts')
        with ui.row().classes('items-center gap-2 flex-wrap'):
            _button('Send test event', 'send', lambda: actions.test(endpoint.id), f'{marker}-test')
            _button('Edit', 'edit', lambda: actions.edit(endpoint.id), f'{marker}-edit')
            words, icon = ('Switch off', 'pause') if endpoint.is_active else ('Switch on', 'play_arrow')
            _button(words, icon, lambda: actions.switch(endpoint.id, not endpoint.is_active), f'{marker}-switch')
            _button('New secret', 'key', lambda: actions.rotate(endpoint.id), f'{marker}-rotate')
            _button('Remove', 'delete', lambda: actions.remove(endpoint.id), f'{marker}-remove', colour='negative')
        if deliveries:
            ui.label('Latest deliveries').classes('font-semibold').props('role=heading aria-level=3')
            with ui.column().classes('w-full gap-1').mark(f'{marker}-deliveries'):
                for delivery in deliveries:
                    delivery_line(delivery, zone=zone, on_retry=actions.retry)


def delivery_line(delivery: DeliveryRow, *, zone: ZoneInfo, on_retry: Callable[[int], object]) -> None:
    marker = f'delivery-{delivery.id}'
    with ui.column().classes('w-full gap-0 border-t pt-1').mark(marker):
        with ui.row().classes('w-full items-center justify-between gap-2 no-wrap'):
            ui.label(delivery.event_type).classes('font-mono text-sm')
            ui.badge(STATE_WORDS[delivery.state], color=STATE_COLOURS[delivery.state]).mark(f'{marker}-state')
        facts = [local_time(delivery.created_at, zone, seconds=True), _attempts(delivery.attempts)]
        if delivery.state is OutboxState.PENDING and delivery.attempts:
            facts.append(f'next try {local_time(delivery.next_attempt_at, zone, seconds=True)}')
        ui.label(' · '.join(facts)).classes('text-grey-8 text-sm')
        ui.label(delivery.webhook_id).classes('text-grey-8 text-xs font-mono break-all')  # the receiver's webhook-id
        if delivery.last_error:
            ui.label(f'Last error: {delivery.last_error}').classes('text-negative text-sm break-all').mark(
                f'{marker}-error'
            )
        if delivery.state in RETRYABLE:
            _button('Retry', 'replay', lambda: on_retry(delivery.id), f'{marker}-retry')


def endpoint_form(
    *, event_words: dict[str, str], url: str = '', description: str = '', chosen: tuple[str, ...] = ()
) -> tuple[ui.input, ui.input, ui.select]:
    """The URL, a description and the events, as inputs the page reads (the service layer checks them)."""
    url_input = (
        ui.input('URL', value=url, placeholder='https://hooks.example.com/household-services')
        .props('type=url inputmode=url autocomplete=url spellcheck=false')
        .classes('w-full')
        .mark('webhook-form-url')
    )
    description_input = (
        ui.input('Description (optional)', value=description)
        .props('autocomplete=off maxlength=200')
        .classes('w-full')
        .mark('webhook-form-description')
    )
    events = (
        ui.select(event_words, label='Events', value=list(chosen), multiple=True)
        .props('use-chips autocomplete=off')
        .classes('w-full')
        .mark('webhook-form-events')
    )
    return url_input, description_input, events


async def show_secret(secret: str, *, title: str) -> None:
    """The secret, once: the admin copies it into the receiver, which verifies every delivery with it."""
    with ui.dialog() as dialog, ui.card().classes('w-full max-w-lg gap-3').props('role=alertdialog'):
        ui.label(title).classes('text-lg font-semibold').props('role=heading aria-level=2')
        ui.label(
            'Copy this signing secret into your receiver now: it is not shown again. The receiver checks each '
            "delivery's webhook-signature with it (Standard Webhooks)."
        )
        ui.textarea('Signing secret', value=secret).props('readonly autogrow autocomplete=off').classes(
            'w-full font-mono'
        ).mark('webhook-secret')
        with ui.row().classes('w-full justify-end gap-2'):
            ui.button('Copy', icon='content_copy', on_click=lambda: ui.clipboard.write(secret)).props(
                'outline no-caps'
            ).mark('webhook-secret-copy')
            ui.button('Done', on_click=dialog.close).props('no-caps').mark('webhook-secret-done')
    dialog.open()
    await dialog
    dialog.delete()


def _button(words: str, icon: str, handler: Callable[[], object], marker: str, *, colour: str = '') -> ui.button:
    props = f'outline no-caps {f"color={colour}" if colour else ""}'.strip()
    return ui.button(words, icon=icon, on_click=handler).props(props).mark(marker)


def _attempts(count: int) -> str:
    return f'{count} attempt{"" if count == 1 else "s"}'
