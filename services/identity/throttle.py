"""The sign-in throttle: failed attempts per account and per client address within a sliding window (sign-ups that
hit a taken email count too).

Every attempt is a `sign_in_attempt` row. PENDING counts as a failure until it is decided, so
parallel attempts cannot all slip through while their passwords are being checked. THROTTLED
attempts do not count (a refusal must not extend itself), and a success resets the account's count.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, text, update
from sqlalchemy.orm import Session

from models import SignInAttempt, User
from models.db import is_sqlite
from models.enums import SignInOutcome
from services.core import validation
from services.core.errors import Conflict, ServiceError, Throttled, ValidationError
from settings import get_settings

COUNTED_FAILURES = (SignInOutcome.PENDING, SignInOutcome.FAILED)
EMAIL_TAKEN = 'An account with this email already exists. Sign in instead, or ask an admin to reset your password.'
_LOCK_KEY = 7_240_001  # PostgreSQL advisory lock serializing the count-then-record step


def serialize(session: Session) -> None:
    """Make count-then-record atomic. SQLite's BEGIN IMMEDIATE already does; PostgreSQL takes a lock."""
    if not is_sqlite(session):
        session.execute(text('SELECT pg_advisory_xact_lock(:key)'), {'key': _LOCK_KEY})


def wait_minutes(session: Session, *, email: str, client_ip: str, now: datetime) -> int:
    """Minutes until the account and the address are both below their limits (0 = go ahead)."""
    return max(
        account_wait_minutes(session, email=email, now=now),
        address_wait_minutes(session, client_ip=client_ip, now=now),
    )


def account_wait_minutes(session: Session, *, email: str, now: datetime) -> int:
    """Minutes until this account is below its limit (0 = go ahead); failures before its last success do not count."""
    last_success = (
        select(func.max(SignInAttempt.attempted_at))
        .where(SignInAttempt.email == email, SignInAttempt.outcome == SignInOutcome.SUCCEEDED)
        .scalar_subquery()
    )
    by_account = _recent_failures(now).where(
        SignInAttempt.email == email, SignInAttempt.attempted_at > func.coalesce(last_success, _window_start(now))
    )
    return _wait(session, by_account, get_settings().signin_account_failures, now)


def address_wait_minutes(session: Session, *, client_ip: str, now: datetime) -> int:
    """Minutes until this client address is below its limit (0 = go ahead)."""
    by_address = _recent_failures(now).where(SignInAttempt.client_ip == client_ip)
    return _wait(session, by_address, get_settings().signin_address_failures, now)


def record(
    session: Session, *, email: str, client_ip: str, user_id: int | None, outcome: SignInOutcome, now: datetime
) -> int:
    """One attempt, as it stands now; returns its id."""
    attempt = SignInAttempt(email=email, client_ip=client_ip, attempted_at=now, user_id=user_id, outcome=outcome)
    session.add(attempt)
    session.flush()
    return attempt.id


def decide(session: Session, attempt_id: int, outcome: SignInOutcome) -> None:
    session.execute(update(SignInAttempt).where(SignInAttempt.id == attempt_id).values(outcome=outcome))


def clear(session: Session, *, email: str, now: datetime) -> int:
    """Stop counting an account's failures (an admin unlocked it); returns how many were cleared."""
    return session.execute(
        update(SignInAttempt)
        .where(
            SignInAttempt.email == email,
            SignInAttempt.cleared_at.is_(None),
            SignInAttempt.outcome.in_(COUNTED_FAILURES),
        )
        .values(cleared_at=now)
    ).rowcount


def _recent_failures(now: datetime) -> Select[tuple[datetime]]:
    return select(SignInAttempt.attempted_at).where(
        SignInAttempt.attempted_at > _window_start(now),
        SignInAttempt.cleared_at.is_(None),
        SignInAttempt.outcome.in_(COUNTED_FAILURES),
    )


def _window_start(now: datetime) -> datetime:
    return now - timedelta(minutes=get_settings().signin_window_minutes)


def _wait(session: Session, failures: Select[tuple[datetime]], limit: int, now: datetime) -> int:
    times = session.scalars(failures.order_by(SignInAttempt.attempted_at.desc()).limit(limit)).all()
    if len(times) < limit:
        return 0
    free_at = times[-1] + timedelta(minutes=get_settings().signin_window_minutes)
    return max(1, math.ceil((free_at - now).total_seconds() / 60))


def refuse_sign_up(session: Session, email: Any, *, client_ip: str, now: datetime) -> ServiceError | None:
    """Why a sign-up is refused before it starts: the client address is over the sign-in limit, or the email is
    taken (which counts as a failed sign-in for the address, so sign-up cannot probe for accounts faster than
    sign-in can). Returned, not raised, so that the caller commits the trace before refusing."""
    serialize(session)
    wait = address_wait_minutes(session, client_ip=client_ip, now=now)
    if wait:
        return Throttled(wait)
    try:
        email = validation.email(email)
    except ValidationError:
        return None  # the sign-up itself says what is wrong with it
    if session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        record(session, email=email, client_ip=client_ip, user_id=None, outcome=SignInOutcome.FAILED, now=now)
        return Conflict(EMAIL_TAKEN)
    return None
