"""Sign-in, sign-up and sign-out pages, and `/`, which sends you to your role's home."""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import APIRouter, app, run, ui

from components.forms import FIELD_HINTS, NOT_MINE, busy, clear_field_errors, notice, show_field_error, with_hints
from components.frame import public_frame
from models.enums import Role
from pages.viewer import (
    SESSION_KEY,
    fresh_browser_storage,
    home_path,
    require_viewer,
    safe_redirect,
    session_key,
)
from services import ServiceError, ValidationError, catalog, identity, people, session_scope
from services.catalog import ServiceRow
from services.identity import SignedIn

router = APIRouter()
HANDOVER = 'sign_in_handover'  # + ':<ticket>': a new session's key on its way to /login/finish
HANDOVER_SECONDS = 60


@router.page('/', title='Household Services')
async def index_page() -> RedirectResponse:
    viewer = await require_viewer()
    return RedirectResponse(home_path(viewer.actor))


@router.page('/login', title='Sign in · Household Services')
async def login_page(request: Request, redirect_to: str = '/', ended: str = '') -> RedirectResponse | None:
    viewer = await require_viewer()
    target = safe_redirect(redirect_to)
    if viewer.actor is not None:
        return RedirectResponse(target if target != '/' else home_path(viewer.actor))
    ended_words = await run.io_bound(identity.ended_notice, session_key()) if ended else ''
    storage = app.storage.user  # this browser's storage, captured while the request is ours
    client_ip, user_agent = _client_of(request)

    async def submit() -> None:
        with busy(button):
            try:
                signed_in = await run.io_bound(
                    identity.sign_in, email.value, password.value, client_ip=client_ip, user_agent=user_agent
                )
            except ServiceError as error:  # stays on the page, in words, until they try again or leave
                password.value = ''
                refusal.text = str(error)
                refusal.set_visibility(True)
                return
        ui.navigate.to(_hand_over(storage, signed_in, target if target != '/' else home_path(signed_in.actor)))

    with public_frame('Sign in'):
        if ended_words:
            notice(ended_words).mark('login-ended')
        refusal = ui.label().classes('w-full p-3 rounded bg-red-1 text-grey-10').props('role=alert')
        refusal.mark('login-refusal').set_visibility(False)
        email = ui.input('Email').props('type=email autocomplete=username autofocus').classes('w-full')
        email.mark('login-email')
        password = ui.input('Password', password=True, password_toggle_button=True)
        password.props('autocomplete=current-password').classes('w-full').mark('login-password')
        password.on('keydown.enter', submit)
        button = ui.button('Sign in', on_click=submit).classes('w-full').mark('login-submit')
        with ui.row().classes('w-full justify-center items-center gap-1 text-sm'):
            ui.label('New here?')
            ui.link('Create an account', '/register').mark('login-register-link')
    return None


@router.page('/register', title='Create an account · Household Services')
async def register_page(request: Request) -> RedirectResponse | None:
    viewer = await require_viewer()
    if viewer.actor is not None:
        return RedirectResponse(home_path(viewer.actor))
    storage = app.storage.user
    client_ip, user_agent = _client_of(request)
    with session_scope() as session:
        services = catalog.list_services(session)

    async def submit(kind: str, form: dict[str, ui.element]) -> None:
        clear_field_errors(form)
        values = {name: element.value for name, element in form.items()}
        try:
            with busy(*buttons):
                signed_in = await run.io_bound(_sign_up_and_in, kind, values, client_ip, user_agent)
        except ValidationError as error:
            if not show_field_error(form, error.field, str(error)):
                ui.notify(str(error), type='negative', position='top')
            return
        except ServiceError as error:
            ui.notify(str(error), type='negative', position='top')
            return
        ui.navigate.to(_hand_over(storage, signed_in, home_path(signed_in.actor)))

    with public_frame('Create an account'):
        # two equal halves whose words wrap on a narrow phone (320 px) rather than scroll out of the card
        with ui.tabs().classes('w-full').props('align=justify') as tabs:
            customer_tab = ui.tab('customer', 'I need a service').mark('register-tab-customer')
            professional_tab = ui.tab('professional', 'I offer a service').mark('register-tab-professional')
            for tab in (customer_tab, professional_tab):
                tab.classes('px-2 whitespace-normal leading-tight')
        with ui.tab_panels(tabs, value=customer_tab).classes('w-full'):
            with ui.tab_panel(customer_tab).classes('p-0 gap-3'):
                form = _person_inputs('customer')
                form['address'] = ui.textarea('Address').props(f'autogrow {FIELD_HINTS["address"]}').classes('w-full')
                form['address'].mark('customer-address')
                form['pincode'] = ui.input('Pincode').props(FIELD_HINTS['pincode']).classes('w-full')
                form['pincode'].mark('customer-pincode')
                buttons = [
                    ui.button('Create customer account', on_click=lambda f=form: submit('customer', f))
                    .classes('w-full')
                    .mark('customer-submit')
                ]
            with ui.tab_panel(professional_tab).classes('p-0 gap-3'):
                buttons += _professional_form(services, submit)
        with ui.row().classes('w-full justify-center items-center gap-1 text-sm'):
            ui.label('Already have an account?')
            ui.link('Sign in', '/login')
    return None


