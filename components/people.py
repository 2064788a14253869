"""People as the admin sees them: the users table, and one person's summary and professional profile."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from nicegui import ui

from components.facts import fact, facts
from components.forms import notice
from components.requests import STATUS_WORDS
from components.tables import Tone, column, list_table
from components.words import local_time
from models.enums import ApprovalState, Role
from services.people import ProfessionalView, UserDetail, UserRow

APPROVAL_WORDS = {
    ApprovalState.PENDING: 'awaiting approval',
    ApprovalState.APPROVED: 'approved',
    ApprovalState.REJECTED: 'rejected',
}
COLUMNS = [
    column('name', 'Name', role='title', link='url'),
    column('email', 'Email'),
    column('role', 'Role'),
    column('status', 'Status', role='status'),
    column('service', 'Service'),
    column('pincode', 'Pincode'),
    column('rating', 'Rating'),
]


# --- the users table ----------------------------------------------------------------------------------------------


def user_table(rows: tuple[UserRow, ...]) -> ui.table:
    """One row (or card) a person, the name a link to their page (`/admin/users/{id}`)."""
    return list_table(COLUMNS, [_table_row(row) for row in rows], marker='users-table')


def _table_row(row: UserRow) -> dict[str, Any]:
    return {
        'id': row.id,
        'url': f'/admin/users/{row.id}',
        'name': row.name,
        'email': row.email,
        'role': row.role.value,
        'status': _status_words(row),
        'tone': _status_tone(row),
        'service': _service_words(row),
        'pincode': row.pincode or _pincodes_words(row.pincodes),
        'rating': _rating_words(row.rating_average, row.rating_count) if row.role is Role.PROFESSIONAL else '',
    }


def _status_words(row: UserRow) -> str:
    words = ['blocked' if row.is_blocked else 'active']
    if row.approval_state is not None:
        words.append(APPROVAL_WORDS[row.approval_state])
    return ' · '.join(words)


def _status_tone(row: UserRow) -> Tone:
    if row.is_blocked or row.approval_state is ApprovalState.REJECTED:
        return 'bad'
    return 'waiting' if row.approval_state is ApprovalState.PENDING else 'good'


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


def user_summary(found: UserDetail, zone: ZoneInfo) -> None:
    """Name, role and status, then the facts an admin needs before acting (times in `zone`)."""
    user = found.user
    with ui.card().classes('w-full').props('flat bordered').mark('user-summary'):
        with ui.row().classes('w-full items-center gap-3'):
            ui.label(user.name).classes('text-xl font-semibold break-all').props('role=heading aria-level=2')
            ui.badge(user.role.value).props('outline')
            ui.badge('blocked' if user.is_blocked else 'active').props(
                f'color={"negative" if user.is_blocked else "positive"}'
            ).mark('user-status')
        with facts():
            fact('Email', user.email)
            fact('Phone', user.phone or 'not given')
            fact('Signed up', local_time(user.created_at, zone, weekday=False))
            if user.is_blocked:
                if found.blocked_at:
                    fact('Blocked since', local_time(found.blocked_at, zone, weekday=False))
                fact('Why blocked', user.blocked_reason or 'no reason given')
            if user.role is Role.CUSTOMER:
                fact('Default address', f'{found.address} ({user.pincode})')
            if user.role is not Role.ADMIN:
                fact('Requests' if user.role is Role.CUSTOMER else 'Jobs', _counts_words(found))
            if found.sign_in_locked_minutes:
                fact('Sign-in', f'locked for {found.sign_in_locked_minutes} more minutes after failed attempts')


def professional_profile(profile: ProfessionalView, zone: ZoneInfo) -> None:
    """What a professional offers and where their approval stands (times in `zone`)."""
    with ui.card().classes('w-full').props('flat bordered').mark('user-profile'):
        ui.label('Professional profile').classes('text-lg font-semibold').props('role=heading aria-level=2')
        if not profile.service_active:
            notice(
                f'{profile.service_name} is retired: they get no new requests until they choose another service.'
            ).mark('user-service-retired')
        with facts():
            fact('Service', profile.service_name + ('' if profile.service_active else ' (retired)'))
            fact('Experience', f'{profile.experience_years} year{"" if profile.experience_years == 1 else "s"}')
            fact('Pincodes', ', '.join(profile.pincodes))
            fact('Approval', APPROVAL_WORDS[profile.approval_state])
            if profile.approval_reason:
                fact('Reason', profile.approval_reason)
            if profile.submitted_at:
                fact('Resubmitted', local_time(profile.submitted_at, zone, weekday=False))
            if profile.approval_decided_at:
                fact('Decided', local_time(profile.approval_decided_at, zone, weekday=False))
            fact('Rating', _rating_words(profile.rating_average, profile.rating_count))
            fact('About', profile.description or 'nothing written')


def _counts_words(found: UserDetail) -> str:
    if not found.request_counts:
        return 'none yet'
    return ', '.join(f'{count} {STATUS_WORDS[status]}' for status, count in found.request_counts)
