"""Passwords and sign-in locks as users and admins change them: a password change, an operator's reset, and
unlocking a throttled account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import User
from models.db import session_scope
from models.enums import Role, SignInOutcome
from services import audit
from services.core import clock, validation
from services.core.access import check_role, require_signed_in
from services.core.errors import (
    Conflict,
    NotFound,
    Throttled,
    ValidationError,
)
from services.core.rows import Actor
from services.identity import notices, passwords, sessions, sign_in, throttle


def change_password(
    actor: Actor,
    *,
    current_password: object,
    new_password: object,
    key: str,
    client_ip: str = '',
    now: datetime | None = None,
) -> None:
    """A signed-in user sets a new password by giving the current one; every other session (all but the one with
    the session `key`) ends.
    Wrong current passwords count as failed sign-ins, so an unattended session cannot be used to guess; a change
    is told to the account's email."""
    now = now or clock.now()
    passwords.validate_new(new_password, field='new_password')  # the cheap refusals before any bcrypt
    with session_scope(write=True) as session:
        require_signed_in(session, actor)
        ticket = sign_in.begin_sign_in(session, email=actor.email, client_ip=client_ip, now=now)
    if ticket.throttled_minutes:
        raise Throttled(ticket.throttled_minutes)
    current_ok = passwords.verify(current_password, ticket.password_hash)
    new_hash = passwords.hash_new(new_password, field='new_password') if current_ok else ''
    with session_scope(write=True) as session:
        throttle.decide(session, ticket.attempt_id, SignInOutcome.SUCCEEDED if current_ok else SignInOutcome.FAILED)
        if current_ok:
            _replace_password(session, actor, old_hash=ticket.password_hash, new_hash=new_hash, key=key, now=now)
    if not current_ok:
        raise ValidationError('Your current password is incorrect.', field='current_password')


def reset_password(
    session: Session, actor: Actor, *, email: object, new_password: object, now: datetime | None = None
) -> None:
    """The operator (or an admin) sets a user's password: their sessions end, sign-in is unlocked and they are told
    by email."""
    new_hash = passwords.hash_new(new_password)  # before the first query: no write lock held during bcrypt
    check_role(session, actor, Role.ADMIN)
    now = now or clock.now()
    user = get_user_by_email(session, actor, email=email)
    user.password_hash, user.password_changed_at = new_hash, now
    sessions.revoke_sessions(session, user_id=user.id, reason='password reset', now=now)
    throttle.clear(session, email=user.email, now=now)
    audit.record(session, actor, 'user.password_reset', target_type='user', target_id=user.id, now=now)
    notices.tell_password_changed(session, user_id=user.id, name=user.name, by_admin=True, now=now)


def unlock_sign_in(session: Session, actor: Actor, *, email: object, now: datetime | None = None) -> int:
    """Admins lift the sign-in throttle on an account; returns how many failures were cleared."""
    check_role(session, actor, Role.ADMIN)
    now = now or clock.now()
    email = validation.email(email)
    cleared = throttle.clear(session, email=email, now=now)
    audit.record(
        session,
        actor,
        'user.unlock_sign_in',
        target_type='sign_in',
        target_id=None,
        details={'email': email, 'cleared': cleared},
        now=now,
    )
    return cleared


def get_user_by_email(session: Session, actor: Actor, *, email: object) -> User:
    """Admins look a user up by email (case-insensitive)."""
    check_role(session, actor, Role.ADMIN)
    user = session.scalar(select(User).where(User.email == validation.email(email)))
    if user is None:
        raise NotFound('No account has that email.')
    return user


def _replace_password(
    session: Session, actor: Actor, *, old_hash: str | None, new_hash: str, key: str, now: datetime
) -> None:
    changed = session.execute(
        update(User)
        .where(User.id == actor.id, User.password_hash == old_hash, User.is_blocked.is_(False))
        .values(password_hash=new_hash, password_changed_at=now)
    ).rowcount
    if changed != 1:
        raise Conflict('Your password was changed elsewhere a moment ago. Sign in again.')
    sessions.revoke_sessions(session, user_id=actor.id, reason='password changed', now=now, keep_key=key)
    audit.record(session, actor, 'user.password_change', target_type='user', target_id=actor.id, now=now)
    notices.tell_password_changed(session, user_id=actor.id, name=actor.name, by_admin=False, now=now)
