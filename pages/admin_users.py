"""The admin's users pages: everyone searchable and filterable (`/admin/users`, filters and cursor pages kept in the
URL), and one person (`/admin/users/{id}`): a professional's profile and documents shown in the page, approve or
reject, block or unblock with a reason, and unlocking a throttled sign-in."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, run, ui

from components.dialogs import ask_reason
from components.forms import busy, notice, show_field_error
from components.frame import frame
from components.pager import pager
from components.requests import STATUS_WORDS
from models.enums import ApprovalState, DocumentKind, Role
from pages.viewer import Viewer, frame_options, guarded, require_viewer, with_query
from services import (
    NotFound,
    ServiceError,
    auth,
    catalog,
    professionals,
    service_requests,
    session_scope,
    user_lists,
    users,
)
from services.views import DocumentRow, ProfessionalView, ServiceRow, UserDetail, UserPage, UserRow

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
APPROVAL_WORDS = {
    ApprovalState.PENDING: 'awaiting approval',
    ApprovalState.APPROVED: 'approved',
    ApprovalState.REJECTED: 'rejected',
}
KIND_WORDS = {DocumentKind.ID_PROOF: 'ID proof', DocumentKind.CERTIFICATE: 'Certificate'}
_ID = re.compile(r'[1-9][0-9]{0,18}', re.ASCII)
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
        inputs = _filter_form(filters, services)
        if refusal is not None:
            _show_refusal(inputs, refusal, filters)
        elif found is not None:
            _results(found, filters, has_cursor=bool(cursor))
    return None


def _load_list(
    viewer: Viewer, filters: Filters, cursor: str | None
) -> tuple[list[ServiceRow], UserPage | None, ServiceError | None]:
    with session_scope() as session:
        services = catalog.list_services(session, viewer.actor, include_retired=True)
        try:
            return services, user_lists.list_users(session, viewer.actor, cursor=cursor, **asdict(filters)), None
        except ServiceError as refusal:
            return services, None, refusal


def _filter_form(filters: Filters, services: list[ServiceRow]) -> dict[str, ui.element]:
    service_options = {'': 'Any service'} | {
        str(s.id): s.name + ('' if s.is_active else ' (retired)') for s in services
    }
    with ui.card().classes('w-full').props('flat bordered'), ui.element('form').classes('w-full') as form:
        form.props('role=search aria-label="Find users"')
        with ui.element('div').classes('w-full grid grid-cols-1 sm:grid-cols-2 md:grid-cols-3 gap-x-3'):
            inputs: dict[str, ui.element] = {
                'text': ui.input('Name or email', value=filters.text).props('maxlength=100 type=search'),
                'role': ui.select(ROLES, value=_known(filters.role, ROLES), label='Role'),
                'status': ui.select(STATUSES, value=_known(filters.status, STATUSES), label='Status'),
                'service_id': ui.select(
                    service_options, value=_known(filters.service_id, service_options), label='Service'
                ),
                'pincode': ui.input('Pincode', value=filters.pincode).props('inputmode=numeric maxlength=6'),
                'min_rating': ui.input('Minimum rating (1 to 5)', value=filters.min_rating).props(
                    'inputmode=decimal maxlength=3'
                ),
            }
        for name, element in inputs.items():
            element.classes('w-full').props('outlined dense').mark(f'users-filter-{name}')
        with ui.row().classes('w-full justify-end gap-2 pt-2'):
            ui.button('Clear', on_click=lambda: ui.navigate.to(LIST_PATH)).props('flat no-caps').mark(
                'users-filter-clear'
            )
            ui.button('Search', icon='search', on_click=lambda: _apply(inputs)).props('type=submit no-caps').mark(
                'users-filter-apply'
            )
    form.on('submit.prevent', lambda: _apply(inputs))  # Enter in any field searches
    return inputs


def _apply(inputs: dict[str, ui.element]) -> None:
    ui.navigate.to(Filters(**{name: str(element.value or '').strip() for name, element in inputs.items()}).url())


def _known(value: str, options: dict[str, str]) -> str:
    return value if value in options else ''  # a select cannot show a value it does not offer; the refusal says why


def _show_refusal(inputs: dict[str, ui.element], refusal: ServiceError, filters: Filters) -> None:
    if refusal.field == 'cursor':
        notice(str(refusal))
        ui.link('Go to the first page', filters.url()).mark('users-first-page')
        return
    if not show_field_error(inputs, refusal.field, str(refusal)):
        notice(str(refusal))
    ui.label('Fix the filter above to see users.').classes('text-grey-8').mark('users-refused')


def _results(found: UserPage, filters: Filters, *, has_cursor: bool) -> None:
    if not found.rows:
        filtered = any(asdict(filters).values())
        message = 'No user matches these filters.' if filtered else 'Nobody has signed up yet.'
        ui.label('Nothing more here.' if has_cursor else message).classes('text-grey-8').mark('users-empty')
        if has_cursor or filtered:
            ui.link('Show everyone' if filtered else 'Go to the first page', LIST_PATH).mark('users-first-page')
        return
    _user_table(found.rows)
    pager(
        total_label=found.total_label,
        noun='users',
        previous_url=filters.url(found.previous_cursor) if found.previous_cursor else None,
        next_url=filters.url(found.next_cursor) if found.next_cursor else None,
        marker='users-pager',
    )


def _user_table(rows: tuple[UserRow, ...]) -> None:
    columns = [
        {'name': 'name', 'label': 'Name', 'field': 'name', 'align': 'left'},
        {'name': 'email', 'label': 'Email', 'field': 'email', 'align': 'left'},
        {'name': 'role', 'label': 'Role', 'field': 'role', 'align': 'left'},
        {'name': 'status', 'label': 'Status', 'field': 'status', 'align': 'left'},
        {'name': 'service', 'label': 'Service', 'field': 'service', 'align': 'left'},
        {'name': 'pincode', 'label': 'Pincode', 'field': 'pincode', 'align': 'left'},
        {'name': 'rating', 'label': 'Rating', 'field': 'rating', 'align': 'left'},
    ]
    table = ui.table(columns=columns, rows=[_table_row(row) for row in rows], row_key='id')
    table.classes('w-full max-w-full').props('flat bordered wrap-cells').mark('users-table')
    # the name links to the person's page; Vue escapes {{ }}, so any name is shown as typed
    table.add_slot(
        'body-cell-name',
        '<q-td :props="props"><a :href="props.row.url" class="text-primary underline">{{ props.value }}</a></q-td>',
    )


def _table_row(row: UserRow) -> dict[str, Any]:
    return {
        'id': row.id,
        'url': f'{LIST_PATH}/{row.id}',
        'name': row.name,
        'email': row.email,
        'role': row.role.value,
        'status': _status_words(row),
        'service': _service_words(row),
        'pincode': row.pincode or _pincodes_words(row.pincodes),
        'rating': _rating_words(row.rating_average, row.rating_count) if row.role is Role.PROFESSIONAL else '',
    }


def _status_words(row: UserRow) -> str:
    words = ['blocked' if row.is_blocked else 'active']
    if row.approval_state is not None:
        words.append(APPROVAL_WORDS[row.approval_state])
    return ' · '.join(words)


def _service_words(row: UserRow) -> str:
    if not row.service_name:
        return ''
    return row.service_name + ('' if row.service_active else ' (retired)')


def _pincodes_words(pincodes: tuple[str, ...], shown: int = 3) -> str:
    more = len(pincodes) - shown
    return ', '.join(pincodes[:shown]) + (f' and {more} more' if more > 0 else '')


def _rating_words(average: float | None, count: int) -> str:
    if average is None:
        return 'no reviews yet'
    return f'{average:.1f} / 5 ({count} review{"" if count == 1 else "s"})'


# --- one person ---------------------------------------------------------------------------------------------------


@router.page('/users/{user_id}', title='User · Household Services')
async def user_page(user_id: str) -> RedirectResponse | None:
    viewer = await require_viewer(Role.ADMIN)
    if viewer.redirect:
        return viewer.redirect
    wanted = int(user_id) if _ID.fullmatch(user_id) else None

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
        _summary(found, zone)
        _actions(found, viewer, act)
        if found.professional is not None:
            _profile(found.professional, zone)
            _documents(found.professional.documents)

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
        return user_lists.get_user(session, viewer.actor, user_id=user_id), service_requests.policy().timezone


def _summary(found: UserDetail, zone: ZoneInfo) -> None:
    user = found.user
    with ui.card().classes('w-full').props('flat bordered').mark('user-summary'):
        with ui.row().classes('w-full items-center gap-3'):
            ui.label(user.name).classes('text-xl font-semibold break-all').props('role=heading aria-level=2')
            ui.badge(user.role.value).props('outline')
            ui.badge('blocked' if user.is_blocked else 'active').props(
                f'color={"negative" if user.is_blocked else "positive"}'
            ).mark('user-status')
        with _facts():
            _fact('Email', user.email)
            _fact('Phone', user.phone or 'not given')
            _fact('Signed up', _local(user.created_at, zone))
            if user.is_blocked:
                since = f' since {_local(found.blocked_at, zone)}' if found.blocked_at else ''
                _fact('Blocked', f'{user.blocked_reason}{since}')
            if user.role is Role.CUSTOMER:
                _fact('Default address', f'{found.address} ({user.pincode})')
            if user.role is not Role.ADMIN:
                _fact('Requests' if user.role is Role.CUSTOMER else 'Jobs', _counts_words(found))
            if found.sign_in_locked_minutes:
                _fact('Sign-in', f'locked for {found.sign_in_locked_minutes} more minutes after failed attempts')


def _actions(found: UserDetail, viewer: Viewer, act: Act) -> None:
    """The buttons that apply to this person now; each asks for a reason first where someone is told or harmed."""
    user, profile = found.user, found.professional
    actions: list[tuple[str, str, str, Callable[[ui.button], Awaitable[None]]]] = []
    if profile is not None and profile.approval_state is ApprovalState.PENDING:
        actions.append(('Approve', 'verified', 'positive', lambda b: act(b, _approve, user.id)))
    if profile is not None and profile.approval_state is not ApprovalState.REJECTED:
        actions.append(('Reject', 'thumb_down', 'negative', lambda b: _ask_then(act, b, 'reject', user)))
    if user.id != viewer.actor.id and user.is_blocked:
        actions.append(('Unblock', 'lock_open', 'primary', lambda b: _ask_then(act, b, 'unblock', user)))
    elif user.id != viewer.actor.id:
        actions.append(('Block', 'block', 'negative', lambda b: _ask_then(act, b, 'block', user)))
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
    'unblock': ('Unblock {name}?', 'They can sign in again. Your reason goes into the audit log.', 'Unblock'),
}


async def _ask_then(act: Act, button: ui.button, key: str, user: UserRow) -> None:
    title, message, action = QUESTIONS[key]
    reason = await ask_reason(title.format(name=user.name), message, action=action, marker=f'user-{key}')
    if reason is not None:
        await act(button, {'reject': _reject, 'block': _block, 'unblock': _unblock}[key], user.id, reason)


# --- write units (each its own transaction, run off the event loop) ------------------------------------------------


def _approve(viewer: Viewer, user_id: int) -> str:
    with session_scope(write=True) as session:
        professionals.approve(session, viewer.actor, professional_id=user_id)
    return 'Approved: they can take requests now, and they were told.'


def _reject(viewer: Viewer, user_id: int, reason: str) -> str:
    with session_scope(write=True) as session:
        professionals.reject(session, viewer.actor, professional_id=user_id, reason=reason)
    return 'Rejected: they were told why and can resubmit.'


def _block(viewer: Viewer, user_id: int, reason: str) -> str:
    with session_scope(write=True) as session:
        users.block_user(session, viewer.actor, user_id=user_id, reason=reason)
    return 'Blocked: their sessions ended.'


def _unblock(viewer: Viewer, user_id: int, reason: str) -> str:
    with session_scope(write=True) as session:
        users.unblock_user(session, viewer.actor, user_id=user_id, reason=reason)
    return 'Unblocked: they can sign in again.'


def _unlock(viewer: Viewer, email: str) -> str:
    with session_scope(write=True) as session:
        cleared = auth.unlock_sign_in(session, viewer.actor, email=email)
    if not cleared:
        return 'Sign-in was already unlocked (by someone else, or the wait ran out).'
    return 'Sign-in unlocked: they can try again now.'


# --- a professional's profile and documents ----------------------------------------------------------------------


def _profile(profile: ProfessionalView, zone: ZoneInfo) -> None:
    with ui.card().classes('w-full').props('flat bordered').mark('user-profile'):
        ui.label('Professional profile').classes('text-lg font-semibold').props('role=heading aria-level=2')
        if not profile.service_active:
            notice(
                f'{profile.service_name} is retired: they get no new requests until they choose another service.'
            ).mark('user-service-retired')
        with _facts():
            _fact('Service', profile.service_name + ('' if profile.service_active else ' (retired)'))
            _fact('Experience', f'{profile.experience_years} year{"" if profile.experience_years == 1 else "s"}')
            _fact('Pincodes', ', '.join(profile.pincodes))
            _fact('Approval', APPROVAL_WORDS[profile.approval_state])
            if profile.approval_reason:
                _fact('Reason', profile.approval_reason)
            if profile.submitted_at:
                _fact('Resubmitted', _local(profile.submitted_at, zone))
            if profile.approval_decided_at:
                _fact('Decided', _local(profile.approval_decided_at, zone))
            _fact('Rating', _rating_words(profile.rating_average, profile.rating_count))
            _fact('About', profile.description or 'nothing written')


def _documents(documents: tuple[DocumentRow, ...]) -> None:
    ui.label('Documents').classes('text-lg font-semibold').props('role=heading aria-level=2')
    if not documents:
        ui.label('No documents uploaded yet.').classes('text-grey-8').mark('user-documents-empty')
        return
    for document in documents:
        _document(document)


def _document(document: DocumentRow) -> None:
    """The file itself, shown in the page through the route that checks who may read it (images as an image, PDFs
    in a frame), with a link to open it in a tab of its own."""
    url = f'/documents/{document.id}'
    kind = KIND_WORDS.get(document.kind, document.kind.value)
    with ui.card().classes('w-full gap-2').props('flat bordered').mark(f'document-{document.id}'):
        with ui.row().classes('w-full items-center gap-x-3 gap-y-1'):
            ui.label(kind).classes('font-semibold')
            ui.label(document.original_name).classes('break-all')
            ui.label(_size_words(document.size)).classes('text-grey-8')
            ui.space()
            ui.link('Open in new tab', url, new_tab=True).mark(f'document-{document.id}-open')
        if document.content_type.startswith('image/'):
            view = ui.element('img').classes(
                'self-start w-auto h-auto min-w-40 max-w-full max-h-[70vh] object-contain rounded border'
            )
            view.props['alt'] = f'{kind}: {document.original_name}'
        else:
            view = ui.element('iframe').classes('w-full rounded border').style('height: 70vh; min-height: 20rem')
            view.props['title'] = f'{kind}: {document.original_name}'
        view.props['src'] = url
        view.mark(f'document-{document.id}-view')


# --- small pieces -------------------------------------------------------------------------------------------------


def _facts() -> ui.element:
    return ui.element('dl').classes('w-full grid grid-cols-1 sm:grid-cols-[10rem_1fr] gap-x-4 gap-y-1')


def _fact(term: str, value: str) -> None:
    with ui.element('dt').classes('text-grey-8'):
        ui.label(term)
    with ui.element('dd').classes('break-words').mark(f'fact-{term.lower().replace(" ", "-")}'):
        ui.label(value)


def _counts_words(found: UserDetail) -> str:
    if not found.request_counts:
        return 'none yet'
    return ', '.join(f'{count} {STATUS_WORDS[status]}' for status, count in found.request_counts)


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime('%d %b %Y, %H:%M')


def _size_words(size: int) -> str:
    return f'{size / 1024 / 1024:.1f} MB' if size >= 1024 * 1024 else f'{max(1, round(size / 1024))} KB'
