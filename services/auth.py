"""Sign-in, sessions and passwords: throttled three-step sign-in, revocable hashed session tokens.

`sign_in`, `authenticate` and `change_password` own their units of work (unlike other services):
bcrypt must run outside any transaction, and the outcome of a refused attempt must be committed
before the refusal is raised.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import AuthSession, User
from models.db import session_scope
from models.enums import Role, SignInOutcome
from services import audit, clock, passwords, throttle, validation
from services.access import require_role, require_signed_in
from services.errors import (
    AccountBlocked,
    Conflict,
    InvalidCredentials,
    NotFound,
    ServiceError,
    Throttled,
    ValidationError,
)
from services.views import Actor, SignedIn
from settings import get_settings

log = logging.getLogger(__name__)
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most once a minute


@dataclass(frozen=True, slots=True)
class SignInTicket:
    """What step one hands to step three: the attempt and the hash it was checked against."""

    attempt_id: int
    user_id: int | None
    password_hash: str | None
    throttled_minutes: int = 0


def sign_in(
    email: object, password: object, *, client_ip: str, user_agent: str = '', now: datetime | None = None
) -> SignedIn:
    """Three steps: record the attempt under the throttle, check the password outside any
    transaction, then record the outcome and open a session. Raises after the outcome is committed."""
    now = now or clock.now()
    with session_scope(write=True) as session:
        ticket = begin_sign_in(session, email=email, client_ip=client_ip, now=now)
    if ticket.throttled_minutes:
        raise Throttled(ticket.throttled_minutes)
    password_ok = passwords.verify(password, ticket.password_hash)
    with session_scope(write=True) as session:
        outcome = finish_sign_in(
            session, ticket, password_ok=password_ok, client_ip=client_ip, user_agent=user_agent, now=now
        )
    if isinstance(outcome, ServiceError):
        raise outcome
    return outcome


def begin_sign_in(session: Session, *, email: object, client_ip: str, now: datetime) -> SignInTicket:
    """Step one: refuse (and record) when the account or the address has too many recent failures,
    otherwise record a pending attempt. Unknown emails are throttled exactly like known ones."""
    address, email = _clean_ip(client_ip), _attempted_email(email)
    throttle.serialize(session)
    wait = throttle.wait_minutes(session, email=email, client_ip=address, now=now)
    user = session.scalar(select(User).where(User.email == email)) if email else None
    outcome = SignInOutcome.THROTTLED if wait else SignInOutcome.PENDING
    attempt_id = throttle.record(
        session, email=email, client_ip=address, user_id=user and user.id, outcome=outcome, now=now
    )
    if wait:
        log.warning('sign-in throttled: user_id=%s ip=%r', user and user.id, address)
    return SignInTicket(attempt_id, user and user.id, user and user.password_hash, wait)


def finish_sign_in(
    session: Session, ticket: SignInTicket, *, password_ok: bool, client_ip: str, user_agent: str, now: datetime
) -> SignedIn | ServiceError:
    """Step three: record the outcome; on success open a new session (a fresh token every time).
    Returns the refusal instead of raising it, so that the caller commits the outcome first."""
    user = session.get(User, ticket.user_id) if ticket.user_id is not None else None
    ok = password_ok and user is not None and _same_hash(user.password_hash, ticket.password_hash)
    outcome = SignInOutcome.FAILED
    if ok and user.is_blocked:
        outcome = SignInOutcome.BLOCKED
    elif ok:
        outcome = SignInOutcome.SUCCEEDED
    throttle.decide(session, ticket.attempt_id, outcome)
    log.info('sign-in %s: user_id=%s ip=%r', outcome.value, ticket.user_id, _clean_ip(client_ip))
    if outcome is SignInOutcome.FAILED:
        return InvalidCredentials()
    if outcome is SignInOutcome.BLOCKED:
        return AccountBlocked()
    token = open_session(session, user, client_ip=client_ip, user_agent=user_agent, now=now)
    return SignedIn(token=token, actor=actor_for(user))


def authenticate(token: object, *, now: datetime | None = None) -> Actor | None:
    """The signed-in user behind a raw session token, or None when it is unknown, revoked, idle too
    long, past its absolute expiry, or its user is blocked. Touches last-seen at most once a minute."""
    if not isinstance(token, str) or not token:
        return None
    now = now or clock.now()
    with session_scope() as session:
        found = _live_session(session, token, now=now)
        if found is None:
            return None
        auth_session, user = found
        actor, stale = actor_for(user), auth_session.last_seen_at <= now - TOUCH_EVERY
    if stale:
        with session_scope(write=True) as session:
            session.execute(
                update(AuthSession)
                .where(AuthSession.id == auth_session.id, AuthSession.last_seen_at <= now - TOUCH_EVERY)
                .values(last_seen_at=now)
            )
    return actor


def sign_out(session: Session, token: object, *, now: datetime | None = None) -> None:
    """End this session on the server: the token is dead even if someone kept a copy."""
    if isinstance(token, str) and token:
        session.execute(
            update(AuthSession)
            .where(AuthSession.token_hash == hash_token(token), AuthSession.revoked_at.is_(None))
            .values(revoked_at=now or clock.now(), revoked_reason='signed out')
        )


def change_password(
    actor: Actor,
    *,
    current_password: object,
    new_password: object,
    token: str,
    client_ip: str = '',
    now: datetime | None = None,
) -> None:
    """A signed-in user sets a new password by giving the current one; every other session ends.
    Wrong current passwords count as failed sign-ins, so an unattended session cannot be used to guess."""
    now = now or clock.now()
    passwords.validate_new(new_password, field='new_password')  # the cheap refusals before any bcrypt
    with session_scope(write=True) as session:
        require_signed_in(session, actor)
        ticket = begin_sign_in(session, email=actor.email, client_ip=client_ip, now=now)
    if ticket.throttled_minutes:
        raise Throttled(ticket.throttled_minutes)
    current_ok = passwords.verify(current_password, ticket.password_hash)
    new_hash = passwords.hash_new(new_password, field='new_password') if current_ok else ''
    with session_scope(write=True) as session:
        throttle.decide(session, ticket.attempt_id, SignInOutcome.SUCCEEDED if current_ok else SignInOutcome.FAILED)
        if current_ok:
            _replace_password(session, actor, old_hash=ticket.password_hash, new_hash=new_hash, token=token, now=now)
    if not current_ok:
        raise ValidationError('Your current password is incorrect.', field='current_password')


def reset_password(
    session: Session, actor: Actor, *, email: object, new_password: object, now: datetime | None = None
) -> None:
    """The operator (or an admin) sets a user's password: their sessions end and sign-in is unlocked."""
    new_hash = passwords.hash_new(new_password)  # before the first query: no write lock held during bcrypt
    require_role(session, actor, Role.ADMIN)
    now = now or clock.now()
    user = get_user_by_email(session, actor, email=email)
    user.password_hash, user.password_changed_at = new_hash, now
    revoke_sessions(session, user_id=user.id, reason='password reset', now=now)
    throttle.clear(session, email=user.email, now=now)
    audit.record(session, actor, 'user.password_reset', target_type='user', target_id=user.id, now=now)


