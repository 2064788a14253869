"""`/account`: every signed-in user's profile, password, notification channel and active sessions."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import APIRouter, run, ui

from components.forms import busy, clear_field_errors, show_field_error, with_hints
from components.frame import frame
from components.profile import approval_banner
from models.enums import Role
from pages.account_sections import channel_card, report_card, sessions_card
from pages.viewer import Viewer, frame_options, guarded, require_viewer
from services import Actor, ServiceError, ValidationError, identity, messaging, people, reports, session_scope
from services.people import ProfileView

router = APIRouter()


@router.page('/account', title='Account · Household Services')
async def account_page(request: Request) -> RedirectResponse | None:
    viewer = await require_viewer()
    if viewer.redirect:
        return viewer.redirect
    with session_scope() as session:
        profile = people.get_profile(session, viewer.actor)
        channel = messaging.get_channel(session, viewer.actor)
        subscribed = reports.report_subscription(session, viewer.actor) if viewer.actor.role is Role.CUSTOMER else None
    with frame('Account', **frame_options(viewer)):
        approval_banner(profile.approval_state, profile.approval_reason)
        _profile_card(viewer, profile)
        _password_card(viewer, request.client.host if request.client else '')
        channel_card(viewer, channel)
        if subscribed is not None:
            report_card(viewer, subscribed=subscribed)
        sessions_card(viewer)
    return None


def _profile_card(viewer: Viewer, profile: ProfileView) -> None:
    @guarded(viewer)
    async def save() -> None:
        with busy(save_button):
            await _submit(form, _save_profile, viewer.actor, {name: el.value for name, el in form.items()})

    with ui.card().classes('w-full max-w-xl gap-3'):
        ui.label('Profile').classes('text-lg font-semibold').props('role=heading aria-level=2')
        ui.label(f'Email: {profile.email}')
        form: dict[str, ui.element] = {
            'name': ui.input('Full name', value=profile.name),
            'phone': ui.input('Phone', value=profile.phone, placeholder='+919876543210'),
        }
        if profile.role is Role.CUSTOMER:
            form['address'] = ui.textarea('Default address', value=profile.address).props('autogrow')
            form['pincode'] = ui.input('Default pincode', value=profile.pincode)
        for name, element in with_hints(form).items():
            element.classes('w-full').mark(f'account-{name}')
        save_button = ui.button('Save profile', on_click=save).mark('account-save')


def _password_card(viewer: Viewer, client_ip: str) -> None:
    @guarded(viewer)
    async def change() -> None:
        clear_field_errors(form)
        if form['new_password'].value != confirm.value:
            show_field_error(form, 'new_password', 'The two new passwords differ.')
            return
        values = {'current_password': form['current_password'].value, 'new_password': form['new_password'].value}
        with busy(change_button):
            changed = await _submit(form, _change_password, viewer.actor, values, key=viewer.key, client_ip=client_ip)
        if changed:
            for element in (*form.values(), confirm):
                element.value = ''

    with ui.card().classes('w-full max-w-xl gap-3'):
        ui.label('Password').classes('text-lg font-semibold').props('role=heading aria-level=2')
        form: dict[str, ui.element] = {
            'current_password': ui.input('Current password', password=True).props('autocomplete=current-password'),
            'new_password': ui.input('New password', password=True).props('autocomplete=new-password'),
        }
        confirm = ui.input('New password again', password=True).props('autocomplete=new-password')
        for name, element in (*form.items(), ('confirm', confirm)):
            element.classes('w-full').mark(f'account-{name}')
        ui.label('Changing it signs you out everywhere else.').classes('text-sm text-grey-7')
        change_button = ui.button('Change password', on_click=change).mark('account-change-password')


async def _submit(form: dict[str, ui.element], unit: Any, actor: Actor, values: dict[str, Any], **extra: Any) -> bool:
    clear_field_errors(form)
    try:
        message = await run.io_bound(unit, actor, values, **extra)
    except ValidationError as error:
        if not show_field_error(form, error.field, str(error)):
            ui.notify(str(error), type='negative', position='top')
        return False
    except ServiceError as error:
        ui.notify(str(error), type='negative', position='top')
        return False
    ui.notify(message, type='positive', position='top')
    return True


def _save_profile(actor: Actor, values: dict[str, Any]) -> str:
    with session_scope(write=True) as session:
        people.update_profile(session, actor, **values)
    return 'Profile saved.'


def _change_password(actor: Actor, values: dict[str, Any], *, key: str, client_ip: str) -> str:
    identity.change_password(actor, key=key, client_ip=client_ip, **values)
    return 'Password changed. Your other sessions were signed out.'
