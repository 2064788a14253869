"""Unsubscribing from the monthly report: the email carries a signed link (no sign-in needed, RFC 8058 one-click
too); later months skip anyone who used it. A customer can subscribe again on /account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from models import User
from models.enums import Role
from services import audit
from services.core import clock, signing, validation
from services.core.access import require_role
from services.core.errors import ValidationError
from services.core.rows import Actor
from settings import get_settings

PURPOSE = 'unsubscribe:monthly-report'
INVALID = 'This unsubscribe link is not valid. Sign in and change it on your account page instead.'


@dataclass(frozen=True, slots=True)
class Unsubscribed:
    email: str
    already: bool  # they had unsubscribed before


def unsubscribe_url(customer_id: int) -> str:
    return f'{get_settings().public_url}/unsubscribe/{signing.sign(PURPOSE, str(customer_id))}'


def check_unsubscribe_link(session: Session, token: object) -> Unsubscribed:
    """Whose link this is (for the confirmation page), changing nothing."""
    user = _holder(session, token)
    return Unsubscribed(email=user.email, already=user.report_opt_out_at is not None)


def unsubscribe(session: Session, token: object, *, now: datetime | None = None) -> Unsubscribed:
    """The link's customer gets no more monthly reports (idempotent: a second use changes nothing)."""
    user = _holder(session, token)
    if user.report_opt_out_at is not None:
        return Unsubscribed(email=user.email, already=True)
    now = now or clock.now()
    user.report_opt_out_at = now
    actor = Actor(id=user.id, role=user.role, name=user.name, email=user.email)
    audit.record(session, actor, 'user.report_unsubscribe', target_type='user', target_id=user.id, now=now)
    return Unsubscribed(email=user.email, already=False)


def report_subscription(session: Session, actor: Actor) -> bool:
    """Whether the signed-in customer gets the monthly report."""
    user = require_role(session, actor, Role.CUSTOMER)
    assert user is not None  # the operator is no customer
    return user.report_opt_out_at is None


def set_report_subscription(session: Session, actor: Actor, *, subscribed: object, now: datetime | None = None) -> None:
    user = require_role(session, actor, Role.CUSTOMER)
    assert user is not None
    if not isinstance(subscribed, bool):
        raise ValidationError('Choose whether to get the monthly report.', field='subscribed')
    if subscribed == (user.report_opt_out_at is None):
        return
    now = now or clock.now()
    user.report_opt_out_at = None if subscribed else now
    action = 'user.report_subscribe' if subscribed else 'user.report_unsubscribe'
    audit.record(session, actor, action, target_type='user', target_id=user.id, now=now)


def _holder(session: Session, token: object) -> User:
    user_id = validation.to_id(signing.verified(PURPOSE, token), User.id)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or user.role is not Role.CUSTOMER:
        raise ValidationError(INVALID, field='token')
    return user