def unlock_sign_in(session: Session, actor: Actor, *, email: object, now: datetime | None = None) -> int:
    """Admins lift the sign-in throttle on an account; returns how many failures were cleared."""
    require_role(session, actor, Role.ADMIN)
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


def revoke_sessions(session: Session, *, user_id: int, reason: str, now: datetime, keep_token: str = '') -> int:
    """End every live session of a user (but the one holding `keep_token`); returns how many."""
    query = update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    if keep_token:
        query = query.where(AuthSession.token_hash != hash_token(keep_token))
    return session.execute(query.values(revoked_at=now, revoked_reason=reason)).rowcount


def get_user_by_email(session: Session, actor: Actor, *, email: object) -> User:
    """Admins look a user up by email (case-insensitive)."""
    require_role(session, actor, Role.ADMIN)
    user = session.scalar(select(User).where(User.email == validation.email(email)))
    if user is None:
        raise NotFound('No account has that email.')
    return user


def actor_for(user: User) -> Actor:
    profile = user.professional_profile if user.role is Role.PROFESSIONAL else None
    return Actor(
        id=user.id,
        role=user.role,
        name=user.name,
        email=user.email,
        approval_state=profile.approval_state if profile else None,
        prefers_dark=user.prefers_dark,
    )


def _live_session(session: Session, token: str, *, now: datetime) -> tuple[AuthSession, User] | None:
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    row = session.execute(
        select(AuthSession, User)
        .join(User, User.id == AuthSession.user_id)
        .where(
            AuthSession.token_hash == hash_token(token),
            AuthSession.revoked_at.is_(None),
            AuthSession.expires_at > now,
            AuthSession.last_seen_at > now - idle,
            User.is_blocked.is_(False),
        )
    ).one_or_none()
    return (row[0], row[1]) if row else None


def open_session(session: Session, user: User, *, client_ip: str, user_agent: str, now: datetime) -> str:
    """A new session for a user whose identity was just proven; returns the raw token (shown once)."""
    token = secrets.token_urlsafe(32)  # 256 bits from the OS CSPRNG
    lifetime = timedelta(hours=get_settings().session_max_hours)
    session.add(
        AuthSession(
            user_id=user.id,
            token_hash=hash_token(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
            client_ip=_clean_ip(client_ip),
            user_agent=(user_agent or '')[:300],
        )
    )
    return token


def _attempted_email(email: object) -> str:
    """The email as it will be looked up and recorded; anything that is not storable text becomes ''."""
    if not isinstance(email, str):
        return ''
    email = email.strip().lower()[:254]
    if any(unicodedata.category(ch) in {'Cc', 'Cs'} for ch in email):  # NUL, newlines, lone surrogates
        return ''
    return email


def _replace_password(
    session: Session, actor: Actor, *, old_hash: str | None, new_hash: str, token: str, now: datetime
) -> None:
    changed = session.execute(
        update(User)
        .where(User.id == actor.id, User.password_hash == old_hash, User.is_blocked.is_(False))
        .values(password_hash=new_hash, password_changed_at=now)
    ).rowcount
    if changed != 1:
        raise Conflict('Your password was changed elsewhere a moment ago. Sign in again.')
    revoke_sessions(session, user_id=actor.id, reason='password changed', now=now, keep_token=token)
    audit.record(session, actor, 'user.password_change', target_type='user', target_id=actor.id, now=now)


def _same_hash(stored: str, seen: str | None) -> bool:
    return seen is not None and hmac.compare_digest(stored.encode(), seen.encode())


def hash_token(token: str) -> str:
    """What the database keeps of a raw session token."""
    return hashlib.sha256(token.encode('utf-8')).hexdigest()


def _clean_ip(client_ip: object) -> str:
    return client_ip[:45] if isinstance(client_ip, str) else ''
