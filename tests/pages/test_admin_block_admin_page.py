"""`/admin/users/{id}` for an admin: the block dialog asks for the acting admin's own password (issue 18); a wrong or
missing one changes nothing, and blocking a customer asks for a reason only, as before."""

from __future__ import annotations

from nicegui.testing import User
from sqlalchemy import select

from models import AuditEvent, SignInAttempt
from models import User as UserModel
from models.enums import SignInOutcome
from services import session_scope
from tests.factories import PASSWORD, make_admin, make_customer
from tests.pages.support import PATIENCE, open_as


def is_blocked(user_id: int) -> bool:
    with session_scope() as session:
        return session.get(UserModel, user_id).is_blocked


def failed_attempts(email: str) -> int:
    with session_scope() as session:
        outcomes = session.scalars(select(SignInAttempt.outcome).where(SignInAttempt.email == email)).all()
    return outcomes.count(SignInOutcome.FAILED)


async def fill_block_dialog(user: User, reason: str, password: str | None) -> None:
    user.find(marker='user-block').click()
    await user.should_see(marker='user-block-password', retries=PATIENCE)
    user.find(marker='user-block-reason').type(reason)
    if password is not None:
        user.find(marker='user-block-password').type(password)
    user.find(marker='user-block-confirm').click()


async def test_blocking_an_admin_asks_for_the_own_password_and_then_blocks(user: User) -> None:
    admin, other = make_admin(), make_admin(name='Rogue Admin')
    await open_as(user, admin, f'/admin/users/{other.id}', 'user-block')
    await fill_block_dialog(user, 'Deleted the catalogue', PASSWORD)
    await user.should_see('Blocked: their sessions ended.', retries=PATIENCE)
    assert is_blocked(other.id)
    with session_scope() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == 'user.block')).one()
    assert (event.actor_id, event.target_id, event.reason) == (admin.id, other.id, 'Deleted the catalogue')
    assert event.details == {'target_role': 'admin', 'password_confirmed': True}


async def test_a_wrong_password_blocks_nobody_and_counts_as_a_failed_sign_in(user: User) -> None:
    admin, other = make_admin(), make_admin()
    await open_as(user, admin, f'/admin/users/{other.id}', 'user-block')
    await fill_block_dialog(user, 'Deleted the catalogue', 'not my password')
    await user.should_see('Your password is incorrect. Nothing was changed.', retries=PATIENCE)
    assert is_blocked(other.id) is False
    assert failed_attempts(admin.email) == 1
    await user.should_see(marker='user-block')  # still offered: they may try again


async def test_an_empty_password_keeps_the_dialog_open_and_says_why(user: User) -> None:
    admin, other = make_admin(), make_admin()
    await open_as(user, admin, f'/admin/users/{other.id}', 'user-block')
    await fill_block_dialog(user, 'Deleted the catalogue', None)
    field = user.find(marker='user-block-password').elements.pop()
    assert (field.props.get('error'), field.props.get('error-message')) == (True, 'Enter your password to confirm.')
    user.find(marker='user-block-cancel').click()
    await user.should_not_see(marker='user-block-password', retries=PATIENCE)
    assert is_blocked(other.id) is False
    assert failed_attempts(admin.email) == 0


async def test_blocking_a_customer_asks_for_a_reason_only(user: User) -> None:
    customer = make_customer()
    await open_as(user, make_admin(), f'/admin/users/{customer.id}', 'user-block')
    user.find(marker='user-block').click()
    await user.should_see(marker='user-block-reason', retries=PATIENCE)
    await user.should_not_see(marker='user-block-password')
    user.find(marker='user-block-reason').type('Abusive messages')
    user.find(marker='user-block-confirm').click()
    await user.should_see('Blocked: their sessions ended.', retries=PATIENCE)
    assert is_blocked(customer.id)
