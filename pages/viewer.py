"""Who is looking at a page: resolved once when the page is built, re-validated on every click.

The raw session token is the only thing we keep in `app.storage.user`; it is read when a page is
built (the request is this browser's) and never inside refreshes or event callbacks.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar
from urllib.parse import quote, urlencode, urlsplit

from fastapi.responses import RedirectResponse
from nicegui import app, run, ui

from components.frame import NavItem
from components.notifications import show_unread
from models.enums import Role
from pages import live
from services import Actor, ServiceError, identity, messaging, people, session_scope

TOKEN_KEY = 'session_token'
LEAVING_SECONDS = 1.0  # how long a page whose session ended waits before it goes to /login (see follow_viewer)
HOME = {Role.ADMIN: '/admin', Role.CUSTOMER: '/customer', Role.PROFESSIONAL: '/professional'}
NEVER_RETURN_TO = {'/logout', '/login', '/register'}  # coming back there would undo or repeat the sign-in
_SAFE_PATH = re.compile(r'^/(?![/\\])[A-Za-z0-9/_\-.~%?=&]*$')
P = ParamSpec('P')
T = TypeVar('T')


@dataclass(frozen=True, slots=True)
class Viewer:
    actor: Actor | None
    token: str = ''
    redirect: RedirectResponse | None = None
    path: str = '/'  # the page it was resolved for: where to come back after signing in again


async def require_viewer(*roles: Role) -> Viewer:
    """The signed-in actor, or a redirect: to /login (coming back here after) when nobody valid is
    signed in, to their own home when their role may not see this page."""
    token = app.storage.user.get(TOKEN_KEY, '')
    actor = await run.io_bound(identity.authenticate, token) if token else None
    request = ui.context.client.request
    here = request.url.path + (f'?{request.url.query}' if request.url.query else '')
    if actor is None:
        return Viewer(None, redirect=RedirectResponse(login_path(here)), path=here)
    if roles and actor.role not in roles:
        return Viewer(actor, token, RedirectResponse(home_path(actor)), path=here)
    return Viewer(actor, token, path=here)


async def route_actor() -> Actor | None:
    """Who is signed in, for a plain FastAPI route (a file download): the session's actor, or None."""
    token = app.storage.user.get(TOKEN_KEY, '')
    return await run.io_bound(identity.authenticate, token) if token else None


