"""Ending a request without the work: a customer's cancel (under the cut-off rule), an admin's cancel with a reason,
and expiry of requests nobody accepted before their slot.

Every transition is ONE conditional UPDATE whose WHERE holds all its rules, plus its audit row, the
notifications it causes and one domain event, all in the caller's unit (`session_scope(write=True)`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.orm import Session

from models import ServiceRequest
from models.enums import RequestStatus, Role
from services import messaging
from services.core import clock
from services.core.errors import InvalidTransition, ServiceError
from services.core.rows import Actor
from services.requests import actors, rules

R = ServiceRequest
REQUESTED, ASSIGNED = RequestStatus.REQUESTED, RequestStatus.ASSIGNED


# --- cancelling -------------------------------------------------------------------------------------------------------


def cancel(session: Session, actor: Actor, *, request_id: Any, reason: Any, now: datetime | None = None) -> None:
    """Customers cancel their own request, with a reason: any time while it is requested, and once accepted
    only until `cancel_cutoff_hours` before its slot; the professional is told."""
    actors.require(session, actor, 'cancel', Role.CUSTOMER, request_id=request_id)
    reason = rules.reason(reason)
    now = now or clock.now()
    still_cancellable = or_(
        R.service_status == REQUESTED,
        and_(R.service_status == ASSIGNED, R.scheduled_at > now + rules.cancel_cutoff()),
    )
    row = None
    if rules.is_request_id(request_id):
        row = rules.claim(session, request_id, R.customer_id == actor.id, still_cancellable, **cancelled(reason, now))
    if row is None:
        raise _why_not_cancellable(session, actor, request_id)
    announce_cancel(session, actor, 'cancel', row, reason=reason, now=now)


def admin_cancel(session: Session, actor: Actor, *, request_id: Any, reason: Any, now: datetime | None = None) -> None:
    """Admins cancel any requested or assigned request with a reason; its customer and professional are told."""
    actors.require(session, actor, 'admin_cancel', Role.ADMIN, request_id=request_id)
    reason = rules.reason(reason)
    now = now or clock.now()
    row = None
    if rules.is_request_id(request_id):
        row = rules.claim(session, request_id, R.service_status.in_((REQUESTED, ASSIGNED)), **cancelled(reason, now))
    if row is None:
        if rules.is_request_id(request_id) and rules.holds(session, R.id == request_id):
            raise InvalidTransition('Only requested or assigned requests can be cancelled.')
        raise actors.not_found(actor, 'admin_cancel', request_id)
    announce_cancel(session, actor, 'admin_cancel', row, reason=reason, now=now)
    message = f'Support cancelled your {rules.describe(session, row)}: {reason}'
    messaging.notify(session, row.customer_id, 'request.cancelled', message, request_id=row.id, now=now)


# --- the system -------------------------------------------------------------------------------------------------------


def expire_due(session: Session, *, now: datetime | None = None) -> int:
    """Requests nobody accepted before their slot started expire; each customer is told. Returns how many."""
    now = now or clock.now()
    rows = rules.claim_all(
        session,
        R.service_status == REQUESTED,
        R.scheduled_at <= now,
        service_status=RequestStatus.EXPIRED,
        updated_at=now,
    )
    for row in rows:
        rules.announce(session, None, 'expire', row, source=REQUESTED, target=RequestStatus.EXPIRED, now=now)
        message = f'Nobody accepted your {rules.describe(session, row)} in time, so it expired. You can book again.'
        messaging.notify(session, row.customer_id, 'request.expired', message, request_id=row.id, now=now)
    return len(rows)


# --- helpers ----------------------------------------------------------------------------------------------------------


def _why_not_cancellable(session: Session, actor: Actor, request_id: Any) -> ServiceError:
    status = rules.status_where(session, request_id, R.customer_id == actor.id)
    if status is None:
        return actors.not_found(actor, 'cancel', request_id)
    if status is ASSIGNED:
        hours = rules.policy().cancel_cutoff_hours
        return InvalidTransition(
            f'It is too late to cancel: accepted requests can be cancelled until {hours} hours before their slot.'
        )
    return InvalidTransition('This request can no longer be cancelled.')


def cancelled(reason: str, now: datetime) -> dict[str, Any]:
    """What a cancellation writes on the request."""
    return {
        'service_status': RequestStatus.CANCELLED,
        'cancelled_at': now,
        'cancel_reason': reason,
        'updated_at': now,
    }


def announce_cancel(session: Session, actor: Actor | None, verb: str, row: Any, *, reason: str, now: datetime) -> None:
    """Audit and event of a cancellation, and a word to the professional who held or was asked for the job."""
    source = ASSIGNED if row.professional_id is not None else REQUESTED
    rules.announce(session, actor, verb, row, source=source, target=RequestStatus.CANCELLED, now=now, reason=reason)
    professional = row.professional_id or row.requested_professional_id
    if professional is not None:
        message = f'The {rules.describe(session, row)} was cancelled: {reason}'
        messaging.notify(session, professional, 'request.cancelled', message, request_id=row.id, now=now)
