"""Professionals: their own profile, the admin's vetting (approve, reject, resubmit) and the list customers
choose from. Their verification documents live in services/documents.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Float, case, cast, func, select, update
from sqlalchemy.orm import Session

from models import ProfessionalPincode, ProfessionalProfile, Review, Service, User
from models.enums import ApprovalState, Role
from services import assignments, audit, clock, events, notifications, validation
from services.access import require_owner_or_admin, require_professional, require_role
from services.documents import document_rows_of
from services.errors import Conflict, NotFound, ValidationError
from services.views import Actor, DocumentRow, ProfessionalCard, ProfessionalView, ReviewSnippet

RECENT_REVIEWS = 3
MAX_LIST = 50
STATE_WORDS = {ApprovalState.PENDING: 'awaiting approval', ApprovalState.APPROVED: 'approved'}


# --- profile ---------------------------------------------------------------------------------------------------


def edit_profile(
    session: Session,
    actor: Actor,
    *,
    service_id: int,
    experience_years: Any,
    description: Any,
    pincodes: Any,
    phone: Any = None,
    now: datetime | None = None,
) -> ProfessionalView:
    """A professional edits their own profile; a change of service sends it back for approval."""
    user = require_professional(session, actor)
    now = now or clock.now()
    after = _profile_fields(service_id, experience_years, description, pincodes, phone=phone, current_phone=user.phone)
    profile = _locked_profile(session, user.id)
    changed = _changes(profile, user, after)
    if 'service_id' in changed:
        _require_active_service(session, service_id)
        changed['approval_state'] = [profile.approval_state.value, ApprovalState.PENDING.value]
        profile.approval_state, profile.approval_reason, profile.submitted_at = ApprovalState.PENDING, None, now
        assignments.open_requests_addressed_to(session, user, now=now)  # they cannot take them while pending
    if changed:
        _apply_edit(profile, user, after)
        audit.record(
            session,
            actor,
            'professional.edit_profile',
            target_type='professional',
            target_id=user.id,
            details={'changed': changed},
            now=now,
        )
        back_to_pending = 'approval_state' in changed
        events.publish(session, 'professional.profile_edited', professional_id=user.id, back_to_pending=back_to_pending)
    return _views(session, [user.id])[0]


def get_professional(session: Session, actor: Actor, *, professional_id: int) -> ProfessionalView:
    """Admins see any professional's whole profile, a professional their own; for others it does not exist."""
    require_owner_or_admin(session, actor, professional_id)
    views = _views(session, [professional_id])
    if not views:
        raise NotFound('That professional does not exist.')
    return views[0]


def list_pending(session: Session, actor: Actor, *, limit: int = MAX_LIST) -> list[ProfessionalView]:
    """Admins see the unblocked professionals awaiting approval, the longest waiting first."""
    require_role(session, actor, Role.ADMIN)
    p = ProfessionalProfile
    ids = session.scalars(
        select(p.user_id)
        .join(User, User.id == p.user_id)
        .where(p.approval_state == ApprovalState.PENDING, User.is_blocked.is_(False))
        .order_by(func.coalesce(p.submitted_at, User.created_at), p.user_id)
        .limit(_clamped(limit))
    ).all()
    return _views(session, list(ids))


def list_for_service(session: Session, *, service_id: int, pincode: Any, limit: int = 20) -> list[ProfessionalCard]:
    """Anyone sees the approved, unblocked professionals of an active service who serve a pincode, best rated first."""
    code = validation.pincode(pincode)
    if not validation.is_id(service_id, Service.id):
        return []
    p, u = ProfessionalProfile, User
    average = case((p.rating_count > 0, cast(p.rating_sum, Float) / p.rating_count), else_=None)
    rows = session.execute(
        select(u.id, u.name, p.experience_years, p.description, p.rating_sum, p.rating_count)
        .join(p, p.user_id == u.id)
        .join(Service, Service.id == p.service_id)
        .join(ProfessionalPincode, ProfessionalPincode.professional_id == p.user_id)
        .where(
            p.service_id == service_id,
            ProfessionalPincode.pincode == code,
            Service.is_active.is_(True),
            p.approval_state == ApprovalState.APPROVED,
            u.is_blocked.is_(False),
        )
        .order_by(average.desc().nulls_last(), p.rating_count.desc(), u.name, u.id)
        .limit(_clamped(limit))
    ).all()
    reviews = _recent_reviews(session, [row.id for row in rows])
    return [
        ProfessionalCard(
            professional_id=row.id,
            name=row.name,
            experience_years=row.experience_years,
            description=row.description,
            rating_average=_average(row.rating_sum, row.rating_count),
            rating_count=row.rating_count,
            recent_reviews=tuple(reviews.get(row.id, ())),
        )
        for row in rows
    ]


# --- vetting ---------------------------------------------------------------------------------------------------


def approve(session: Session, actor: Actor, *, professional_id: int, now: datetime | None = None) -> None:
    """Admins approve a professional who is awaiting approval; from then on they can take requests."""
    require_role(session, actor, Role.ADMIN)
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
    notifications.notify(session, professional_id, 'professional.approved', message, now=now)
    events.publish(session, 'professional.approved', professional_id=professional_id)


def reject(session: Session, actor: Actor, *, professional_id: int, reason: Any, now: datetime | None = None) -> None:
    """Admins reject a pending or approved professional with a reason the professional is shown."""
    require_role(session, actor, Role.ADMIN)
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
    assignments.open_requests_addressed_to(session, session.get(User, professional_id), now=now)
    message = f'Your profile was not approved: {reason} Fix your profile, then resubmit it.'
    notifications.notify(session, professional_id, 'professional.rejected', message, now=now)
    events.publish(session, 'professional.rejected', professional_id=professional_id)


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
    events.publish(session, 'professional.resubmitted', professional_id=user.id)


