"""The admin's outbox (`/admin/outbox`): the messages that leave the app, newest first, by state (in the URL), with
their attempts and last error; Retry for a failed one; and a test message to the admin on each channel."""

from __future__ import annotations

import contextlib
from zoneinfo import ZoneInfo

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, run, ui

from components.filters import filter_card, known
from components.frame import frame
from components.outbox import STATE_WORDS, message_line, state_counts, test_buttons
from components.pager import pager
from models.enums import NotificationChannel, OutboxState, Role
from pages import live
from pages.viewer import Viewer, frame_options, guarded, require_viewer, with_query
from services import Actor, ServiceError, messaging, session_scope
from services.messaging import OutboxPage, TestChannels

router = APIRouter(prefix='/admin')
PATH = '/admin/outbox'
STATES = {state.value: words for state, words in STATE_WORDS.items()}

OUTBOX_PAUSE_SECONDS = 1.0  # a delivery run changes many messages: the list is read again at most once a second


@router.page('/outbox', title='Outbox · Household Services')
async def outbox_page(state: str = '', cursor: str = '') -> RedirectResponse | None:
    viewer = await require_viewer(Role.ADMIN)
    if viewer.redirect:
        return viewer.redirect
    page, channels, refusal = None, None, None
    try:
        page, channels = await run.io_bound(_read, viewer.actor, state, cursor)
    except ServiceError as error:
        refusal = error
    with frame('Outbox', **frame_options(viewer)):
        ui.label(
            'Messages that leave the app: daily reminders, notifications and test messages, by email, Google Chat '
            'or SMS. Each is tried again after a growing pause when the other side may recover; a failed one can '
            'be retried here.'
        ).classes('text-grey-8')
        if channels is not None:
            _tests(viewer, channels)
        _filter(state, fold=refusal is None)
        if refusal is not None:
            ui.label(str(refusal)).classes('text-negative').mark('outbox-problem')
            ui.link('Show every message', PATH)
        if page is not None:
            messages = ui.refreshable(_messages)
            messages(viewer, page, state)

            async def again() -> None:
                with contextlib.suppress(ServiceError):  # a stale cursor: the next reload by the admin says so
                    messages.refresh(viewer, (await run.io_bound(_read, viewer.actor, state, cursor))[0], state)

            live.follow({messaging.OUTBOX_CHANGED}, again, pause=OUTBOX_PAUSE_SECONDS)
    return None


def _tests(viewer: Viewer, channels: TestChannels) -> None:
    @guarded(viewer)
    async def send(channel: NotificationChannel) -> None:
        try:
            await run.io_bound(_send_test, viewer.actor, channel)
        except ServiceError as error:
            ui.notify(str(error), type='negative')
            return
        ui.notify('Test message queued: it goes out in a moment, below.', type='positive')

    ui.label('Send yourself a test message').classes('text-lg font-semibold').props('role=heading aria-level=2')
    test_buttons(channels, on_send=send)


def _filter(state: str, *, fold: bool) -> None:
    """The state filter, in the shared filter card (on a phone: a Filters button and a chip for the state shown)."""
    choices = {'': 'Every state', **STATES}
    filter_card(
        lambda: {'state': ui.select(choices, label='State', value=known(state, STATES))},
        to_url=lambda values: with_query(PATH, state=values['state']),
        clear_url=PATH,
        marker='outbox',
        apply_text='Show',
        apply_icon='filter_alt',
        columns=3,
        label='Filter the messages',
        fold=fold,
    )


def _messages(viewer: Viewer, page: OutboxPage, state: str) -> None:
    @guarded(viewer)
    async def retry(message_id: int) -> None:
        try:
            await run.io_bound(_retry, viewer.actor, message_id)
        except ServiceError as error:
            ui.notify(str(error), type='negative')
        else:
            ui.notify('Queued again from the first attempt.', type='positive')
        ui.navigate.to(with_query(PATH, state=state))

    @guarded(viewer)
    async def retry_all() -> None:
        count = await run.io_bound(_retry_all, viewer.actor)
        ui.notify(f'{count} message{"s" if count != 1 else ""} queued again from the first attempt.', type='positive')
        ui.navigate.to(with_query(PATH, state=state))

    state_counts(page.counts, link_for=lambda s: with_query(PATH, state=s.value))
    stuck = sum(count for s, count in page.counts if s in (OutboxState.FAILED, OutboxState.NOT_CONFIGURED))
    if stuck:
        ui.button(f'Retry all {stuck} failed', icon='replay', on_click=retry_all).props('outline no-caps').mark(
            'outbox-retry-all'
        )
    if not page.rows:
        words = f'No message is {STATE_WORDS[OutboxState(state)]}.' if state in STATES else 'No message yet.'
        ui.label(words).classes('text-grey-8').mark('outbox-empty')
    zone = ZoneInfo(page.timezone)
    with ui.column().classes('w-full gap-2').mark('outbox-list'):
        for row in page.rows:
            message_line(row, zone=zone, on_retry=retry)
    pager(
        total_label=page.total_label,
        noun='message' if page.total == 1 and not page.total_capped else 'messages',
        previous_url=with_query(PATH, state=state, cursor=page.previous_cursor) if page.previous_cursor else None,
        next_url=with_query(PATH, state=state, cursor=page.next_cursor) if page.next_cursor else None,
        marker='outbox',
    )


def _read(actor: Actor, state: str, cursor: str) -> tuple[OutboxPage, TestChannels]:
    with session_scope() as session:
        channels = messaging.test_channels(session, actor)
        return messaging.list_outbox(session, actor, state=state or None, cursor=cursor or None), channels


def _send_test(actor: Actor, channel: NotificationChannel) -> None:
    with session_scope(write=True) as session:
        messaging.send_test_message(session, actor, channel=channel.value)


def _retry_all(actor: Actor) -> int:
    with session_scope(write=True) as session:
        return messaging.retry_all_failed(session, actor)


def _retry(actor: Actor, message_id: int) -> None:
    with session_scope(write=True) as session:
        messaging.retry_message(session, actor, message_id=message_id)
