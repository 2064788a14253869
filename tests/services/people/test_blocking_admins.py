"""Issue 18: one admin cannot lock the others out. Blocking an admin takes the acting admin's password again (checked
like a sign-in, outside the write unit), never leaves the marketplace without an active admin, and is audited; the
operator's command line blocks and unblocks anyone."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import AuditEvent, SignInAttempt, User
from models.enums import SignInOutcome
from services import (
    Conflict,
    PermissionDenied,
    ServiceError,
    Throttled,
    ValidationError,
    identity,
    people,
    session_scope,
)
from services.identity import PasswordConfirmed
from tests.factories import PASSWORD, block, make_admin, make_customer, sign_in
from tests.postgres import lock_waits
from tests.servers import wait_until
from tests.test_manage import assert_refused, manage


def blocked(user_id: int) -> bool:
    with session_scope() as session:
        return session.get(User, user_id).is_blocked


def block_events() -> list[tuple[int | None, int, dict | None]]:
    with session_scope() as session:
        rows = session.execute(
            select(AuditEvent.actor_id, AuditEvent.target_id, AuditEvent.details)
            .where(AuditEvent.action == 'user.block')
            .order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]


def attempts(email: str) -> list[SignInOutcome]:
    with session_scope() as session:
        return list(session.scalars(select(SignInAttempt.outcome).where(SignInAttempt.email == email)))


def block_admin(actor, target, confirmation=None, **kwargs) -> None:
    with session_scope(write=True) as session:
        people.block_user(
            session, actor, user_id=target.id, reason='Locking everyone out', confirmation=confirmation, **kwargs
        )


def test_admin_blocks_another_admin_after_typing_their_password_again_and_it_is_audited() -> None:
    admin, other = make_admin(), make_admin()
    token = sign_in(other).key
    confirmation = identity.confirm_password(admin, password=PASSWORD, client_ip='10.0.0.7')
    block_admin(admin, other, confirmation)
    assert blocked(other.id)
    assert identity.authenticate(token) is None
    assert block_events() == [(admin.id, other.id, {'target_role': 'admin', 'password_confirmed': True})]


def test_blocking_an_admin_without_the_password_is_refused_and_changes_nothing() -> None:
    admin, other = make_admin(), make_admin()
    with pytest.raises(ValidationError, match='needs your password') as refusal:
        block_admin(admin, other)
    assert refusal.value.field == 'password'
    assert (blocked(other.id), block_events()) == (False, [])


@pytest.mark.parametrize('password', ['wrong password here', PASSWORD.upper(), 'x' * 100])
def test_a_wrong_password_is_refused_counts_as_a_failed_sign_in_and_changes_nothing(password: str) -> None:
    admin, other = make_admin(), make_admin()
    with pytest.raises(ValidationError, match='password is incorrect'):
        identity.confirm_password(admin, password=password)
    with pytest.raises(ValidationError, match='needs your password'):
        block_admin(admin, other)
    assert attempts(admin.email) == [SignInOutcome.FAILED]
    assert (blocked(other.id), block_events()) == (False, [])


@pytest.mark.parametrize('password', ['', None, 12345678])
def test_a_missing_password_is_refused_before_any_check(password: object) -> None:
    admin = make_admin()
    with pytest.raises(ValidationError, match='Enter your password'):
        identity.confirm_password(admin, password=password)
    assert attempts(admin.email) == []


def test_wrong_passwords_are_throttled_like_sign_ins() -> None:
    admin, other = make_admin(), make_admin()
    for _ in range(5):
        with pytest.raises(ValidationError, match='incorrect'):
            identity.confirm_password(admin, password='wrong password here')
    with pytest.raises(Throttled):
        identity.confirm_password(admin, password=PASSWORD)
    assert blocked(other.id) is False


def test_a_confirmation_stands_for_a_few_minutes_only() -> None:
    admin, other = make_admin(), make_admin()
    confirmation = identity.confirm_password(admin, password=PASSWORD)
    with session_scope() as session:
        confirmed_at = session.scalar(select(SignInAttempt.attempted_at).where(SignInAttempt.email == admin.email))
    later = confirmed_at + timedelta(minutes=identity.CONFIRMATION_MINUTES, seconds=1)
    with pytest.raises(ValidationError, match='needs your password'):
        block_admin(admin, other, confirmation, now=later)
    assert blocked(other.id) is False


def test_another_admins_confirmation_or_a_made_up_one_does_not_count() -> None:
    admin, other, third = make_admin(), make_admin(), make_admin()
    theirs = identity.confirm_password(third, password=PASSWORD)
    with pytest.raises(ValidationError, match='incorrect'):
        identity.confirm_password(admin, password='wrong password here')
    with session_scope() as session:
        failed = session.scalar(select(SignInAttempt.id).where(SignInAttempt.email == admin.email))
    for confirmation in (theirs, PasswordConfirmed(admin.id, theirs.attempt_id), PasswordConfirmed(admin.id, failed)):
        with pytest.raises(ValidationError, match='needs your password'):
            block_admin(admin, other, confirmation)
    assert blocked(other.id) is False


def test_blocking_a_customer_still_needs_no_password() -> None:
    admin, customer = make_admin(), make_customer()
    block_admin(admin, customer)
    assert blocked(customer.id)
    assert block_events() == [(admin.id, customer.id, {})]


def test_a_blocked_admin_cannot_use_a_confirmation_made_before() -> None:
    admin, other = make_admin(), make_admin()
    confirmation = identity.confirm_password(admin, password=PASSWORD)
    block(admin)
    with pytest.raises(PermissionDenied):
        block_admin(admin, other, confirmation)
    assert blocked(other.id) is False


def test_two_admins_blocking_each_other_at_once_leave_one_of_them_active(backend: str) -> None:
    first, second = make_admin(), make_admin()
    first_ok = identity.confirm_password(first, password=PASSWORD)
    second_ok = identity.confirm_password(second, password=PASSWORD)
    outcome: dict[str, object] = {}

    def second_blocks_first() -> None:
        try:
            block_admin(second, first, second_ok)
            outcome['second'] = 'blocked'
        except ServiceError as refusal:
            outcome['second'] = refusal

    other = threading.Thread(target=second_blocks_first)
    with session_scope(write=True) as session:
        people.block_user(session, first, user_id=second.id, reason='Mutiny', confirmation=first_ok)
        if backend == 'postgresql':  # the other admin's unit runs now and must wait for this one to end
            other.start()
            assert wait_until(lambda: not other.is_alive() or lock_waits() > 0)
    if backend == 'sqlite':  # one write unit at a time: the other admin's comes after
        other.start()
    other.join(timeout=60)
    assert (blocked(first.id), blocked(second.id)) == (False, True)
    assert isinstance(outcome['second'], Conflict | PermissionDenied), outcome
    assert [event[:2] for event in block_events()] == [(first.id, second.id)]


def test_the_operator_blocks_an_admin_without_a_password_and_unblocks_them_from_the_command_line() -> None:
    admin = make_admin()  # the only admin: the operator may still block them, and can always unblock
    result = manage('block', '--email', admin.email, '--reason', 'Laptop stolen')
    assert result.returncode == 0, result.stderr
    assert blocked(admin.id)
    assert block_events() == [(None, admin.id, {'target_role': 'admin', 'password_confirmed': False})]
    result = manage('unblock', '--email', admin.email, '--reason', 'Laptop found')
    assert result.returncode == 0, result.stderr
    assert blocked(admin.id) is False
    assert sign_in(admin).actor.id == admin.id
    assert_refused(manage('unblock', '--email', admin.email), 'not blocked')
