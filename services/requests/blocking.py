"""What blocking a user does to their requests (design.md §3): a professional's upcoming jobs return to the pool and
requests addressed to them open to all; a customer's open requests are cancelled. Everyone affected is told."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from models import ServiceRequest, User
from models.enums import RequestStatus, Role
from services import messaging
from services.core import clock, validation
from services.requests import assignments, cancelling, rules

R = ServiceRequest
REQUESTED, ASSIGNED = RequestStatus.REQUESTED, RequestStatus.ASSIGNED


def release_for_blocked_user(session: Session, user_id: int, *, now: datetime | None = None) -> int:
    """What blocking does (design.md §3): a professional's upcoming jobs return to the pool and requests
    addressed to them open to all, their customers told; a customer's open requests are cancelled, their
    professionals told. Does nothing for a user who is not blocked. Returns how many requests changed."""
    now = now or clock.now()
    user = session.get(User, user_id) if validation.is_id(user_id, User.id) else None
    if user is None or not user.is_blocked:
        return 0
    if user.role is Role.PROFESSIONAL:
        released = release_jobs_of(session, user, now=now)
        return released + open_requests_addressed_to(session, user, now=now)
    if user.role is Role.CUSTOMER:
        return _cancel_open_requests_of(session, user, now=now)
    return 0


def release_jobs_of(session: Session, professional: User, *, now: datetime) -> int:
    """A blocked professional's upcoming jobs return to the open pool; each customer is told."""
    rows = rules.claim_all(
        session,
        R.service_status == ASSIGNED,
        R.professional_id == professional.id,
        R.scheduled_at > now,
        **assignments.back_to_pool(now),
    )
    message = 'Your {request} is open to other professionals again: the one who accepted it can no longer do it.'
    return _released(session, rows, professional, source=ASSIGNED, message=message, now=now)


def open_requests_addressed_to(session: Session, professional: User, *, now: datetime) -> int:
    """Requests addressed to a professional who can no longer take them (blocked, rejected, sent back
    to pending) open to all who take that service there; each customer is told."""
    rows = rules.claim_all(
        session,
        R.service_status == REQUESTED,
        R.requested_professional_id == professional.id,
        requested_professional_id=None,
        updated_at=now,
    )
    message = 'The professional you asked for is no longer available: your {request} is now open to all.'
    return _released(session, rows, professional, source=REQUESTED, message=message, now=now)


def _cancel_open_requests_of(session: Session, customer: User, *, now: datetime) -> int:
    reason = 'The customer account was suspended.'
    rows = rules.claim_all(
        session,
        R.customer_id == customer.id,
        R.service_status.in_((REQUESTED, ASSIGNED)),
        **cancelling.cancelled(reason, now),
    )
    for row in rows:
        cancelling.announce_cancel(session, None, 'cancel', row, reason=reason, now=now)
    return len(rows)


def _released(
    session: Session, rows: list[Any], professional: User, *, source: RequestStatus, message: str, now: datetime
) -> int:
    for row in rows:
        rules.announce(
            session,
            None,
            'release',
            row,
            source=source,
            target=REQUESTED,
            now=now,
            reason='The professional was blocked.',
            professional_id=professional.id,
        )
        text = message.format(request=rules.describe(session, row))
        messaging.notify(session, row.customer_id, 'request.released', text, request_id=row.id, now=now)
    return len(rows)
