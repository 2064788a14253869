"""A signed-in user proving it is still them by typing their password again, before an action that only someone else
can undo (an admin blocking another admin). The check runs like a sign-in: under the throttle, bcrypt outside any
transaction, and a wrong password counts as a failed sign-in, so an unattended session cannot be used to guess.

`confirm_password` owns its units of work (like `sign_in` and `change_password`); the action's own unit then asks
`is_confirmed`, which reads the attempt the check recorded, so a confirmation cannot be made up by a caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from models import SignInAttempt
from models.db import session_scope
from models.enums import SignInOutcome
from services.core import clock
from services.core.access import require_signed_in
from services.core.errors import Throttled, ValidationError
from services.core.rows import Actor
from services.identity import passwords, sign_in, throttle

CONFIRMATION_MINUTES = 5  # a confirmed password stands this long: one dialog, not a standing licence
WRONG_PASSWORD = 'Your password is incorrect. Nothing was changed.'


@dataclass(frozen=True, slots=True)
class PasswordConfirmed:
    """A passed password check: who passed it, and the sign-in attempt that records it."""

    user_id: int
    attempt_id: int


def confirm_password(
    actor: Actor, *, password: object, client_ip: str = '', now: datetime | None = None
) -> PasswordConfirmed:
    """The signed-in user types their password again; a wrong one is refused and counts as a failed sign-in."""
    now = now or clock.now()
    if not isinstance(password, str) or not password:
        raise ValidationError('Enter your password to confirm.', field='password')
    with session_scope(write=True) as session:
        require_signed_in(session, actor)
        ticket = sign_in.begin_sign_in(session, email=actor.email, client_ip=client_ip, now=now)
    if ticket.throttled_minutes:
        raise Throttled(ticket.throttled_minutes)
    ok = ticket.user_id == actor.id and passwords.verify(password, ticket.password_hash)
    with session_scope(write=True) as session:
        throttle.decide(session, ticket.attempt_id, SignInOutcome.SUCCEEDED if ok else SignInOutcome.FAILED)
    if not ok:
        raise ValidationError(WRONG_PASSWORD, field='password')
    return PasswordConfirmed(user_id=actor.id, attempt_id=ticket.attempt_id)


def is_confirmed(session: Session, actor: Actor, confirmation: object, *, now: datetime) -> bool:
    """Whether `confirmation` is this actor's own password check, passed within the last few minutes."""
    if not isinstance(confirmation, PasswordConfirmed) or actor.id is None or confirmation.user_id != actor.id:
        return False
    attempt = SignInAttempt
    return bool(
        session.scalar(
            select(
                exists().where(
                    attempt.id == confirmation.attempt_id,
                    attempt.user_id == actor.id,
                    attempt.outcome == SignInOutcome.SUCCEEDED,
                    attempt.attempted_at > now - timedelta(minutes=CONFIRMATION_MINUTES),
                    attempt.attempted_at <= now,
                )
            )
        )
    )
