"""People: sign-up for customers and professionals, admins from the command line, profiles, blocking."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import CustomerProfile, ProfessionalPincode, ProfessionalProfile, Service, User
from models.db import session_scope
from models.enums import ApprovalState, NotificationChannel, Role, SignInOutcome
from services import audit, auth, clock, passwords, service_requests, throttle, validation
from services.access import require_role, require_signed_in
from services.errors import Conflict, NotFound, PermissionDenied, ServiceError, Throttled, ValidationError
from services.views import Actor, ProfileView, SignedIn

EMAIL_TAKEN = 'An account with this email already exists. Sign in instead, or ask an admin to reset your password.'


def register(
    role: Role, fields: dict[str, Any], *, client_ip: str, user_agent: str = '', now: datetime | None = None
) -> SignedIn:
    """Sign up and sign in at once (the sign-up page). A client address over the sign-in throttle is
    refused, and an email that is already taken counts as a failed sign-in for that address, so
    sign-up cannot be used to probe for accounts faster than sign-in can."""
    now = now or clock.now()
    with session_scope(write=True) as session:
        refusal = _refuse_sign_up(session, fields.get('email'), client_ip=client_ip, now=now)
    if refusal:
        raise refusal
    sign_up = {Role.CUSTOMER: sign_up_customer, Role.PROFESSIONAL: sign_up_professional}.get(role)
    if sign_up is None:
        raise PermissionDenied('Admins are created from the command line.')
    with session_scope(write=True) as session:
        actor = sign_up(session, **fields, now=now)
        user = session.get(User, actor.id)
        token = auth.open_session(session, user, client_ip=client_ip, user_agent=user_agent, now=now)
    return SignedIn(token=token, actor=actor)


def sign_up_customer(
    session: Session,
    *,
    name: Any,
    email: Any,
    password: Any,
    phone: Any,
    address: Any,
    pincode: Any,
    now: datetime | None = None,
) -> Actor:
    """Anyone can become a customer; the account is usable at once."""
    now = now or clock.now()
    fields = _person_fields(name=name, email=email, phone=phone, phone_required=False)
    profile = CustomerProfile(
        address=validation.text(address, field='address', label='Address', max_length=300, multiline=True),
        pincode=validation.pincode(pincode),
    )
    password_hash = passwords.hash_new(password)  # before the first query: no lock is held during bcrypt
    user = _insert_user(session, Role.CUSTOMER, fields, password_hash, now=now)
    user.customer_profile = profile
    session.flush()
    return auth.actor_for(user)


def sign_up_professional(
    session: Session,
    *,
    name: Any,
    email: Any,
    password: Any,
    phone: Any,
    service_id: Any,
    experience_years: Any,
    description: Any,
    pincodes: Any,
    now: datetime | None = None,
) -> Actor:
    """A professional signs up for one active service and waits for an admin's approval."""
    now = now or clock.now()
    fields = _person_fields(name=name, email=email, phone=phone, phone_required=True)
    experience = validation.whole_number(
        experience_years, field='experience_years', label='Experience (years)', minimum=0, maximum=70
    )
    about = validation.text(description, field='description', label='Description', max_length=2000, multiline=True)
    served = validation.pincodes(pincodes)
    password_hash = passwords.hash_new(password)
    service = session.get(Service, service_id) if validation.is_id(service_id, Service.id) else None
    if service is None or not service.is_active:
        raise ValidationError('Choose a service from the list.', field='service_id')
    user = _insert_user(session, Role.PROFESSIONAL, fields, password_hash, now=now)
    user.professional_profile = ProfessionalProfile(
        service_id=service.id,
        experience_years=experience,
        description=about,
        approval_state=ApprovalState.PENDING,
        pincodes=[ProfessionalPincode(pincode=code) for code in served],
    )
    session.flush()
    return auth.actor_for(user)


def create_admin(
    session: Session, actor: Actor, *, name: Any, email: Any, password: Any, now: datetime | None = None
) -> Actor:
    """Only the operator at the command line (or another admin) creates admins; there is no default one."""
    require_role(session, actor, Role.ADMIN)
    now = now or clock.now()
    fields = _person_fields(name=name, email=email, phone=None, phone_required=False)
    user = _insert_user(session, Role.ADMIN, fields, passwords.hash_new(password), now=now)
    audit.record(session, actor, 'user.create_admin', target_type='user', target_id=user.id, now=now)
    return auth.actor_for(user)


def block_user(session: Session, actor: Actor, *, user_id: int, reason: Any, now: datetime | None = None) -> None:
    """Admins block a user with a reason; every session of theirs ends at once."""
    require_role(session, actor, Role.ADMIN)
    now = now or clock.now()
    reason = validation.text(reason, field='reason', label='Reason', max_length=500)
    user = _get_user(session, user_id)
    if user.id == actor.id:
        raise PermissionDenied('You cannot block yourself.')
    if user.is_blocked:
        raise Conflict('This user is already blocked: someone else blocked them in the meantime. Nothing changed.')
    user.is_blocked, user.blocked_reason, user.blocked_at = True, reason, now
    auth.revoke_sessions(session, user_id=user.id, reason='blocked', now=now)
    service_requests.release_for_blocked_user(session, user.id, now=now)
    audit.record(session, actor, 'user.block', target_type='user', target_id=user.id, reason=reason, now=now)


