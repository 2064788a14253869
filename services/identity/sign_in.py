"""Sign-in in three steps: record the attempt under the throttle, check the password outside any transaction, then
record the outcome and open a session.

`sign_in` owns its units of work (unlike other services; so do `authenticate` and `change_password`): bcrypt must
run outside any transaction, and the outcome of a refused attempt must be committed before the refusal is raised.
"""

from __future__ import annotations

import hmac
import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import User
from models.db import session_scope
from models.enums import SignInOutcome
from services.core import clock
from services.core.errors import (
    AccountBlocked,
    InvalidCredentials,
    ServiceError,
    Throttled,
)
from services.identity import passwords, sessions, throttle
from services.identity.rows import SignedIn

log = logging.getLogger(__name__)


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
    address, email = sessions.clean_ip(client_ip), _attempted_email(email)
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
    log.info('sign-in %s: user_id=%s ip=%r', outcome.value, ticket.user_id, sessions.clean_ip(client_ip))
    if outcome is SignInOutcome.FAILED:
        return InvalidCredentials()
    if outcome is SignInOutcome.BLOCKED:
        return AccountBlocked()
    token = sessions.open_session(session, user, client_ip=client_ip, user_agent=user_agent, now=now)
    return SignedIn(token=token, key=sessions.hash_token(token), actor=sessions.actor_for(user))


def _attempted_email(email: object) -> str:
    """The email as it will be looked up and recorded; anything that is not storable text becomes ''."""
    if not isinstance(email, str):
        return ''
    email = email.strip().lower()[:254]
    if any(unicodedata.category(ch) in {'Cc', 'Cs'} for ch in email):  # NUL, newlines, lone surrogates
        return ''
    return email


def _same_hash(stored: str, seen: str | None) -> bool:
    return seen is not None and hmac.compare_digest(stored.encode(), seen.encode())
