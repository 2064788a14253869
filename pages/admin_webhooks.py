"""The admin's webhooks (`/admin/webhooks`): the endpoints that receive the marketplace's events, each with its latest
deliveries (state, attempts, last error, Retry); adding one (its secret shown once), editing, switching off and on,
a new secret, a test event, removing. The list follows the outbox live: a receiver that went down and came back shows
its deliveries failing, retried, then sent, without a reload."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, run, ui

from components.dialogs import confirm
from components.frame import frame
from components.webhooks import EndpointActions, endpoint_card, endpoint_form, show_secret
from models.enums import Role
from pages import live
from pages.viewer import Viewer, frame_options, guarded, require_viewer
from services import Actor, ServiceError, ValidationError, messaging, requests, session_scope, webhooks
from services.webhooks import DeliveryRow, EndpointRow

router = APIRouter(prefix='/admin')
PATH = '/admin/webhooks'
PAUSE_SECONDS = 1.0  # a delivery run changes many rows: the list is read again at most once a second
Listed = list[tuple[EndpointRow, tuple[DeliveryRow, ...]]]


@router.page('/webhooks', title='Webhooks · Household Services')
async def webhooks_page() -> RedirectResponse | None:
    viewer = await require_viewer(Role.ADMIN)
    if viewer.redirect:
        return viewer.redirect
    listed = await run.io_bound(_read, viewer.actor)
    with frame('Webhooks', **frame_options(viewer)):
        ui.label(
            "Send the marketplace's events to your own systems (a CRM, WhatsApp reminders, accounting): each event an "
            'endpoint asked for is posted to it as JSON, signed by the Standard Webhooks scheme, and tried again '
            'after a growing pause until it is taken.'
        ).classes('text-grey-8')
        endpoints = ui.refreshable(_endpoints)
        host = ui.element('div')  # the dialogs' place: a card's buttons go when the list is drawn again under them

        async def again() -> None:
            endpoints.refresh(viewer, await run.io_bound(_read, viewer.actor), again, host)

        ui.button('Add an endpoint', icon='add', on_click=guarded(viewer)(lambda: _add(viewer, again))).props(
            'no-caps unelevated'
        ).mark('webhook-add')
        endpoints(viewer, listed, again, host)
        live.follow({messaging.OUTBOX_CHANGED, webhooks.ENDPOINTS_CHANGED}, again, pause=PAUSE_SECONDS)
    return None


def _endpoints(viewer: Viewer, listed: Listed, again: Callable[[], Awaitable[None]], host: ui.element) -> None:
    if not listed:
        ui.label('No endpoint yet: add one to receive events.').classes('text-grey-8').mark('webhook-empty')
        return
    actions = _actions(viewer, again, host)
    zone = ZoneInfo(requests.policy().timezone)
    with ui.column().classes('w-full gap-3').mark('webhook-list'):
        for endpoint, deliveries in listed:
            endpoint_card(endpoint, deliveries, event_words=webhooks.EVENT_TYPES, zone=zone, actions=actions)


def _actions(viewer: Viewer, again: Callable[[], Awaitable[None]], host: ui.element) -> EndpointActions:
    async def act(call: Callable[..., Any], *args: Any, done: str = '') -> Any:
        try:
            result = await run.io_bound(_unit, call, viewer.actor, *args)
        except ServiceError as error:
            ui.notify(str(error), type='negative')
            return None
        if done:
            ui.notify(done, type='positive')
        await again()
        return result if result is not None else True

    async def test(endpoint_id: int) -> None:
        await act(_send_test, endpoint_id, done='Test event queued: it goes out in a moment, below.')

    async def switch(endpoint_id: int, on: bool) -> None:
        await act(_switch, endpoint_id, on, done='Switched on.' if on else 'Switched off: nothing new is sent to it.')

    async def rotate(endpoint_id: int) -> None:
        with host:
            asked = await confirm(
                'Make a new secret?',
                'The old secret stops signing at once: deliveries from now on (retries too) carry the new one.',
                action='Make a new secret',
                marker='webhook-rotate',
            )
        secret = await act(_rotate, endpoint_id) if asked else None
        if secret:
            with host:
                await show_secret(secret, title='The new signing secret')

    async def remove(endpoint_id: int) -> None:
        with host:
            asked = await confirm(
                'Remove this endpoint?',
                'It receives nothing more, and its deliveries (sent and waiting) are deleted.',
                action='Remove',
                marker='webhook-remove',
            )
        if asked:
            await act(_remove, endpoint_id, done='Endpoint removed.')

    async def retry(message_id: int) -> None:
        await act(_retry, message_id, done='Queued again from the first attempt.')

    async def edit(endpoint_id: int) -> None:
        with host:
            await _edit(viewer, endpoint_id, again)

    wrap = guarded(viewer)
    return EndpointActions(wrap(test), wrap(edit), wrap(switch), wrap(rotate), wrap(remove), wrap(retry))


async def _add(viewer: Viewer, again: Callable[[], Awaitable[None]]) -> None:
    created = await _form_dialog(
        'Add an endpoint',
        'Add endpoint',
        lambda url, description, events: _unit(_create, viewer.actor, url, description, events),
    )
    if created is not None:
        await again()
        await show_secret(created.secret, title='Endpoint added')


async def _edit(viewer: Viewer, endpoint_id: int, again: Callable[[], Awaitable[None]]) -> None:
    endpoint = next((e for e, _ in await run.io_bound(_read, viewer.actor) if e.id == endpoint_id), None)
    if endpoint is None:
        ui.notify('That webhook endpoint does not exist.', type='negative')
        return
    saved = await _form_dialog(
        'Edit the endpoint',
        'Save',
        lambda url, description, events: _unit(_change, viewer.actor, endpoint_id, url, description, events),
        initial=endpoint,
    )
    if saved is not None:
        ui.notify('Saved.', type='positive')
        await again()


async def _form_dialog(
    title: str, action: str, save: Callable[[str, str, list[str]], Any], *, initial: EndpointRow | None = None
) -> Any:
    """The endpoint form in a dialog; `save` runs in a thread when the admin submits. A refusal shows in the dialog,
    which stays open with what was typed. The saved result, or None when the admin backed out."""
    with ui.dialog() as dialog, ui.card().classes('w-full max-w-lg gap-3'):
        ui.label(title).classes('text-lg font-semibold').props('role=heading aria-level=2')
        url, description, events = endpoint_form(
            event_words=webhooks.EVENT_TYPES,
            url=initial.url if initial else '',
            description=initial.description if initial else '',
            chosen=initial.event_types if initial else (),
        )
        problem = ui.label().classes('text-negative').mark('webhook-form-problem')
        problem.set_visibility(False)

        async def submit() -> None:
            try:
                result = await run.io_bound(save, url.value or '', description.value or '', list(events.value or []))
            except ValidationError as error:
                problem.set_text(str(error))
                problem.set_visibility(True)
                return
            except ServiceError as error:
                ui.notify(str(error), type='negative')
                dialog.submit(None)
                return
            dialog.submit(result)

        with ui.row().classes('w-full justify-end gap-2'):
            ui.button('Cancel', on_click=lambda: dialog.submit(None)).props('flat no-caps').mark('webhook-form-cancel')
            ui.button(action, on_click=submit).props('no-caps unelevated').mark('webhook-form-save')
    try:
        return await dialog
    finally:
        dialog.delete()


def _read(actor: Actor) -> Listed:
    with session_scope() as session:
        endpoints = webhooks.list_endpoints(session, actor)
        return [(e, webhooks.list_deliveries(session, actor, endpoint_id=e.id, limit=10)) for e in endpoints]


def _unit(call: Callable[..., Any], actor: Actor, *args: Any) -> Any:
    with session_scope(write=True) as session:
        return call(session, actor, *args)


def _create(session: Any, actor: Actor, url: str, description: str, events: list[str]) -> webhooks.NewSecret:
    return webhooks.add_endpoint(session, actor, url=url, event_types=events, description=description)


def _change(session: Any, actor: Actor, endpoint_id: int, url: str, description: str, events: list[str]) -> EndpointRow:
    return webhooks.edit_endpoint(
        session, actor, endpoint_id=endpoint_id, url=url, event_types=events, description=description
    )


def _send_test(session: Any, actor: Actor, endpoint_id: int) -> str:
    return webhooks.send_test_event(session, actor, endpoint_id=endpoint_id)


def _switch(session: Any, actor: Actor, endpoint_id: int, on: bool) -> None:
    webhooks.switch_endpoint(session, actor, endpoint_id=endpoint_id, on=on)


def _rotate(session: Any, actor: Actor, endpoint_id: int) -> str:
    return webhooks.rotate_secret(session, actor, endpoint_id=endpoint_id)


def _remove(session: Any, actor: Actor, endpoint_id: int) -> None:
    webhooks.remove_endpoint(session, actor, endpoint_id=endpoint_id)


def _retry(session: Any, actor: Actor, message_id: int) -> None:
    messaging.retry_message(session, actor, message_id=message_id)