# --- helpers ---------------------------------------------------------------------------------------------------


def _locked_profile(session: Session, user_id: int) -> ProfessionalProfile:
    """The profile row, re-read and locked until the unit ends (FOR UPDATE on PostgreSQL)."""
    query = select(ProfessionalProfile).where(ProfessionalProfile.user_id == user_id).with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).one()


def _require_active_service(session: Session, service_id: Any) -> None:
    service = session.get(Service, service_id) if validation.is_id(service_id, Service.id) else None
    if service is None or not service.is_active:
        raise ValidationError('Choose a service from the list.', field='service_id')


def _profile_fields(
    service_id: Any, experience_years: Any, description: Any, pincodes: Any, *, phone: Any, current_phone: str | None
) -> dict[str, Any]:
    return {
        'service_id': service_id,  # checked only when it changes: keeping a since-retired service is fine
        'experience_years': validation.whole_number(
            experience_years, field='experience_years', label='Experience (years)', minimum=0, maximum=70
        ),
        'description': validation.text(
            description, field='description', label='Description', max_length=2000, multiline=True
        ),
        'pincodes': validation.pincodes(pincodes),
        'phone': validation.phone(phone) if phone is not None else current_phone,
    }


def _changes(profile: ProfessionalProfile, user: User, after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for every field the edit changes."""
    before = {key: getattr(profile, key) for key in ('service_id', 'experience_years', 'description')}
    before |= {'pincodes': [p.pincode for p in profile.pincodes], 'phone': user.phone}
    return {key: [before[key], after[key]] for key in before if before[key] != after[key]}


def _apply_edit(profile: ProfessionalProfile, user: User, after: dict[str, Any]) -> None:
    profile.service_id = after['service_id']
    profile.experience_years = after['experience_years']
    profile.description = after['description']
    user.phone = after['phone']
    wanted = set(after['pincodes'])
    profile.pincodes = [p for p in profile.pincodes if p.pincode in wanted]  # delete-orphan drops the rest
    kept = {p.pincode for p in profile.pincodes}
    profile.pincodes.extend(ProfessionalPincode(pincode=code) for code in sorted(wanted - kept))


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


def _views(session: Session, ids: list[int]) -> list[ProfessionalView]:
    """Whole profiles in the order of `ids`, in four queries however many there are."""
    ids = [i for i in ids if validation.is_id(i, User.id)]
    if not ids:
        return []
    rows = session.execute(
        select(User, ProfessionalProfile, Service)
        .join(ProfessionalProfile, ProfessionalProfile.user_id == User.id)
        .join(Service, Service.id == ProfessionalProfile.service_id)
        .where(User.id.in_(ids))
    ).all()
    pincodes = _grouped(
        session.execute(
            select(ProfessionalPincode.professional_id, ProfessionalPincode.pincode)
            .where(ProfessionalPincode.professional_id.in_(ids))
            .order_by(ProfessionalPincode.pincode)
        )
    )
    documents = document_rows_of(session, ids)
    found = {
        user.id: _view(user, profile, service, pincodes.get(user.id, []), documents.get(user.id, []))
        for user, profile, service in rows
    }
    return [found[i] for i in ids if i in found]


def _view(
    user: User, profile: ProfessionalProfile, service: Service, pincodes: list[str], documents: list[DocumentRow]
) -> ProfessionalView:
    return ProfessionalView(
        professional_id=user.id,
        name=user.name,
        email=user.email,
        phone=user.phone or '',
        is_blocked=user.is_blocked,
        service_id=service.id,
        service_name=service.name,
        service_active=service.is_active,
        experience_years=profile.experience_years,
        description=profile.description,
        pincodes=tuple(pincodes),
        approval_state=profile.approval_state,
        approval_reason=profile.approval_reason or '',
        submitted_at=profile.submitted_at,
        approval_decided_at=profile.approval_decided_at,
        rating_average=_average(profile.rating_sum, profile.rating_count),
        rating_count=profile.rating_count,
        documents=tuple(documents),
    )


def _recent_reviews(session: Session, ids: list[int]) -> dict[int, list[ReviewSnippet]]:
    """The newest few reviews of every listed professional, in one query (a window per professional)."""
    if not ids:
        return {}
    r = Review
    rank = func.row_number().over(partition_by=r.professional_id, order_by=(r.created_at.desc(), r.id.desc()))
    ranked = (
        select(r.professional_id, r.rating, r.remarks, r.created_at, rank.label('rank'))
        .where(r.professional_id.in_(ids))
        .subquery()
    )
    rows = session.execute(
        select(ranked).where(ranked.c.rank <= RECENT_REVIEWS).order_by(ranked.c.professional_id, ranked.c.rank)
    )
    return _grouped((row.professional_id, ReviewSnippet(row.rating, row.remarks, row.created_at)) for row in rows)


def _grouped(pairs: Iterable[Any]) -> dict[int, list[Any]]:
    groups: dict[int, list[Any]] = defaultdict(list)
    for key, value in pairs:
        groups[key].append(value)
    return groups


def _average(rating_sum: int, rating_count: int) -> float | None:
    return rating_sum / rating_count if rating_count else None


def _clamped(limit: Any) -> int:
    return min(limit, MAX_LIST) if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 else MAX_LIST
