"""A request's history: every transition recorded on the audit trail, oldest first, in words for its viewer.

Admins see exactly who acted; the customer and professionals see roles ('you', 'the professional', 'support'),
and a professional never sees other professionals' declines (a decline of an open request is private)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEvent, User
from models.enums import RequestStatus, Role
from services.core.rows import Actor
from services.requests import lists
from services.requests.rows import HistoryEntry

WHAT = {
    'request.book': 'Booked',
    'request.edit': 'Changed',
    'request.accept': 'Accepted',
    'request.decline': 'Declined',
    'request.withdraw': 'Withdrawn by the professional',
    'request.complete': 'Marked as done',
    'request.close': 'Closed with a review',
    'request.auto_close': 'Closed automatically (no review in time)',
    'request.review': 'Reviewed',
    'request.cancel': 'Cancelled by the customer',
    'request.admin_cancel': 'Cancelled by support',
    'request.expire': 'Expired (nobody accepted before the slot)',
    'request.release': 'Returned to the open pool',
}
ROLE_WORDS = {Role.ADMIN: 'support', Role.CUSTOMER: 'the customer', Role.PROFESSIONAL: 'a professional'}
SAID_WITH_SLOT = {'ends_at'}  # a new slot moves the end too; 'slot' says both
FIELD_WORDS = {'scheduled_at': 'slot', 'address': 'address', 'pincode': 'pincode', 'remarks': 'remarks'}


def request_history(
    session: Session, actor: Actor, *, request_id: Any, now: datetime | None = None
) -> tuple[HistoryEntry, ...]:
    """Whoever may see the request (else NotFound, as for `get_request`) sees its history."""
    request = lists.get_request(session, actor, request_id=request_id, now=now)
    events = session.execute(
        select(AuditEvent, User.role)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.target_type == 'service_request', AuditEvent.target_id == request.id)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()
    return tuple(
        _entry(event, role, actor, request.professional_id) for event, role in events if _shown_to(actor, event)
    )


def _shown_to(viewer: Actor, event: AuditEvent) -> bool:
    """Everything but other professionals' declines, which only admins and the customer see."""
    return viewer.role is not Role.PROFESSIONAL or event.action != 'request.decline' or event.actor_id == viewer.id


def _entry(event: AuditEvent, role: Role | None, viewer: Actor, professional_id: int | None) -> HistoryEntry:
    details = event.details or {}
    after = details.get('to')
    return HistoryEntry(
        occurred_at=event.occurred_at,
        who=_who(event, role, viewer, professional_id),
        what=_what(event, details),
        reason=event.reason or '',
        status_after=RequestStatus(after) if after in set(RequestStatus) else None,
    )


def _who(event: AuditEvent, role: Role | None, viewer: Actor, professional_id: int | None) -> str:
    if event.actor_id is None:
        return 'the system' if event.actor_label == 'system' else event.actor_label
    if viewer.role is Role.ADMIN:
        return event.actor_label
    if event.actor_id == viewer.id:
        return 'you'
    if role is Role.PROFESSIONAL and event.actor_id == professional_id:
        return 'the professional'
    return ROLE_WORDS.get(role, 'someone')


def _what(event: AuditEvent, details: dict[str, Any]) -> str:
    what = WHAT.get(event.action, event.action)
    changed = details.get('changed')
    if event.action == 'request.edit' and isinstance(changed, dict) and changed:
        what += ': ' + ', '.join(FIELD_WORDS.get(field, field) for field in changed if field not in SAID_WITH_SLOT)
    if 'rating' in details:
        what += f' ({details["rating"]}/5)'
    return what
