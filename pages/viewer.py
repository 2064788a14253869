"""Who is looking at a page: resolved once when the page is built, re-validated on every click.

The session's key (the SHA-256 of its token, never the token) is the only thing we keep in `app.storage.user`, so
a leaked storage file holds nothing a client can present as a token (using a key takes the storage secret too, to
forge the cookie that names the storage); it is read when a page is built (the request is
this browser's) and never inside refreshes or event callbacks.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar
from urllib.parse import quote, urlencode, urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app, run, ui

from components.frame import NavItem
from components.notifications import show_unread
from models.enums import Role
from pages import live
from pages.failures import VIEWER_ID
from services import Actor, ServiceError, identity, messaging, people, session_scope

SESSION_KEY = 'session_key'
LEGACY_TOKEN = 'session_token'  # what storage kept before: a raw token, turned into its key on the next visit
LEAVING_SECONDS = 1.0  # how long a page whose session ended waits before it goes to /login (see follow_viewer)
HOME = {Role.ADMIN: '/admin', Role.CUSTOMER: '/customer', Role.PROFESSIONAL: '/professional'}
NEVER_RETURN_TO = {'/logout', '/login', '/login/finish', '/register'}  # coming back would undo or repeat a sign-in
# A path on this site and its query, any printable ASCII ('+' is a space in our queries, '@' in a typed email), but
# never a backslash or whitespace anywhere: browsers read '/\\host' and '/\t/host' as '//host', another site.
_SAFE_PATH = re.compile(r'^/(?![/\\])[!-\[\]-~]*$')
P = ParamSpec('P')
T = TypeVar('T')


@dataclass(frozen=True, slots=True)
class Viewer:
    actor: Actor | None
    key: str = ''
    redirect: RedirectResponse | None = None
    path: str = '/'  # the page it was resolved for: where to come back after signing in again


async def require_viewer(*roles: Role) -> Viewer:
    """The signed-in actor, or a redirect: to /login (coming back here after) when nobody valid is
    signed in, to their own home when their role may not see this page."""
    key = session_key()
    actor = await run.io_bound(identity.authenticate, key) if key else None
    VIEWER_ID.set(actor.id if actor else None)  # for the record of a failure while this page is built
    request = ui.context.client.request
    here = request.url.path + (f'?{request.url.query}' if request.url.query else '')
    if actor is None:
        return Viewer(None, redirect=RedirectResponse(login_path(here)), path=here)
    if roles and actor.role not in roles:
        return Viewer(actor, key, RedirectResponse(home_path(actor)), path=here)
    return Viewer(actor, key, path=here)


async def route_actor() -> Actor | None:
    """Who is signed in, for a plain FastAPI route (a file download): the session's actor, or None."""
    key = session_key()
    return await run.io_bound(identity.authenticate, key) if key else None


async def fresh_browser_storage(request: Request) -> Any:
    """A new browser id, with its empty storage, for a browser that has just signed in (pages/auth.py finish_sign_in):
    an id planted in it beforehand (session fixation) is never the one its session key is kept under. NiceGUI keys
    user storage by the id in its signed session cookie and never renews it; the new id goes out with this response
    (at sign-in, not when the sign-in page loads: every tab loading /login would change it under the others)."""
    request.session['id'] = str(uuid.uuid4())
    await app.storage._create_user_storage(request.session['id'])  # NiceGUI 3.18 has no public way to do this
    return app.storage.user


def session_key() -> str:
    """This browser's session key; a raw token kept by an earlier version is replaced by its key first."""
    storage = app.storage.user
    if LEGACY_TOKEN in storage:
        legacy = storage.pop(LEGACY_TOKEN)
        if isinstance(legacy, str) and legacy:
            storage[SESSION_KEY] = identity.hash_token(legacy)
    key = storage.get(SESSION_KEY, '')
    return key if isinstance(key, str) else ''


def guarded(viewer: Viewer) -> Callable[[Callable[P, T]], Callable[P, Awaitable[T | None]]]:
    """Wrap an event handler so it first re-validates the captured viewer: a user who was blocked or
    signed out elsewhere since the page was built goes to /login instead of acting."""

    def decorate(handler: Callable[P, T]) -> Callable[P, Awaitable[T | None]]:
        @functools.wraps(handler)
        async def checked(*args: P.args, **kwargs: P.kwargs) -> T | None:
            current = await run.io_bound(identity.authenticate, viewer.key)
            if current is None or viewer.actor is None or current.id != viewer.actor.id:
                ui.navigate.to(login_path(viewer.path, ended=True))
                return None
            VIEWER_ID.set(current.id)  # for the record of a failure in this handler
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
    """Any same-site path with its query is followed; anything that could leave the site ('//host', a scheme,
    backslashes, whitespace or control characters, non-ASCII) goes to '/'."""
    if not isinstance(target, str) or not _SAFE_PATH.fullmatch(target):
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
    NavItem('Webhooks', '/admin/webhooks', 'webhook'),
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
        if (not data or theirs(data)) and await run.io_bound(identity.authenticate, viewer.key) is None:
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
