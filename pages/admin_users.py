"""The admin's users pages: everyone searchable and filterable (`/admin/users`, filters and cursor pages kept in the
URL), and one person (`/admin/users/{id}`): a professional's profile and documents shown in the page, approve or
reject, block or unblock with a reason, and unlocking a throttled sign-in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import APIRouter, run, ui

from components.dialogs import ask_reason, ask_reason_and_password
from components.documents import document_list
from components.filters import filter_card, known, service_options, show_refusal
from components.forms import NOT_MINE, busy, notice
from components.frame import frame
from components.pager import pager
from components.people import professional_profile, user_summary, user_table
from models.enums import ApprovalState, Role
from pages.viewer import Viewer, frame_options, guarded, require_viewer, with_query
from services import NotFound, ServiceError, catalog, identity, people, requests, session_scope, to_id
from services.catalog import ServiceRow
from services.people import UserDetail, UserPage, UserRow

router = APIRouter(prefix='/admin')
LIST_PATH = '/admin/users'
ROLES = {'': 'Everyone', 'customer': 'Customers', 'professional': 'Professionals', 'admin': 'Admins'}
STATUSES = {
    '': 'Any status',
    'active': 'Active',
    'blocked': 'Blocked',
    'pending': 'Awaiting approval',
    'approved': 'Approved',
    'rejected': 'Rejected',
}
Act = Callable[..., Awaitable[None]]  # runs a write unit for a button, then shows the outcome


@dataclass(frozen=True, slots=True)
class Filters:
    """The list's filters as they came in the URL (the service layer validates them, not this page)."""

    text: str = ''
    role: str = ''
    status: str = ''
    service_id: str = ''
    pincode: str = ''
    min_rating: str = ''

    def url(self, cursor: str | None = None) -> str:
        return with_query(LIST_PATH, **asdict(self), cursor=cursor)


# --- the list -----------------------------------------------------------------------------------------------------


@router.page('/users', title='Users · Household Services')
async def users_page(
    text: str = '',
    role: str = '',
    status: str = '',
    service_id: str = '',
    pincode: str = '',
    min_rating: str = '',
    cursor: str = '',
) -> RedirectResponse | None:
    viewer = await require_viewer(Role.ADMIN)
    if viewer.redirect:
        return viewer.redirect
    filters = Filters(*(value.strip() for value in (text, role, status, service_id, pincode, min_rating)))
    services, found, refusal = await run.io_bound(_load_list, viewer, filters, cursor or None)
    with frame('Users', **frame_options(viewer)):
        inputs = _filter_form(filters, services, fold=refusal is None)  # a refused filter is shown to be fixed
        if refusal is not None:
            show_refusal(
                inputs, refusal, first_page_url=filters.url(), first_page_marker='users-first-page', noun='users'
            )
        elif found is not None:
            _results(found, filters, has_cursor=bool(cursor))
    return None


def _load_list(
    viewer: Viewer, filters: Filters, cursor: str | None
) -> tuple[list[ServiceRow], UserPage | None, ServiceError | None]:
    with session_scope() as session:
        services = catalog.list_services(session, viewer.actor, include_retired=True)
        try:
            return services, people.list_users(session, viewer.actor, cursor=cursor, **asdict(filters)), None
        except ServiceError as refusal:
            return services, None, refusal


def _filter_form(filters: Filters, services: list[ServiceRow], *, fold: bool) -> dict[str, ui.element]:
    offered = service_options(services)
    return filter_card(
        lambda: {
            'text': ui.input('Name or email', value=filters.text).props(f'{NOT_MINE} maxlength=100 type=search'),
            'role': ui.select(ROLES, value=known(filters.role, ROLES), label='Role'),
            'status': ui.select(STATUSES, value=known(filters.status, STATUSES), label='Status'),
            'service_id': ui.select(offered, value=known(filters.service_id, offered), label='Service'),
            'pincode': ui.input('Pincode', value=filters.pincode).props(f'{NOT_MINE} inputmode=numeric maxlength=6'),
            'min_rating': ui.input('Minimum rating (1 to 5)', value=filters.min_rating).props(
                'inputmode=decimal maxlength=3'
            ),
        },
        to_url=lambda values: Filters(**values).url(),
        clear_url=LIST_PATH,
        marker='users-filter',
        apply_text='Search',
        apply_icon='search',
        columns=3,
        label='Find users',
        fold=fold,
    )


