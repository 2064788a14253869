"""Professionals: their own profile, admins reading it, the pending queue, and the list customers choose from. The
admin's decisions live in vetting.py, their verification documents in documents.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, bindparam, case, cast, func, select, true
from sqlalchemy.orm import Session, aliased

from models import ProfessionalPincode, ProfessionalProfile, Review, Service, User
from models.db import is_sqlite
from models.enums import ApprovalState, Role
from services import audit, requests
from services.core import cache, clock, events, validation
from services.core.access import check_role, require_owner_or_admin, require_professional
from services.core.errors import NotFound, ValidationError
from services.core.rows import Actor
from services.people.professional_views import average, grouped, views_of
from services.people.rows import ProfessionalCard, ProfessionalView, ReviewSnippet

RECENT_REVIEWS = 3
MAX_LIST = 50

# Built once, as RECENT_* below: a customer's search runs it for every service it finds.
_P = ProfessionalProfile  # (short: the statements below name it often)
_RATING = case((_P.rating_count > 0, cast(_P.rating_sum, Float) / _P.rating_count), else_=None)
SERVING = (
    select(
        User.id,
        User.name,
        _P.experience_years,
        _P.description,
        _P.rating_sum,
        _P.rating_count,
    )
    .join(_P, _P.user_id == User.id)
    .join(Service, Service.id == _P.service_id)
    .join(ProfessionalPincode, ProfessionalPincode.professional_id == _P.user_id)
    .where(
        _P.service_id == bindparam('service_id'),
        ProfessionalPincode.pincode == bindparam('pincode'),
        Service.is_active.is_(True),
        _P.approval_state == ApprovalState.APPROVED,
        User.is_blocked.is_(False),
    )
    .order_by(_RATING.desc().nulls_last(), _P.rating_count.desc(), User.name, User.id)
    .limit(bindparam('limit'))
)

# Built once. Each listed professional's newest reviews straight from the (professional_id, created_at) index, a few
# rows each: numbering every review of every listed professional with a window function and keeping the first three
# read all of them (300 a professional on the bench's seed: 7.6 of a customer's 21 ms search). PostgreSQL reads them
# through LATERAL; SQLite, which has none, through a correlated `IN (... LIMIT 3)` (on PostgreSQL that one is a
# nested loop over every review).
_NEWER = aliased(Review, name='newer')
_NEWEST = (
    select(_NEWER.id)
    .where(_NEWER.professional_id == _P.user_id)
    .order_by(_NEWER.created_at.desc(), _NEWER.id.desc())
    .limit(RECENT_REVIEWS)
)
_LISTED = _P.user_id.in_(bindparam('ids', expanding=True))
RECENT_SQLITE = (
    select(Review.professional_id, Review.rating, Review.remarks, Review.created_at)
    .select_from(_P)
    .join(Review, Review.id.in_(_NEWEST.correlate(_P)))
    .where(_LISTED)
    .order_by(Review.professional_id, Review.created_at.desc(), Review.id.desc())
)
_LATEST = (
    select(_NEWER.professional_id, _NEWER.rating, _NEWER.remarks, _NEWER.created_at, _NEWER.id)
    .where(_NEWER.professional_id == _P.user_id)
    .order_by(_NEWER.created_at.desc(), _NEWER.id.desc())
    .limit(RECENT_REVIEWS)
    .lateral('latest')
)
RECENT_LATERAL = (
    select(_LATEST.c.professional_id, _LATEST.c.rating, _LATEST.c.remarks, _LATEST.c.created_at)
    .select_from(_P)
    .join(_LATEST, true())
    .where(_LISTED)
    .order_by(_LATEST.c.professional_id, _LATEST.c.created_at.desc(), _LATEST.c.id.desc())
)


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
    service_before = profile.service_id
    changed = _changes(profile, user, after)
    if 'service_id' in changed:
        _require_active_service(session, service_id)
        changed['approval_state'] = [profile.approval_state.value, ApprovalState.PENDING.value]
        profile.approval_state, profile.approval_reason, profile.submitted_at = ApprovalState.PENDING, None, now
        requests.open_requests_addressed_to(session, user, now=now)  # they cannot take them while pending
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
        events.publish(
            session,
            'professional.profile_edited',
            professional_id=user.id,
            back_to_pending=back_to_pending,
            service_ids=tuple(sorted({service_before, profile.service_id})),
        )
    return views_of(session, [user.id])[0]


def get_professional(session: Session, actor: Actor, *, professional_id: int) -> ProfessionalView:
    """Admins see any professional's whole profile, a professional their own; for others it does not exist."""
    require_owner_or_admin(session, actor, professional_id)
    views = views_of(session, [professional_id])
    if not views:
        raise NotFound('That professional does not exist.')
    return views[0]


def list_pending(session: Session, actor: Actor, *, limit: int = MAX_LIST) -> list[ProfessionalView]:
    """Admins see the unblocked professionals awaiting approval, the longest waiting first."""
    check_role(session, actor, Role.ADMIN)
    p = ProfessionalProfile
    ids = session.scalars(
        select(p.user_id)
        .join(User, User.id == p.user_id)
        .where(p.approval_state == ApprovalState.PENDING, User.is_blocked.is_(False))
        .order_by(func.coalesce(p.submitted_at, User.created_at), p.user_id)
        .limit(_clamped(limit))
    ).all()
    return views_of(session, list(ids))


def list_for_service(session: Session, *, service_id: int, pincode: Any, limit: int = 20) -> list[ProfessionalCard]:
    """Anyone sees the approved, unblocked professionals of an active service who serve a pincode, best rated first."""
    code = validation.pincode(pincode)
    if not validation.is_id(service_id, Service.id):
        return []
    limit = _clamped(limit)
    return list(
        cache.cached(cache.SEARCH, service_id, f'{code}:{limit}', lambda: _serving(session, service_id, code, limit))
    )


def _serving(session: Session, service_id: int, code: str, limit: int) -> tuple[ProfessionalCard, ...]:
    rows = session.connection().execute(SERVING, {'service_id': service_id, 'pincode': code, 'limit': limit}).all()
    reviews = _recent_reviews(session, [row.id for row in rows])
    return tuple(
        ProfessionalCard(
            professional_id=row.id,
            name=row.name,
            experience_years=row.experience_years,
            description=row.description,
            rating_average=average(row.rating_sum, row.rating_count),
            rating_count=row.rating_count,
            recent_reviews=tuple(reviews.get(row.id, ())),
        )
        for row in rows
    )


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


def _recent_reviews(session: Session, ids: list[int]) -> dict[int, list[ReviewSnippet]]:
    """The newest few reviews of every listed professional, in one query."""
    if not ids:
        return {}
    recent = RECENT_SQLITE if is_sqlite(session) else RECENT_LATERAL
    rows = session.connection().execute(recent, {'ids': ids})
    return grouped((row.professional_id, ReviewSnippet(row.rating, row.remarks, row.created_at)) for row in rows)


def _clamped(limit: Any) -> int:
    return min(limit, MAX_LIST) if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 else MAX_LIST
