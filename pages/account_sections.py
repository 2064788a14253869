"""`/account`'s notification channel, monthly report and sessions sections (the page itself is pages/account.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from nicegui import run, ui

from components.forms import busy, clear_field_errors, show_field_error
from components.notifications import focus
from components.sessions import session_list
from models.enums import NotificationChannel
from pages.viewer import Viewer, guarded
from services import Actor, ServiceError, ValidationError, identity, messaging, reports, requests, session_scope
from services.messaging import ChannelPreference


def channel_card(viewer: Viewer, preference: ChannelPreference) -> None:
    """Email, Google Chat (with its webhook URL) or SMS to the profile phone."""

    @guarded(viewer)
    async def save() -> None:
        clear_field_errors({'webhook_url': webhook})
        error.set_visibility(False)
        values = {'channel': choice.value, 'webhook_url': webhook.value}
        with busy(save_button):
            try:
                await run.io_bound(_save_channel, viewer.actor, values)
            except ServiceError as refusal:
                field = refusal.field if isinstance(refusal, ValidationError) else None
                if not show_field_error({'webhook_url': webhook}, field, str(refusal)):
                    error.set_text(str(refusal))
                    error.set_visibility(True)
                return
        ui.notify('Notification channel saved.', type='positive', position='top')

    with ui.card().classes('w-full max-w-xl gap-3'):
        ui.label('Notifications outside the app').classes('text-lg font-semibold').props('role=heading aria-level=2')
        ui.label('Everything also shows under the bell at the top.').classes('text-sm text-grey-8')
        choice = ui.radio(_channel_words(viewer, preference), value=preference.channel.value)
        choice.props('role=radiogroup aria-label="Notification channel"').mark('account-channel')
        webhook = ui.input('Google Chat webhook URL', value=preference.webhook_url).classes('w-full')
        webhook.props('placeholder="https://chat.googleapis.com/v1/spaces/..." type=url inputmode=url')
        webhook.mark('account-webhook_url').bind_visibility_from(choice, 'value', value=NotificationChannel.GOOGLE_CHAT)
        error = ui.label().classes('text-negative text-sm').props('role=alert').mark('account-channel-error')
        error.set_visibility(False)
        save_button = ui.button('Save channel', on_click=save).mark('account-save-channel')


def _channel_words(viewer: Viewer, preference: ChannelPreference) -> dict[str, str]:
    sms = f'SMS to {preference.phone}' if preference.phone else 'SMS (add a phone to your profile first)'
    return {
        NotificationChannel.EMAIL.value: f'Email to {viewer.actor.email}',
        NotificationChannel.GOOGLE_CHAT.value: 'Google Chat (a space webhook)',
        NotificationChannel.SMS.value: sms,
    }


def report_card(viewer: Viewer, *, subscribed: bool) -> None:
    """A customer's monthly report by email: on or off (the report's own unsubscribe link turns it off too)."""

    @guarded(viewer)
    async def save(wanted: bool) -> None:
        await _run(_save_report, viewer.actor, wanted, done='Saved.' if wanted else 'No more monthly reports by email.')

    with ui.card().classes('w-full max-w-xl gap-2'):
        ui.label('Monthly report').classes('text-lg font-semibold').props('role=heading aria-level=2')
        ui.switch(
            'Email me a report of my requests on the 1st of each month',
            value=subscribed,
            on_change=lambda e: save(e.value),
        ).mark('account-monthly-report')
        ui.link('See your monthly reports', '/customer/reports').classes('text-sm')


def sessions_card(viewer: Viewer) -> None:
    """Where this account is signed in; sign out one device, or everywhere but here."""
    zone = ZoneInfo(requests.policy().timezone)

    @ui.refreshable
    def listing() -> None:
        with session_scope() as session:
            rows = identity.list_sessions(session, viewer.actor, key=viewer.key)
        session_list(rows, zone=zone, on_sign_out=sign_out_one)
        others = len([row for row in rows if not row.is_current])
        if others:
            everywhere = ui.button(
                'Sign out everywhere else', icon='logout', on_click=lambda: sign_out_others(everywhere)
            ).props('outline no-caps color=negative')
            everywhere.mark('account-sign-out-everywhere')
        else:
            ui.label('You are signed in on this device only.').classes('text-sm text-grey-8').mark('sessions-only-here')

    @guarded(viewer)
    async def sign_out_one(session_id: int) -> None:
        await _run(_sign_out_one, viewer.actor, session_id, done='Signed out that device.')
        listing.refresh()
        focus('sessions-heading')

    @guarded(viewer)
    async def sign_out_others(button: ui.button) -> None:
        with busy(button):
            await _run(_sign_out_others, viewer.actor, viewer.key, done='Signed out everywhere else.')
        listing.refresh()
        focus('sessions-heading')

    with ui.card().classes('w-full max-w-xl gap-3'):
        ui.label('Where you are signed in').classes('text-lg font-semibold').props(
            'role=heading aria-level=2 tabindex=-1 data-focus=sessions-heading'
        ).mark('sessions-heading')
        listing()


async def _run(unit: Callable[..., Any], *args: Any, done: str) -> None:
    try:
        await run.io_bound(unit, *args)
    except ServiceError as refusal:
        ui.notify(str(refusal), type='negative', position='top')
        return
    ui.notify(done, type='positive', position='top')


def _save_report(actor: Actor, subscribed: bool) -> None:
    with session_scope(write=True) as session:
        reports.set_report_subscription(session, actor, subscribed=subscribed)


def _save_channel(actor: Actor, values: dict[str, Any]) -> None:
    with session_scope(write=True) as session:
        messaging.set_channel(session, actor, **values)


def _sign_out_one(actor: Actor, session_id: int) -> None:
    with session_scope(write=True) as session:
        identity.sign_out_session(session, actor, session_id=session_id)


def _sign_out_others(actor: Actor, key: str) -> None:
    with session_scope(write=True) as session:
        identity.sign_out_everywhere_else(session, actor, key=key)