def _results(found: UserPage, filters: Filters, *, has_cursor: bool) -> None:
    if not found.rows:
        filtered = any(asdict(filters).values())
        message = 'No user matches these filters.' if filtered else 'Nobody has signed up yet.'
        ui.label('Nothing more here.' if has_cursor else message).classes('text-grey-8').mark('users-empty')
        if has_cursor or filtered:
            ui.link('Show everyone' if filtered else 'Go to the first page', LIST_PATH).mark('users-first-page')
        return
    user_table(found.rows)
    pager(
        total_label=found.total_label,
        noun='users',
        previous_url=filters.url(found.previous_cursor) if found.previous_cursor else None,
        next_url=filters.url(found.next_cursor) if found.next_cursor else None,
        marker='users-pager',
    )


# --- one person ---------------------------------------------------------------------------------------------------


@router.page('/users/{user_id}', title='User · Household Services')
async def user_page(user_id: str, request: Request) -> RedirectResponse | None:
    viewer = await require_viewer(Role.ADMIN)
    if viewer.redirect:
        return viewer.redirect
    wanted = to_id(user_id)

    @ui.refreshable
    async def details() -> None:
        try:
            found, timezone = await run.io_bound(_load_user, viewer, wanted)
        except NotFound as missing:
            notice(str(missing)).mark('user-missing')
            return
        except ServiceError as refusal:  # e.g. this admin was blocked a moment ago
            notice(str(refusal))
            return
        zone = ZoneInfo(timezone)
        user_summary(found, zone)
        _actions(found, viewer, act, request.client.host if request.client else '')
        if found.professional is not None:
            professional_profile(found.professional, zone)
            document_list(found.professional.documents)

    async def act(button: ui.button, unit: Callable[..., str], *args: Any) -> None:
        """Run one write unit off the event loop, say how it went, then show the person as they are now."""
        with busy(button):
            try:
                message = await run.io_bound(unit, viewer, *args)
            except ServiceError as refusal:
                ui.notify(str(refusal), type='negative', position='top')
            else:
                ui.notify(message, type='positive', position='top')
        await details.refresh()

    with frame('User', **frame_options(viewer)):
        ui.link('← All users', LIST_PATH).mark('back-to-users')
        await details()
    return None


def _load_user(viewer: Viewer, user_id: int | None) -> tuple[UserDetail, str]:
    with session_scope() as session:
        return people.get_user(session, viewer.actor, user_id=user_id), requests.policy().timezone


def _actions(found: UserDetail, viewer: Viewer, act: Act, client_ip: str) -> None:
    """The buttons that apply to this person now; each asks for a reason first where someone is told or harmed (and
    for the acting admin's password before blocking another admin: the password check counts like a sign-in from
    `client_ip`)."""
    user, profile = found.user, found.professional
    actions: list[tuple[str, str, str, Callable[[ui.button], Awaitable[None]]]] = []
    if profile is not None and profile.approval_state is ApprovalState.PENDING:
        actions.append(('Approve', 'verified', 'positive', lambda b: act(b, _approve, user.id)))
    if profile is not None and profile.approval_state is not ApprovalState.REJECTED:
        actions.append(('Reject', 'thumb_down', 'negative', lambda b: _ask_then(act, b, 'reject', user)))
    if user.id != viewer.actor.id and user.is_blocked:
        actions.append(('Unblock', 'lock_open', 'primary', lambda b: _ask_then(act, b, 'unblock', user)))
    elif user.id != viewer.actor.id:
        key = 'block_admin' if user.role is Role.ADMIN else 'block'
        actions.append(('Block', 'block', 'negative', lambda b: _ask_then(act, b, key, user, client_ip)))
    if found.sign_in_locked_minutes:
        actions.append(('Unlock sign-in', 'key', 'primary', lambda b: act(b, _unlock, user.email)))
    if actions:
        with ui.row().classes('w-full gap-2').props('role=group aria-label="Actions"'):
            for label, icon, colour, handler in actions:
                _action_button(viewer, label, icon, colour, handler)