def unblock_user(
    session: Session, actor: Actor, *, user_id: int, reason: Any = None, now: datetime | None = None
) -> None:
    """Admins lift a block, optionally saying why; the user signs in again."""
    require_role(session, actor, Role.ADMIN)
    reason = validation.text(reason, field='reason', label='Reason', max_length=500, required=False) or None
    user = _get_user(session, user_id)
    if not user.is_blocked:
        raise Conflict('This user is not blocked: someone else unblocked them in the meantime. Nothing changed.')
    previous = user.blocked_reason
    user.is_blocked, user.blocked_reason, user.blocked_at = False, None, None
    audit.record(
        session,
        actor,
        'user.unblock',
        target_type='user',
        target_id=user.id,
        reason=reason,
        details={'was_blocked_for': previous},
        now=now,
    )


def get_profile(session: Session, actor: Actor) -> ProfileView:
    """The signed-in user's own profile."""
    user = require_signed_in(session, actor)
    view = ProfileView(name=user.name, email=user.email, phone=user.phone or '', role=user.role)
    if user.customer_profile:
        return replace(view, address=user.customer_profile.address, pincode=user.customer_profile.pincode)
    if user.professional_profile:
        profile = user.professional_profile
        return replace(
            view,
            service_name=session.get(Service, profile.service_id).name,
            experience_years=profile.experience_years,
            description=profile.description,
            pincodes=tuple(p.pincode for p in profile.pincodes),
            approval_state=profile.approval_state,
            approval_reason=profile.approval_reason or '',
        )
    return view


def update_profile(
    session: Session, actor: Actor, *, name: Any, phone: Any, address: Any = None, pincode: Any = None
) -> None:
    """Users change their own name and phone; customers also their default address and pincode."""
    user = require_signed_in(session, actor)
    fields = _person_fields(name=name, email=user.email, phone=phone, phone_required=user.role is Role.PROFESSIONAL)
    if user.customer_profile:
        user.customer_profile.address = validation.text(
            address, field='address', label='Address', max_length=300, multiline=True
        )
        user.customer_profile.pincode = validation.pincode(pincode)
    if user.notification_channel is NotificationChannel.SMS and not fields['phone']:
        raise ValidationError(
            'Your notifications go to this number by SMS: choose another channel first.', field='phone'
        )
    user.name, user.phone = fields['name'], fields['phone']


def set_dark_mode(session: Session, actor: Actor, *, dark: bool) -> None:
    """Remember the user's light or dark choice across devices."""
    if not isinstance(dark, bool):
        raise ValidationError('Dark mode is on or off.')
    require_signed_in(session, actor).prefers_dark = dark


def get_user_id(session: Session, actor: Actor, *, email: Any) -> int:
    """Admins find a user's id by email."""
    return auth.get_user_by_email(session, actor, email=email).id


def _refuse_sign_up(session: Session, email: Any, *, client_ip: str, now: datetime) -> ServiceError | None:
    """Returned, not raised, so that the caller commits the trace before refusing."""
    throttle.serialize(session)
    wait = throttle.address_wait_minutes(session, client_ip=client_ip, now=now)
    if wait:
        return Throttled(wait)
    try:
        email = validation.email(email)
    except ValidationError:
        return None  # the sign-up itself says what is wrong with it
    if session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        throttle.record(session, email=email, client_ip=client_ip, user_id=None, outcome=SignInOutcome.FAILED, now=now)
        return Conflict(EMAIL_TAKEN)
    return None


def _person_fields(*, name: Any, email: Any, phone: Any, phone_required: bool) -> dict[str, Any]:
    return {
        'name': validation.text(name, field='name', label='Name', max_length=100),
        'email': validation.email(email),
        'phone': validation.phone(phone, required=phone_required),
    }


def _insert_user(session: Session, role: Role, fields: dict[str, Any], password_hash: str, *, now: datetime) -> User:
    if session.scalar(select(func.count()).select_from(User).where(User.email == fields['email'])):
        raise Conflict(EMAIL_TAKEN)
    user = User(role=role, **fields, password_hash=password_hash, created_at=now, password_changed_at=now)
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(EMAIL_TAKEN) from None
    return user


def _get_user(session: Session, user_id: int) -> User:
    """The user's current row, locked until the unit ends (FOR UPDATE on PostgreSQL; SQLite's write units are
    serialized already), so that of two admins blocking or unblocking at once, the second sees the first's change."""
    if not validation.is_id(user_id, User.id):
        raise NotFound('That user does not exist.')
    query = select(User).where(User.id == user_id).with_for_update().execution_options(populate_existing=True)
    user = session.scalars(query).one_or_none()
    if user is None:
        raise NotFound('That user does not exist.')
    return user