@router.page('/logout', title='Signing out')
async def logout_page() -> RedirectResponse:
    key = session_key()
    if key:
        await run.io_bound(_sign_out, key)
        del app.storage.user[SESSION_KEY]
    return RedirectResponse('/login')


def _professional_form(services: list[ServiceRow], submit: Any) -> list[ui.button]:
    if not services:
        ui.label('No services are offered yet, so professionals cannot sign up. Please check back soon.')
        return []
    form = _person_inputs('professional')
    form['service_id'] = ui.select({s.id: f'{s.name} ({s.category})' for s in services}, label='Service you offer')
    form['service_id'].classes('w-full').mark('professional-service')
    form['experience_years'] = ui.number('Experience (years)', min=0, max=70, step=1, precision=0)
    form['experience_years'].classes('w-full').mark('professional-experience')
    form['description'] = ui.textarea('About your work').props('autogrow').classes('w-full')
    form['description'].mark('professional-description')
    form['pincodes'] = ui.input('Pincodes you serve', placeholder='560001, 560002').props(NOT_MINE).classes('w-full')
    form['pincodes'].mark('professional-pincodes')
    ui.label('An admin reviews every professional before they can take requests.').classes('text-sm text-grey-7')
    return [
        ui.button('Create professional account', on_click=lambda: submit('professional', form))
        .classes('w-full')
        .mark('professional-submit')
    ]


def _person_inputs(kind: str) -> dict[str, ui.element]:
    form: dict[str, ui.element] = {
        'name': ui.input('Full name'),
        'email': ui.input('Email'),
        'phone': ui.input('Phone' if kind == 'professional' else 'Phone (optional)', placeholder='+919876543210'),
        'password': ui.input('Password', password=True, password_toggle_button=True).props(
            'autocomplete=new-password hint="8+ characters, not a common password"'
        ),
    }
    for name, element in with_hints(form).items():
        element.classes('w-full').mark(f'{kind}-{name}')
    return form


def _sign_up_and_in(kind: str, values: dict[str, Any], client_ip: str, user_agent: str) -> SignedIn:
    return people.register(Role(kind), values, client_ip=client_ip, user_agent=user_agent)


def _sign_out(key: str) -> None:
    with session_scope(write=True) as session:
        identity.sign_out(session, key)


@router.get('/login/finish')
async def finish_sign_in(request: Request, ticket: str = '', to: str = '/') -> RedirectResponse:
    """The last step of signing in or up, over HTTP: the browser gets a new id, and the session key goes into that
    id's storage, so an id planted in the browser before (session fixation) is never the signed-in one. The ticket
    names the hand-over the sign-in left in the storage of the id the browser had; used once, within a minute."""
    handover = app.storage.user.pop(f'{HANDOVER}:{ticket}', None) if ticket else None
    if not isinstance(handover, dict) or time.time() - handover.get('at', 0) > HANDOVER_SECONDS:
        return RedirectResponse('/login')
    storage = await fresh_browser_storage(request)
    storage[SESSION_KEY] = handover['key']
    return RedirectResponse(safe_redirect(to))


def _hand_over(storage: Any, signed_in: SignedIn, target: str) -> str:
    """Leave the new session's key for /login/finish and return where to go for it."""
    ticket = secrets.token_urlsafe(24)
    storage[f'{HANDOVER}:{ticket}'] = {'key': signed_in.key, 'at': time.time()}
    return f'/login/finish?ticket={ticket}&to={quote(target, safe="")}'


def _client_of(request: Request) -> tuple[str, str]:
    # The peer address. Uvicorn replaces it with X-Forwarded-For only when the request comes from a
    # proxy it trusts (127.0.0.1 unless FORWARDED_ALLOW_IPS says otherwise), so nobody can forge it.
    return (request.client.host if request.client else ''), request.headers.get('user-agent', '')
