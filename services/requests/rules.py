"""The rules of service requests as SQL (who may take one, what overlaps, whose inbox holds one) and the
pieces every transition shares: one conditional UPDATE, its audit row and its domain event."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, exists, false, literal, or_, select, true, update
from sqlalchemy.orm import Session, aliased

from models import ProfessionalPincode, ProfessionalProfile, RequestDismissal, Service, ServiceRequest, User
from models.enums import ApprovalState, RequestStatus, Role
from services import audit
from services.core import events, validation
from services.core.errors import ValidationError
from services.core.rows import Actor
from services.requests.rows import RequestPolicy
from settings import get_settings

R = ServiceRequest
MAX_REASON = 500
# what a transition's UPDATE ... RETURNING hands back: enough for its audit row, event and notifications (the
# service's name too, so that the notification's words cost no second statement)
SERVICE_NAME = select(Service.name).where(Service.id == R.service_id).scalar_subquery().label('service_name')
_PROFESSIONAL = User.id == R.professional_id
CHANGED = (
    R.id,
    R.service_id,
    R.customer_id,
    R.professional_id,
    R.requested_professional_id,
    R.scheduled_at,
    SERVICE_NAME,
)
# the professional's words in what a transition tells the customer (claim's `also`)
PROFESSIONAL_NAME = select(User.name).where(_PROFESSIONAL).scalar_subquery().label('professional_name')
PROFESSIONAL_PHONE = select(User.phone).where(_PROFESSIONAL).scalar_subquery().label('professional_phone')
OTHER = aliased(ServiceRequest, name='other_request')  # built once: a new alias per call was a quarter of an accept
EVENTS = {
    'book': 'request.booked',
    'edit': 'request.edited',
    'accept': 'request.accepted',
    'decline': 'request.declined',
    'withdraw': 'request.withdrawn',
    'complete': 'request.completed',
    'close': 'request.closed',
    'auto_close': 'request.auto_closed',
    'review': 'request.reviewed',
    'cancel': 'request.cancelled',
    'admin_cancel': 'request.cancelled',
    'expire': 'request.expired',
    'release': 'request.released',
}
EVENT_NAMES = frozenset(EVENTS.values())  # every event a request's change announces


def is_request_id(value: Any) -> bool:
    """`validation.is_id` for the id of a service request."""
    return validation.is_id(value, R.id)


# --- the rules as SQL -------------------------------------------------------------------------------------------------


def qualified(professional_id: int, *, service_id: Any = R.service_id, pincode: Any = R.pincode) -> ColumnElement[bool]:
    """An approved, unblocked professional who offers the service and serves the pincode (by default the
    request's own, so that it can sit in a request's WHERE)."""
    p = ProfessionalProfile
    return exists().where(
        User.id == professional_id,
        User.role == Role.PROFESSIONAL,
        User.is_blocked.is_(False),
        p.user_id == User.id,
        p.approval_state == ApprovalState.APPROVED,
        p.service_id == service_id,
        ProfessionalPincode.professional_id == User.id,
        ProfessionalPincode.pincode == pincode,
    )


def overlaps_assigned_job(professional_id: int) -> ColumnElement[bool]:
    """The professional holds another assigned job that meets this one's interval (a.start < b.end and
    b.start < a.end)."""
    other = OTHER
    return exists().where(
        other.professional_id == professional_id,
        other.service_status == RequestStatus.ASSIGNED,
        other.id != R.id,
        other.scheduled_at < R.ends_at,
        R.scheduled_at < other.ends_at,
    )


def open_to(professional_id: int) -> ColumnElement[bool]:
    """Addressed to nobody, or to this professional."""
    return or_(R.requested_professional_id.is_(None), R.requested_professional_id == professional_id)


def dismissed_by(professional_id: int) -> ColumnElement[bool]:
    d = RequestDismissal
    return exists().where(d.request_id == R.id, d.professional_id == professional_id)


def in_inbox_of(professional: User, now: datetime) -> ColumnElement[bool]:
    """Requested and not started; addressed to them, or open to all for their service in their pincodes and
    not dismissed by them (uses the profile's values, so the pool index serves it)."""
    profile = professional.professional_profile
    if profile is None or profile.approval_state is not ApprovalState.APPROVED:
        return false()
    open_to_all = and_(
        R.requested_professional_id.is_(None),
        R.service_id == profile.service_id,
        R.pincode.in_([p.pincode for p in profile.pincodes]),
        ~dismissed_by(professional.id),
    )
    return and_(
        R.service_status == RequestStatus.REQUESTED,
        R.scheduled_at > now,
        or_(R.requested_professional_id == professional.id, open_to_all),
    )


def visible_to(user: User | None, now: datetime) -> ColumnElement[bool]:
    """Admins (and the operator, None) see every request; a customer their own; a professional the jobs they
    accepted, the requests addressed to them and those in their inbox."""
    if user is None or user.role is Role.ADMIN:
        return true()
    if user.role is Role.CUSTOMER:
        return R.customer_id == user.id
    return or_(R.professional_id == user.id, R.requested_professional_id == user.id, in_inbox_of(user, now))


def status_where(session: Session, request_id: Any, *criteria: ColumnElement[bool]) -> RequestStatus | None:
    """The request's status if it meets the criteria (to explain a refusal), else None."""
    if not is_request_id(request_id):
        return None
    return session.scalar(select(R.service_status).where(R.id == request_id, *criteria))


def unchanged_since(seen_updated_at: Any) -> ColumnElement[bool]:
    """The request is as the caller last saw it (None: the caller does not care)."""
    if seen_updated_at is None:
        return true()
    if not isinstance(seen_updated_at, datetime) or seen_updated_at.tzinfo is None:
        raise ValidationError('Reload the request and try again.', field='seen_updated_at')
    return R.updated_at == seen_updated_at


def holds(session: Session, *criteria: ColumnElement[bool]) -> bool:
    """Whether some request meets every criterion (used to explain a refusal, never to decide one)."""
    return bool(session.scalar(select(literal(True)).where(*criteria).limit(1)))


# --- one transition ---------------------------------------------------------------------------------------------------


def claim(
    session: Session, request_id: int, *rules: ColumnElement[bool], also: tuple[Any, ...] = (), **values: Any
) -> Row[Any] | None:
    """ONE conditional UPDATE holding every rule in its WHERE: it changes the request only if all of them
    hold at that instant (so a race has exactly one winner); returns what changed (CHANGED and `also`), or None."""
    statement = update(R).where(R.id == request_id, *rules).values(**values).returning(*CHANGED, *also)
    return run(session, statement)


def run(session: Session, statement: Any, **parameters: Any) -> Row[Any] | None:
    """A transition's UPDATE ... RETURNING on the unit's connection, past the ORM: no unit of work has request rows
    loaded to keep in step (edit's is read before and not after), and the ORM's bookkeeping of a bulk UPDATE cost
    more than the statement. What the unit added is written first, so the WHERE sees it."""
    session.flush()
    return session.connection().execute(statement, parameters).one_or_none()


def claim_all(session: Session, *rules: ColumnElement[bool], **values: Any) -> list[Row[Any]]:
    """The same for every request that meets the rules (the system's sweeps)."""
    return list(session.execute(update(R).where(*rules).values(**values).returning(*CHANGED)).all())


def announce(
    session: Session,
    actor: Actor | None,
    verb: str,
    request: Any,
    *,
    source: RequestStatus | None,
    target: RequestStatus,
    now: datetime,
    reason: str | None = None,
    **details: Any,
) -> None:
    """The audit row (actor None = the system) and the domain event, published after commit, of one transition."""
    audit.record(
        session,
        actor,
        f'request.{verb}',
        target_type='service_request',
        target_id=request.id,
        reason=reason,
        details={'from': source and source.value, 'to': target.value, **details},
        now=now,
    )
    events.publish(
        session,
        EVENTS[verb],
        request_id=request.id,
        status=target.value,
        service_id=request.service_id,
        customer_id=request.customer_id,
        professional_id=details.get('professional_id', request.professional_id),
        requested_professional_id=getattr(request, 'requested_professional_id', None),
    )


# --- words and policy -------------------------------------------------------------------------------------------------


def describe(session: Session, changed: Any) -> str:
    """'Plumbing request for Tue 05 Mar 2030, 10:00' in local time, for notification messages (the service's name
    from the RETURNING of CHANGED when it is there)."""
    name = getattr(changed, 'service_name', None) or session.get(Service, changed.service_id).name
    return f'{name} request for {local_label(changed.scheduled_at)}'


def reason(value: Any) -> str:
    """Why someone cancels or withdraws: required text, up to 500 characters."""
    return validation.text(value, field='reason', label='Reason', max_length=MAX_REASON, multiline=True)


def local_label(moment: datetime) -> str:
    return moment.astimezone(get_settings().zone).strftime('%a %d %b %Y, %H:%M')


def cancel_cutoff() -> timedelta:
    return timedelta(hours=get_settings().cancel_cutoff_hours)


def policy() -> RequestPolicy:
    """The cancel cut-off, auto-close delay and review window, for pages to show."""
    settings = get_settings()
    return RequestPolicy(
        cancel_cutoff_hours=settings.cancel_cutoff_hours,
        auto_close_days=settings.auto_close_days,
        review_window_days=settings.review_window_days,
        timezone=settings.timezone,
    )
