"""The professional's side of a service request (design.md §3): accept, decline, withdraw and complete, and
what blocking a professional does to their jobs. Each transition is ONE conditional UPDATE holding every rule."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import RequestDismissal, ServiceRequest, User
from models.enums import RequestStatus, Role
from services import messaging
from services.core import clock
from services.core.errors import Conflict, InvalidTransition, ServiceError, StaleEdit
from services.core.rows import Actor
from services.requests import actors, prepared, rules

R = ServiceRequest
REQUESTED, ASSIGNED = RequestStatus.REQUESTED, RequestStatus.ASSIGNED
NOT_OPEN = 'This request is no longer open to you.'


def accept(
    session: Session,
    actor: Actor,
    *,
    request_id: Any,
    seen_updated_at: datetime | None = None,
    now: datetime | None = None,
) -> None:
    """Approved professionals take an open request of their service in a pincode they serve, addressed to
    nobody or to them, before its slot starts and clear of their other jobs: first come wins, and every rule
    is checked in the same statement, so a professional blocked a moment earlier cannot win. Passing the
    `updated_at` they were shown refuses a request the customer edited since."""
    actors.acting(actor, 'accept', Role.PROFESSIONAL, request_id=request_id)  # approval: `qualified`, in the WHERE
    now = now or clock.now()
    rules.unchanged_since(seen_updated_at)  # refuses what is not a time
    row = None
    if rules.is_request_id(request_id):
        actors.lock_user(session, actor.id)  # PostgreSQL: one accept at a time per professional (the overlap check)
        statement = prepared.accept(checks_seen=seen_updated_at is not None)
        row = rules.run(session, statement, actor=actor.id, now=now, request=request_id, seen=seen_updated_at)
    if row is None:
        raise _why_not_accepted(session, actor, request_id, now, seen_updated_at)
    rules.announce(session, actor, 'accept', row, source=REQUESTED, target=ASSIGNED, now=now)
    phone = f' Their phone: {row.professional_phone}.' if row.professional_phone else ''
    message = f'{row.professional_name} accepted your {rules.describe(session, row)}.{phone}'
    messaging.notify(session, row.customer_id, 'request.accepted', message, request_id=row.id, now=now)


def decline(session: Session, actor: Actor, *, request_id: Any, now: datetime | None = None) -> None:
    """Approved professionals turn down a request in their inbox: an open one leaves their inbox only; one
    addressed to them becomes open to every professional who takes it, and the customer is told."""
    user = actors.require_approved(session, actor, 'decline', request_id=request_id)
    now = now or clock.now()
    if not rules.is_request_id(request_id):
        raise InvalidTransition(NOT_OPEN)
    actors.lock_user(session, user.id)
    addressed = rules.claim(
        session,
        request_id,
        R.service_status == REQUESTED,
        R.requested_professional_id == user.id,
        R.scheduled_at > now,  # past its start it can only expire: opening it to others would be a lie
        requested_professional_id=None,
        updated_at=now,
    )
    if addressed is not None:
        _decline_addressed(session, actor, user, addressed, now=now)
    else:
        _decline_open(session, actor, user, request_id, now=now)


def withdraw(session: Session, actor: Actor, *, request_id: Any, reason: Any, now: datetime | None = None) -> None:
    """Professionals hand back a job they accepted, with a reason, until `cancel_cutoff_hours` before its slot:
    it returns to the open pool addressed to nobody, leaves their inbox, and the customer is told."""
    user = actors.require(session, actor, 'withdraw', Role.PROFESSIONAL, request_id=request_id)
    reason = rules.reason(reason)
    now = now or clock.now()
    actors.lock_user(session, user.id)
    row = None
    if rules.is_request_id(request_id):
        row = rules.claim(
            session,
            request_id,
            R.service_status == ASSIGNED,
            R.professional_id == user.id,
            R.scheduled_at > now + rules.cancel_cutoff(),
            **back_to_pool(now),
        )
    if row is None:
        raise _why_not_withdrawable(session, actor, request_id)
    _dismiss(session, row.id, user.id, now=now)
    rules.announce(
        session,
        actor,
        'withdraw',
        row,
        source=ASSIGNED,
        target=REQUESTED,
        now=now,
        reason=reason,
        professional_id=user.id,
    )
    message = (
        f'{user.name} can no longer do your {rules.describe(session, row)} ({reason}). '
        'It is open to other professionals again.'
    )
    messaging.notify(session, row.customer_id, 'request.withdrawn', message, request_id=row.id, now=now)


def complete(session: Session, actor: Actor, *, request_id: Any, now: datetime | None = None) -> None:
    """Professionals mark a job they accepted done once its slot has started; the customer is asked to review it."""
    actors.acting(actor, 'complete', Role.PROFESSIONAL, request_id=request_id)
    now = now or clock.now()
    row = None
    if rules.is_request_id(request_id):
        row = rules.run(session, prepared.complete(), actor=actor.id, now=now, request=request_id)
    if row is None:
        raise _why_not_completable(session, actor, request_id)
    rules.announce(session, actor, 'complete', row, source=ASSIGNED, target=RequestStatus.COMPLETED, now=now)
    message = f'{row.professional_name} marked your {rules.describe(session, row)} done. Please close it with a rating.'
    messaging.notify(session, row.customer_id, 'request.completed', message, request_id=row.id, now=now)


# --- helpers ----------------------------------------------------------------------------------------------------------


def _acceptable_by(professional_id: int, now: datetime) -> tuple[Any, ...]:
    return (
        R.service_status == REQUESTED,
        R.scheduled_at > now,
        rules.open_to(professional_id),
        rules.qualified(professional_id),
    )


def _why_not_accepted(
    session: Session, actor: Actor, request_id: Any, now: datetime, seen_updated_at: Any
) -> ServiceError:
    professional_id = actors.require_approved(session, actor, 'accept', request_id=request_id).id
    if not rules.is_request_id(request_id):
        return InvalidTransition(NOT_OPEN)
    acceptable = (R.id == request_id, *_acceptable_by(professional_id, now))
    if rules.holds(session, *acceptable, rules.overlaps_assigned_job(professional_id)):
        return Conflict('You already have a job at that time.')
    if rules.holds(session, *acceptable, ~rules.unchanged_since(seen_updated_at)):
        return StaleEdit('The customer changed this request a moment ago. Look at it again before accepting.')
    return InvalidTransition(NOT_OPEN)


def _why_not_withdrawable(session: Session, actor: Actor, request_id: Any) -> ServiceError:
    status = rules.status_where(session, request_id, R.professional_id == actor.id)
    if status is None:
        return actors.not_found(actor, 'withdraw', request_id)
    if status is ASSIGNED:
        hours = rules.policy().cancel_cutoff_hours
        return InvalidTransition(
            f'It is too late to withdraw: jobs can be handed back until {hours} hours before their slot.'
        )
    return InvalidTransition('This job is no longer yours to withdraw from.')


def _why_not_completable(session: Session, actor: Actor, request_id: Any) -> ServiceError:
    actors.require(session, actor, 'complete', Role.PROFESSIONAL, request_id=request_id)
    status = rules.status_where(session, request_id, R.professional_id == actor.id)
    if status is None:
        return actors.not_found(actor, 'complete', request_id)
    if status is ASSIGNED:
        return InvalidTransition('You can mark a job done once its time slot has started.')
    return InvalidTransition('This job is not in progress.')


def back_to_pool(now: datetime) -> dict[str, Any]:
    """What returning an accepted request to the open pool writes on it."""
    return {
        'service_status': REQUESTED,
        'professional_id': None,
        'requested_professional_id': None,
        'assigned_at': None,
        'updated_at': now,
    }


def _dismiss(session: Session, request_id: int, professional_id: int, *, now: datetime) -> None:
    """The request leaves this professional's inbox (once; the caller holds the professional's row lock)."""
    if session.get(RequestDismissal, (request_id, professional_id)) is None:
        session.add(RequestDismissal(request_id=request_id, professional_id=professional_id, dismissed_at=now))


def _decline_addressed(session: Session, actor: Actor, user: User, row: Any, *, now: datetime) -> None:
    _dismiss(session, row.id, user.id, now=now)
    rules.announce(
        session,
        actor,
        'decline',
        row,
        source=REQUESTED,
        target=REQUESTED,
        now=now,
        addressed=True,
        professional_id=user.id,
    )
    message = (
        f'{user.name} cannot take your {rules.describe(session, row)}. '
        'It is now open to every professional who serves your pincode.'
    )
    messaging.notify(session, row.customer_id, 'request.declined', message, request_id=row.id, now=now)


def _decline_open(session: Session, actor: Actor, user: User, request_id: int, *, now: datetime) -> None:
    open_here = (
        R.id == request_id,
        R.service_status == REQUESTED,
        R.requested_professional_id.is_(None),
        R.scheduled_at > now,
    )
    row = session.execute(select(*rules.CHANGED).where(*open_here, rules.qualified(user.id))).one_or_none()
    if row is None:
        raise InvalidTransition(NOT_OPEN)
    if session.get(RequestDismissal, (row.id, user.id)) is not None:
        return  # declined already
    _dismiss(session, row.id, user.id, now=now)
    rules.announce(
        session,
        actor,
        'decline',
        row,
        source=REQUESTED,
        target=REQUESTED,
        now=now,
        addressed=False,
        professional_id=user.id,
    )
