"""The outbox as the admin watches it: counts per state, one line per message (its state, attempts, last error and
a Retry button when it failed), and the buttons that send the admin a test message on each channel."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from nicegui import ui

from components.words import local_time
from models.enums import NotificationChannel, OutboxState
from services.messaging import OutboxRow, TestChannels

STATE_WORDS = {
    OutboxState.PENDING: 'waiting to send',
    OutboxState.SENDING: 'sending',
    OutboxState.SENT: 'sent',
    OutboxState.FAILED: 'failed',
    OutboxState.NOT_CONFIGURED: 'channel not set up',
}
STATE_COLOURS = {
    OutboxState.PENDING: 'grey-8',
    OutboxState.SENDING: 'primary',
    OutboxState.SENT: 'positive',
    OutboxState.FAILED: 'negative',
    OutboxState.NOT_CONFIGURED: 'orange-10',
}
CHANNEL_WORDS = {
    NotificationChannel.EMAIL: 'Email',
    NotificationChannel.GOOGLE_CHAT: 'Google Chat',
    NotificationChannel.SMS: 'SMS',
    NotificationChannel.WEBHOOK: 'webhook',
}
KIND_WORDS = {
    'reminder': 'Daily reminder',
    'notifications': 'Notifications',
    'test': 'Test message',
    'monthly-report': 'Monthly report',
    'export': 'Export ready',
}


def state_counts(counts: tuple[tuple[OutboxState, int], ...], *, link_for: Callable[[OutboxState], str]) -> None:
    """'3 waiting to send · 120 sent · 2 failed', each a link to the messages in that state."""
    with ui.row().classes('items-center gap-x-4 gap-y-2 flex-wrap').mark('outbox-counts'):
        for state, count in counts:
            ui.link(f'{count:,} {STATE_WORDS[state]}', link_for(state)).classes(
                f'text-{STATE_COLOURS[state]}' if count else 'text-grey-8'
            ).mark(f'outbox-count-{state.value}')


def message_line(row: OutboxRow, *, zone: ZoneInfo, on_retry: Callable[[int], object]) -> None:
    """One message: what and to whom, on which channel, its state, attempts and the last error."""
    with ui.card().classes('w-full gap-1').props('flat bordered').mark(f'outbox-{row.id}'):
        with ui.row().classes('w-full items-center justify-between gap-2'):
            ui.label(_what(row)).classes('font-semibold')
            ui.badge(STATE_WORDS[row.state], color=STATE_COLOURS[row.state]).mark(f'outbox-{row.id}-state')
        ui.label(_to_whom(row))
        facts = [f'written {local_time(row.created_at, zone, seconds=True)}', _attempts(row.attempts)]
        if row.sent_at:
            facts.append(f'sent {local_time(row.sent_at, zone, seconds=True)}')
        elif row.state is OutboxState.PENDING and row.attempts:
            facts.append(f'next try {local_time(row.next_attempt_at, zone, seconds=True)}')
        ui.label(' · '.join(facts)).classes('text-grey-8 text-sm')
        if row.last_error:
            ui.label(f'Last error: {row.last_error}').classes('text-negative text-sm break-all').mark(
                f'outbox-{row.id}-error'
            )
        if row.can_retry:
            ui.button('Retry', icon='replay', on_click=lambda: on_retry(row.id)).props('outline no-caps').mark(
                f'outbox-{row.id}-retry'
            )


def _what(row: OutboxRow) -> str:
    if row.channel is NotificationChannel.WEBHOOK:
        return f'Webhook event: {row.subject}'  # its kind is the event too
    return f'{KIND_WORDS.get(row.kind, row.kind)}: {row.subject}'


def _to_whom(row: OutboxRow) -> str:
    if row.channel is NotificationChannel.WEBHOOK:
        return f'To {row.address}, an endpoint {row.recipient_name} added (on Webhooks)'
    return f'To {row.recipient_name} by {CHANNEL_WORDS[row.channel]} ({row.address or "no address"})'


def test_buttons(channels: TestChannels, *, on_send: Callable[[NotificationChannel], object]) -> None:
    """A test message to the admin themself on each channel, or why a channel cannot take one."""
    with ui.row().classes('items-start gap-4 flex-wrap').mark('outbox-tests'):
        for channel, reason in _test_reasons(channels).items():
            with ui.column().classes('gap-1'):
                button = (
                    ui.button(f'Test {CHANNEL_WORDS[channel]}', icon='send', on_click=lambda c=channel: on_send(c))
                    .props('outline no-caps')
                    .mark(f'outbox-test-{channel.value}')
                )
                if reason and not channels_ready(channels, channel):
                    button.disable()
                if reason:
                    ui.label(reason).classes('text-grey-8 text-sm')


def channels_ready(channels: TestChannels, channel: NotificationChannel) -> bool:
    """The admin has an address on this channel (whether the site has set it up or not)."""
    return {
        NotificationChannel.EMAIL: bool(channels.email),
        NotificationChannel.GOOGLE_CHAT: channels.chat_webhook,
        NotificationChannel.SMS: bool(channels.phone),
    }[channel]


def _test_reasons(channels: TestChannels) -> dict[NotificationChannel, str]:
    """Why a test on each channel cannot go, or will wait: '' when it will go out."""
    missing = {
        NotificationChannel.EMAIL: 'No email address.',
        NotificationChannel.GOOGLE_CHAT: 'Add a webhook URL on your account page.',
        NotificationChannel.SMS: 'Add a phone number on your account page.',
    }
    unset = 'Not set up on this site: it will wait as "channel not set up".'
    return {
        channel: ('' if channel in channels.configured else unset) if channels_ready(channels, channel) else words
        for channel, words in missing.items()
    }


def _attempts(count: int) -> str:
    return 'not tried yet' if not count else f'{count} attempt{"s" if count != 1 else ""}'
