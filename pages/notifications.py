"""`/notifications`: the viewer's own notifications, newest first, each linking to its request; mark read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, run, ui

from components.forms import busy
from components.frame import frame
from components.notifications import focus, notification_list, show_unread
from models.enums import Role
from pages.viewer import Viewer, frame_options, guarded, require_viewer, with_query
from services import Actor, ServiceError, ValidationError, messaging, requests, session_scope
from services.messaging import NotificationRow

router = APIRouter()
PATH = '/notifications'
REQUEST_PATHS = {
    Role.CUSTOMER: '/customer/requests/{}',
    Role.PROFESSIONAL: '/professional/requests/{}',
    Role.ADMIN: '/admin/requests/{}',
}


@router.page(PATH, title='Notifications · Household Services')
async def notifications_page(before: str = '') -> RedirectResponse | None:
    viewer = await require_viewer()
    if viewer.redirect:
        return viewer.redirect
    zone = ZoneInfo(requests.policy().timezone)

    @ui.refreshable
    def listing() -> None:
        with session_scope() as session:
            unread = messaging.count_unread(session, viewer.actor)
            try:  # the service reads the id in `before` (its digits, nothing else)
                rows = messaging.list_notifications(session, viewer.actor, before_id=before)
            except ValidationError as stale:
                rows, refusal = [], str(stale)
            else:
                refusal = ''
        show_unread(unread)
        _toolbar(unread, on_all_read=mark_all_read)
        if not rows:
            _empty(has_cursor=bool(before), refusal=refusal)
            return
        notification_list(rows, zone=zone, link_for=_link_for(viewer.actor), on_read=mark_read)
        if len(rows) == messaging.NOTIFICATIONS_PER_PAGE:
            ui.link('Older notifications', with_query(PATH, before=rows[-1].id)).mark('notifications-older')

    @guarded(viewer)
    async def mark_read(notification_id: int) -> None:
        await _act(_mark_read_unit, viewer, notification_id)
        listing.refresh()
        focus('notifications-unread')

    @guarded(viewer)
    async def mark_all_read(button: ui.button) -> None:
        with busy(button):
            await _act(_mark_all_read_unit, viewer)
        listing.refresh()
        focus('notifications-unread')

    with frame('Notifications', **frame_options(viewer)):
        listing()
    return None


def _toolbar(unread: int, *, on_all_read: Callable[[ui.button], Awaitable[None]]) -> None:
    with ui.row().classes('w-full items-center justify-between gap-2'):
        words = f'{unread} unread' if unread else 'Everything is read.'
        ui.label(words).classes('text-grey-8').props('role=status tabindex=-1 data-focus=notifications-unread').mark(
            'notifications-unread'
        )
        if unread:
            button = ui.button('Mark all read', icon='done_all', on_click=lambda: on_all_read(button))
            button.props('outline no-caps').mark('notifications-mark-all-read')


def _empty(*, has_cursor: bool, refusal: str) -> None:
    words = 'Nothing older.' if has_cursor else 'No notifications yet. News about your requests and account comes here.'
    ui.label(refusal or words).classes('text-grey-8').mark('notifications-stale' if refusal else 'notifications-empty')
    if has_cursor:
        ui.link('Back to the newest', PATH).mark('notifications-newest')


def _link_for(actor: Actor) -> Callable[[NotificationRow], str | None]:
    pattern = REQUEST_PATHS[actor.role]

    def link(row: NotificationRow) -> str | None:
        return pattern.format(row.request_id) if row.request_id is not None else None

    return link


async def _act(unit: Callable[..., Any], viewer: Viewer, *args: Any) -> None:
    try:
        await run.io_bound(unit, viewer.actor, *args)
    except ServiceError as error:
        ui.notify(str(error), type='negative', position='top')


def _mark_read_unit(actor: Actor, notification_id: int) -> None:
    with session_scope(write=True) as session:
        messaging.mark_read(session, actor, notification_id=notification_id)


def _mark_all_read_unit(actor: Actor) -> None:
    with session_scope(write=True) as session:
        messaging.mark_all_read(session, actor)