def _action_button(
    viewer: Viewer, label: str, icon: str, colour: str, handler: Callable[[ui.button], Awaitable[None]]
) -> None:
    button = ui.button(label, icon=icon).props(f'outline no-caps color={colour}')
    button.mark(f'user-{label.split(maxsplit=1)[0].lower()}')

    @guarded(viewer)
    async def clicked() -> None:
        await handler(button)

    button.on_click(clicked)


QUESTIONS = {  # what the reason dialog asks before each action: title, what happens, the action's word
    'reject': (
        'Reject this professional?',
        'They are told your reason and can fix their profile and resubmit it. Requests addressed to them open to '
        'everyone.',
        'Reject',
    ),
    'block': (
        'Block {name}?',
        "They are signed out at once and cannot sign in. A professional's upcoming jobs go back to the pool; a "
        "customer's open requests are cancelled. Everyone concerned is told.",
        'Block',
    ),
    'block_admin': (
        'Block {name}, an admin?',
        'They are signed out at once and cannot sign in until another admin or the operator unblocks them. Type your '
        'own password to confirm that it is you.',
        'Block',
    ),
    'unblock': ('Unblock {name}?', 'They can sign in again. Your reason goes into the audit log.', 'Unblock'),
}


async def _ask_then(act: Act, button: ui.button, key: str, user: UserRow, client_ip: str = '') -> None:
    title, message, action = QUESTIONS[key]
    title = title.format(name=user.name)
    if key == 'block_admin':
        answer = await ask_reason_and_password(title, message, action=action, marker='user-block')
        if answer is not None:
            await act(button, _block, user.id, *answer, client_ip)
        return
    reason = await ask_reason(title, message, action=action, marker=f'user-{key}')
    if reason is not None:
        await act(button, {'reject': _reject, 'block': _block, 'unblock': _unblock}[key], user.id, reason)


# --- write units (each its own transaction, run off the event loop) ------------------------------------------------


def _approve(viewer: Viewer, user_id: int) -> str:
    with session_scope(write=True) as session:
        people.approve(session, viewer.actor, professional_id=user_id)
    return 'Approved: they can take requests now, and they were told.'


def _reject(viewer: Viewer, user_id: int, reason: str) -> str:
    with session_scope(write=True) as session:
        people.reject(session, viewer.actor, professional_id=user_id, reason=reason)
    return 'Rejected: they were told why and can resubmit.'


def _block(viewer: Viewer, user_id: int, reason: str, password: str | None = None, client_ip: str = '') -> str:
    """Blocking an admin: the acting admin's password is checked first, in units of its own (bcrypt holds no lock)."""
    confirmation = None
    if password is not None:
        confirmation = identity.confirm_password(viewer.actor, password=password, client_ip=client_ip)
    with session_scope(write=True) as session:
        people.block_user(session, viewer.actor, user_id=user_id, reason=reason, confirmation=confirmation)
    return 'Blocked: their sessions ended.'


def _unblock(viewer: Viewer, user_id: int, reason: str) -> str:
    with session_scope(write=True) as session:
        people.unblock_user(session, viewer.actor, user_id=user_id, reason=reason)
    return 'Unblocked: they can sign in again.'


def _unlock(viewer: Viewer, email: str) -> str:
    with session_scope(write=True) as session:
        cleared = identity.unlock_sign_in(session, viewer.actor, email=email)
    if not cleared:
        return 'Sign-in was already unlocked (by someone else, or the wait ran out).'
    return 'Sign-in unlocked: they can try again now.'
