"""The admin's vetting of professionals: approve, reject with a reason, and the professional's resubmission."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import ProfessionalProfile, User
from models.enums import ApprovalState, Role
from services import audit, messaging, requests
from services.core import clock, events, validation
from services.core.access import check_role, require_professional
from services.core.errors import Conflict, NotFound
from services.core.rows import Actor

STATE_WORDS = {ApprovalState.PENDING: 'awaiting approval', ApprovalState.APPROVED: 'approved'}


def approve(session: Session, actor: Actor, *, professional_id: int, now: datetime | None = None) -> None:
    """Admins approve a professional who is awaiting approval; from then on they can take requests."""
    check_role(session, actor, Role.ADMIN)
    now = now or clock.now()
    _transition(
        session,
        actor,
        professional_id,
        action='professional.approve',
        from_states=(ApprovalState.PENDING,),
        values={'approval_state': ApprovalState.APPROVED, 'approval_reason': None, 'approval_decided_at': now},
        now=now,
    )
    message = 'Your profile was approved. You can now accept requests for your service.'
    messaging.notify(session, professional_id, 'professional.approved', message, now=now)
    events.publish(
        session,
        'professional.approved',
        professional_id=professional_id,
        service_ids=_service_of(session, professional_id),
    )


def reject(session: Session, actor: Actor, *, professional_id: int, reason: Any, now: datetime | None = None) -> None:
    """Admins reject a pending or approved professional with a reason the professional is shown."""
    check_role(session, actor, Role.ADMIN)
    reason = validation.text(reason, field='reason', label='Reason', max_length=500)
    now = now or clock.now()
    _transition(
        session,
        actor,
        professional_id,
        action='professional.reject',
        from_states=(ApprovalState.PENDING, ApprovalState.APPROVED),
        values={'approval_state': ApprovalState.REJECTED, 'approval_reason': reason, 'approval_decided_at': now},
        reason=reason,
        now=now,
    )
    requests.open_requests_addressed_to(session, session.get(User, professional_id), now=now)
    message = f'Your profile was not approved: {reason} Fix your profile, then resubmit it.'
    messaging.notify(session, professional_id, 'professional.rejected', message, now=now)
    events.publish(
        session,
        'professional.rejected',
        professional_id=professional_id,
        service_ids=_service_of(session, professional_id),
    )


def resubmit(session: Session, actor: Actor, *, now: datetime | None = None) -> None:
    """A rejected professional asks for another review once they have fixed their profile."""
    user = require_professional(session, actor)
    now = now or clock.now()
    _transition(
        session,
        actor,
        user.id,
        action='professional.resubmit',
        from_states=(ApprovalState.REJECTED,),
        values={'approval_state': ApprovalState.PENDING, 'approval_reason': None, 'submitted_at': now},
        now=now,
    )
    events.publish(
        session, 'professional.resubmitted', professional_id=user.id, service_ids=_service_of(session, user.id)
    )


def _transition(
    session: Session,
    actor: Actor,
    professional_id: Any,
    *,
    action: str,
    from_states: tuple[ApprovalState, ...],
    values: dict[str, Any],
    now: datetime,
    reason: str | None = None,
) -> None:
    """One conditional UPDATE holding the state rule, so that of two racing decisions exactly one wins."""
    p = ProfessionalProfile
    if not validation.is_id(professional_id, ProfessionalProfile.user_id):
        raise NotFound('That professional does not exist.')
    before = session.scalar(select(p.approval_state).where(p.user_id == professional_id).with_for_update())
    if before is None:
        raise NotFound('That professional does not exist.')
    won = session.execute(
        update(p).where(p.user_id == professional_id, p.approval_state.in_(from_states)).values(**values)
    ).rowcount
    if won != 1:
        now_word = STATE_WORDS.get(before, before.value)
        raise Conflict(f'This profile changed a moment ago: it is {now_word} now. Reload it and try again.')
    audit.record(
        session,
        actor,
        action,
        target_type='professional',
        target_id=professional_id,
        reason=reason,
        details={'approval_state': [before.value, values['approval_state'].value]},
        now=now,
    )


def _service_of(session: Session, professional_id: int) -> tuple[int, ...]:
    """The service whose search results a change of approval changes."""
    service_id = session.scalar(
        select(ProfessionalProfile.service_id).where(ProfessionalProfile.user_id == professional_id)
    )
    return (service_id,) if service_id is not None else ()