def guarded(viewer: Viewer) -> Callable[[Callable[P, T]], Callable[P, Awaitable[T | None]]]:
    """Wrap an event handler so it first re-validates the captured viewer: a user who was blocked or
    signed out elsewhere since the page was built goes to /login instead of acting."""

    def decorate(handler: Callable[P, T]) -> Callable[P, Awaitable[T | None]]:
        @functools.wraps(handler)
        async def checked(*args: P.args, **kwargs: P.kwargs) -> T | None:
            current = await run.io_bound(identity.authenticate, viewer.token)
            if current is None or viewer.actor is None or current.id != viewer.actor.id:
                ui.navigate.to(login_path(viewer.path, ended=True))
                return None
            result = handler(*args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        return checked

    return decorate


def login_path(back_to: str, *, ended: bool = False) -> str:
    """/login, coming back to `back_to` after; `ended` says the session ended while the page was open."""
    return f'/login?redirect_to={quote(back_to, safe="")}' + ('&ended=1' if ended else '')


def home_path(actor: Actor | None) -> str:
    return HOME[actor.role] if actor else '/login'


def with_query(path: str, **params: Any) -> str:
    """`path` with the non-empty params as its query string (filters and cursors live in the URL, so a list can
    be bookmarked, shared and reloaded, and Back works)."""
    kept = {key: value for key, value in params.items() if value not in (None, '', [])}
    return f'{path}?{urlencode(kept, doseq=True)}' if kept else path


def safe_redirect(target: Any) -> str:
    """Only a same-site path (not '//host', not a scheme, no backslashes) is followed; else '/'."""
    if not isinstance(target, str) or not _SAFE_PATH.match(target):
        return '/'
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path in NEVER_RETURN_TO:
        return '/'
    return target


ADMIN_NAV = [
    NavItem('Dashboard', '/admin', 'dashboard'),
    NavItem('Requests', '/admin/requests', 'assignment'),
    NavItem('Users', '/admin/users', 'group'),
    NavItem('Services', '/admin/services', 'home_repair_service'),
    NavItem('Outbox', '/admin/outbox', 'outgoing_mail'),
    NavItem('Exports', '/exports', 'file_download'),
    NavItem('Audit log', '/admin/audit', 'history'),
]


CUSTOMER_NAV = [
    NavItem('Find a service', '/customer', 'search'),
    NavItem('My requests', '/customer/requests', 'assignment'),
    NavItem('Monthly reports', '/customer/reports', 'summarize'),
]
PROFESSIONAL_NAV = [
    NavItem('My work', '/professional', 'work'),
    NavItem('Inbox', '/professional/inbox', 'inbox'),
    NavItem('Jobs', '/professional/jobs', 'event'),
    NavItem('Reviews and earnings', '/professional/reviews', 'star'),
    NavItem('Exports', '/exports', 'file_download'),
]
NAV = {Role.ADMIN: ADMIN_NAV, Role.CUSTOMER: CUSTOMER_NAV, Role.PROFESSIONAL: PROFESSIONAL_NAV}


def nav_for(actor: Actor) -> list[NavItem]:
    return [*NAV[actor.role], NavItem('Account', '/account', 'manage_accounts')]


def frame_options(viewer: Viewer) -> dict[str, Any]:
    """Everything the page frame needs about the viewer, with its callbacks bound to the service layer."""
    actor = viewer.actor
    assert actor is not None  # pages call this only after require_viewer succeeded

    @guarded(viewer)
    async def save_dark(dark: bool) -> None:
        await run.io_bound(_save_dark, actor, dark)

    follow_viewer(viewer)
    hub = live.hub()
    return {
        'nav_items': nav_for(actor),
        'user_name': actor.name,
        'on_sign_out': lambda: ui.navigate.to('/logout'),
        'dark': actor.prefers_dark,
        'on_dark_change': save_dark,
        'unread': _count_unread(actor),
        'live_state': hub.state if hub is not None else None,
    }


def follow_viewer(viewer: Viewer) -> None:
    """What every signed-in page follows about its viewer: the bell's count, and the end of their session (signed
    out elsewhere, blocked, idle): every open page of theirs goes to /login at once."""
    actor = viewer.actor
    assert actor is not None

    def theirs(data: dict[str, Any]) -> bool:
        return data.get('user_id') == actor.id

    async def recount(data: dict[str, Any]) -> None:
        if not data or theirs(data):
            show_unread(await run.io_bound(_count_unread, actor))

    async def still_signed_in(data: dict[str, Any]) -> None:
        if (not data or theirs(data)) and await run.io_bound(identity.authenticate, viewer.token) is None:
            await asyncio.sleep(LEAVING_SECONDS)  # the page whose own Sign out ended it is leaving: let it go first
            if ui.context.client.has_socket_connection:
                ui.navigate.to(login_path(viewer.path, ended=True))

    live.on_event(messaging.UNREAD_CHANGED, recount)
    live.on_event({identity.SESSIONS_ENDED, people.USER_BLOCKED}, still_signed_in)
    live.follow_connection()


def _count_unread(actor: Actor) -> int:
    # one indexed count per page build, (user_id, read_at): cheap enough for the event loop
    try:
        with session_scope() as session:
            return messaging.count_unread(session, actor)
    except ServiceError:  # blocked a moment after the page resolved its viewer: their next click signs them out
        return 0


def _save_dark(actor: Actor, dark: bool) -> None:
    with session_scope(write=True) as session:
        people.set_dark_mode(session, actor, dark=dark)
