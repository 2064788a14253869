"""A person's account after sign-up: their own profile and preferences, and an admin blocking or unblocking them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Service, User
from models.enums import NotificationChannel, Role
from services import audit, identity, messaging, requests
from services.core import clock, events, validation
from services.core.access import check_role, require_signed_in
from services.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from services.core.rows import Actor
from services.identity import PasswordConfirmed
from services.people.rows import ProfileView
from services.people.signup import person_fields

USER_BLOCKED = 'user.blocked'  # {user_id, service_ids}: their open pages go to /login
USER_UNBLOCKED = 'user.unblocked'  # {user_id, service_ids}
ADMIN_NEEDS_PASSWORD = 'Blocking an admin needs your password: enter it to confirm.'
LAST_ADMIN = 'That would leave no active admin to run the marketplace. Nothing was changed.'


def block_user(
    session: Session,
    actor: Actor,
    *,
    user_id: int,
    reason: Any,
    confirmation: PasswordConfirmed | None = None,
    now: datetime | None = None,
) -> None:
    """Admins block a user with a reason; every session of theirs ends at once, and they are told why (by their
    channel: they can no longer sign in to read it in the app). Blocking an admin takes the acting admin's password
    again (`identity.confirm_password`, before this unit) and must leave an active admin; the operator at the command
    line, who can unblock anyone, needs neither."""
    check_role(session, actor, Role.ADMIN)
    now = now or clock.now()
    reason = validation.text(reason, field='reason', label='Reason', max_length=500)
    target_is_admin = _guard_admin_target(session, actor, user_id, confirmation, now=now)
    user = _get_user(session, user_id)
    if user.id == actor.id:
        raise PermissionDenied('You cannot block yourself.')
    if user.is_blocked:
        raise Conflict('This user is already blocked: someone else blocked them in the meantime. Nothing changed.')
    user.is_blocked, user.blocked_reason, user.blocked_at = True, reason, now
    identity.revoke_sessions(session, user_id=user.id, reason='blocked', now=now)
    requests.release_for_blocked_user(session, user.id, now=now)
    message = f'Your account was blocked: {reason} Reply to this message or contact support if you think this is wrong.'
    messaging.notify(session, user.id, 'account.blocked', message, now=now)
    details = {'target_role': 'admin', 'password_confirmed': not actor.is_operator} if target_is_admin else None
    audit.record(
        session, actor, 'user.block', target_type='user', target_id=user.id, reason=reason, details=details, now=now
    )
    events.publish(session, USER_BLOCKED, user_id=user.id, service_ids=_services_offered(user))


def unblock_user(
    session: Session, actor: Actor, *, user_id: int, reason: Any = None, now: datetime | None = None
) -> None:
    """Admins lift a block, optionally saying why; the user signs in again."""
    check_role(session, actor, Role.ADMIN)
    reason = validation.text(reason, field='reason', label='Reason', max_length=500, required=False) or None
    user = _get_user(session, user_id)
    if not user.is_blocked:
        raise Conflict('This user is not blocked: someone else unblocked them in the meantime. Nothing changed.')
    previous = user.blocked_reason
    user.is_blocked, user.blocked_reason, user.blocked_at = False, None, None
    messaging.notify(
        session, user.id, 'account.unblocked', 'Your account was unblocked: you can sign in again.', now=now
    )
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
    events.publish(session, USER_UNBLOCKED, user_id=user.id, service_ids=_services_offered(user))


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
    fields = person_fields(name=name, email=user.email, phone=phone, phone_required=user.role is Role.PROFESSIONAL)
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
    return identity.get_user_by_email(session, actor, email=email).id


def _services_offered(user: User) -> tuple[int, ...]:
    """The service whose search results a professional's block or unblock changes (none for others)."""
    profile = user.professional_profile if user.role is Role.PROFESSIONAL else None
    return (profile.service_id,) if profile is not None else ()


def _guard_admin_target(
    session: Session, actor: Actor, user_id: Any, confirmation: PasswordConfirmed | None, *, now: datetime
) -> bool:
    """Whether the user to block is an admin, refusing that unless the acting admin confirmed their password a moment
    ago and an active admin other than the target stays. The active admins' rows are locked first, in id order
    (PostgreSQL; SQLite's write units are serialized already), so two admins blocking each other at once cannot
    both win: the second sees the first's block and is refused."""
    if not validation.is_id(user_id, User.id) or user_id == actor.id:
        return False  # no such user, or themselves: refused with the target's row below
    if session.scalar(select(User.role).where(User.id == user_id)) is not Role.ADMIN:
        return False  # a role never changes, so this read needs no lock
    if not actor.is_operator and not identity.is_confirmed(session, actor, confirmation, now=now):
        raise ValidationError(ADMIN_NEEDS_PASSWORD, field='password')
    active = select(User.id).where(User.role == Role.ADMIN, User.is_blocked.is_(False)).order_by(User.id)
    remaining = set(session.scalars(active.with_for_update(key_share=True))) - {user_id}
    if actor.is_operator:
        return True
    if not remaining:
        raise Conflict(LAST_ADMIN)
    if actor.id not in remaining:
        raise PermissionDenied()  # the acting admin was blocked a moment ago
    return True


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
