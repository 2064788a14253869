from __future__ import annotations

import hashlib
import logging
import re
import threading
from datetime import UTC, datetime, timedelta

import bcrypt
import pytest
from sqlalchemy import func, select

from models import AuditEvent, AuthSession, SignInAttempt, User
from models.enums import ApprovalState, Role, SignInOutcome
from services import (
    AccountBlocked,
    InvalidCredentials,
    PermissionDenied,
    Throttled,
    ValidationError,
    identity,
    people,
    session_scope,
)
from tests.factories import OPERATOR, PASSWORD, block, make_admin, make_customer, make_professional, sign_in

WRONG = 'not the password'
NEW_PASSWORD = 'a brand new secret'


@pytest.fixture
def checkpw_calls(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    calls: list[bytes] = []
    real_checkpw = bcrypt.checkpw

    def counting_checkpw(password: bytes, hashed_password: bytes) -> bool:
        calls.append(hashed_password)
        return real_checkpw(password, hashed_password)

    monkeypatch.setattr(bcrypt, 'checkpw', counting_checkpw)
    return calls


def at(start: datetime, **delta: float) -> datetime:
    return start + timedelta(**delta)


def fail(email: str, *, now: datetime, client_ip: str = '10.0.0.1') -> None:
    with pytest.raises(InvalidCredentials):
        identity.sign_in(email, WRONG, client_ip=client_ip, now=now)


def attempts() -> list[tuple[str, SignInOutcome, int | None, str]]:
    with session_scope() as session:
        rows = session.scalars(select(SignInAttempt).order_by(SignInAttempt.id)).all()
        return [(row.email, row.outcome, row.user_id, row.client_ip) for row in rows]


def stored_sessions(user_id: int) -> list[AuthSession]:
    with session_scope() as session:
        return session.scalars(select(AuthSession).where(AuthSession.user_id == user_id).order_by(AuthSession.id)).all()


def password_hash(user_id: int) -> str:
    with session_scope() as session:
        return session.get(User, user_id).password_hash


# Sign-in


def test_customer_signs_in_and_the_token_authenticates_them() -> None:
    actor = make_customer()
    signed_in = identity.sign_in(actor.email, PASSWORD, client_ip='10.0.0.1', user_agent='pytest')
    assert re.fullmatch(r'[A-Za-z0-9_-]{43}', signed_in.token)
    assert signed_in.actor == actor
    assert identity.authenticate(signed_in.key) == actor


def test_sign_in_email_is_case_insensitive_and_trimmed() -> None:
    actor = make_customer(email='asha@example.com')
    assert identity.sign_in('  ASHA@Example.com ', PASSWORD, client_ip='10.0.0.1').actor.id == actor.id


def test_unknown_email_and_wrong_password_get_the_same_message() -> None:
    actor = make_customer()
    with pytest.raises(InvalidCredentials) as unknown:
        identity.sign_in('nobody@example.com', PASSWORD, client_ip='10.0.0.1')
    with pytest.raises(InvalidCredentials) as wrong:
        sign_in(actor, WRONG)
    assert str(unknown.value) == str(wrong.value) == 'Email or password is incorrect.'


@pytest.mark.parametrize('email', [None, 42, '', '   ', 'not an email', ['a@example.com'], 'asha\ud800@example.com'])
def test_malformed_email_gets_invalid_credentials(email: object) -> None:
    make_customer()
    with pytest.raises(InvalidCredentials):
        identity.sign_in(email, PASSWORD, client_ip='10.0.0.1')


@pytest.mark.parametrize('case', ['unknown user', 'wrong password', 'right password', 'over 72 bytes', 'not text'])
def test_every_sign_in_path_runs_exactly_one_bcrypt_check(case: str, checkpw_calls: list[bytes]) -> None:
    actor = make_customer()
    email, password = {
        'unknown user': ('nobody@example.com', PASSWORD),
        'wrong password': (actor.email, WRONG),
        'right password': (actor.email, PASSWORD),
        'over 72 bytes': (actor.email, 'x' * 73),
        'not text': (actor.email, None),
    }[case]
    checkpw_calls.clear()
    try:
        identity.sign_in(email, password, client_ip='10.0.0.1')
    except InvalidCredentials:
        pass
    assert len(checkpw_calls) == 1
    assert checkpw_calls[0].startswith(b'$2b$04$')


def test_blocked_user_with_the_right_password_is_told_they_are_blocked() -> None:
    actor = make_customer()
    block(actor)
    with pytest.raises(AccountBlocked, match='This account is blocked'):
        sign_in(actor)
    assert attempts()[-1][1] is SignInOutcome.BLOCKED


def test_blocked_user_with_a_wrong_password_gets_invalid_credentials() -> None:
    actor = make_customer()
    block(actor)
    with pytest.raises(InvalidCredentials):
        sign_in(actor, WRONG)


def test_pending_professional_signs_in_and_sees_their_approval_state() -> None:
    actor = make_professional()
    signed_in = sign_in(actor)
    assert (signed_in.actor.role, signed_in.actor.approval_state) == (Role.PROFESSIONAL, ApprovalState.PENDING)
    assert identity.authenticate(signed_in.key).approval_state is ApprovalState.PENDING


def test_admin_signs_in_as_admin() -> None:
    admin = make_admin()
    assert sign_in(admin).actor.role is Role.ADMIN


def test_every_sign_in_attempt_is_recorded_with_its_outcome() -> None:
    actor = make_customer()
    fail(actor.email, now=datetime.now(UTC), client_ip='10.0.0.7')
    sign_in(actor, client_ip='10.0.0.8')
    fail('Nobody@Example.com', now=datetime.now(UTC), client_ip='10.0.0.9')
    assert attempts() == [
        (actor.email, SignInOutcome.FAILED, actor.id, '10.0.0.7'),
        (actor.email, SignInOutcome.SUCCEEDED, actor.id, '10.0.0.8'),
        ('nobody@example.com', SignInOutcome.FAILED, None, '10.0.0.9'),
    ]


def test_fresh_database_has_no_accounts() -> None:
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize(
    ('email', 'password'),
    [('admin', 'admin'), ('admin@example.com', 'admin'), ('admin@localhost', 'password'), ('root', 'root')],
)
def test_default_admin_credentials_do_not_sign_in(email: str, password: str) -> None:
    with pytest.raises(InvalidCredentials):
        identity.sign_in(email, password, client_ip='10.0.0.1')
    assert attempts()[-1][1] is SignInOutcome.FAILED


# Throttling


def test_sixth_attempt_after_five_failures_is_throttled_even_with_the_right_password() -> None:
    actor, start = make_customer(), datetime.now(UTC)
    for n in range(5):
        fail(actor.email, now=at(start, seconds=n))
    with pytest.raises(Throttled, match=r'Too many sign-in attempts\. Try again in 15 minutes\.'):
        sign_in(actor, now=at(start, seconds=5))
    assert attempts()[-1][1] is SignInOutcome.THROTTLED


def test_unknown_email_is_throttled_with_the_same_message() -> None:
    actor, start = make_customer(), datetime.now(UTC)
    messages = []
    for email, client_ip in [(actor.email, '10.0.0.1'), ('nobody@example.com', '10.0.0.2')]:
        for n in range(5):
            fail(email, now=at(start, seconds=n), client_ip=client_ip)
        with pytest.raises(Throttled) as throttled:
            identity.sign_in(email, PASSWORD, client_ip=client_ip, now=at(start, seconds=5))
        messages.append(str(throttled.value))
    assert messages[0] == messages[1]


def test_failures_in_any_letter_case_count_for_one_account() -> None:
    actor, start = make_customer(email='asha@example.com'), datetime.now(UTC)
    spellings = ['asha@example.com', 'ASHA@example.com', 'Asha@Example.com', ' asha@EXAMPLE.com', 'asha@example.COM']
    for n, email in enumerate(spellings):
        fail(email, now=at(start, seconds=n))
    with pytest.raises(Throttled):
        sign_in(actor, now=at(start, seconds=5))


def test_failures_older_than_the_window_no_longer_count() -> None:
    actor, start = make_customer(), datetime.now(UTC)
    for n in range(5):
        fail(actor.email, now=at(start, seconds=n))
    assert sign_in(actor, now=at(start, minutes=16)).actor.id == actor.id


def test_throttle_tells_how_long_until_the_oldest_failure_leaves_the_window() -> None:
    actor, start = make_customer(), datetime.now(UTC)
    for n in range(5):
        fail(actor.email, now=at(start, minutes=n))
    with pytest.raises(Throttled, match='Try again in 6 minutes'):
        sign_in(actor, now=at(start, minutes=9))


def test_successful_sign_in_resets_the_account_counter() -> None:
    actor, start = make_customer(), datetime.now(UTC)
    for n in range(4):
        fail(actor.email, now=at(start, seconds=n))
    sign_in(actor, now=at(start, seconds=10))
    for n in range(4):
        fail(actor.email, now=at(start, seconds=20 + n))
    assert sign_in(actor, now=at(start, seconds=30)).actor.id == actor.id


def test_twenty_failures_from_one_address_throttle_that_address() -> None:
    actor, start = make_customer(), datetime.now(UTC)
    for n in range(20):
        fail(f'guess{n}@example.com', now=at(start, seconds=n), client_ip='203.0.113.7')
    with pytest.raises(Throttled):
        sign_in(actor, client_ip='203.0.113.7', now=at(start, seconds=30))
    assert sign_in(actor, client_ip='198.51.100.1', now=at(start, seconds=31)).actor.id == actor.id


def test_nineteen_failures_from_one_address_do_not_throttle_it() -> None:
    actor, start = make_customer(), datetime.now(UTC)
    for n in range(19):
        fail(f'guess{n}@example.com', now=at(start, seconds=n), client_ip='203.0.113.7')
    assert sign_in(actor, client_ip='203.0.113.7', now=at(start, seconds=30)).actor.id == actor.id


def test_admin_unlocks_a_throttled_account() -> None:
    admin, actor, start = make_admin(), make_customer(email='asha@example.com'), datetime.now(UTC)
    for n in range(5):
        fail(actor.email, now=at(start, seconds=n))
    with session_scope(write=True) as session:
        cleared = identity.unlock_sign_in(session, admin, email='ASHA@example.com', now=at(start, seconds=10))
    assert cleared == 5
    assert sign_in(actor, now=at(start, seconds=11)).actor.id == actor.id
    with session_scope() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == 'user.unlock_sign_in')).one()
    assert (event.actor_id, event.details) == (admin.id, {'email': 'asha@example.com', 'cleared': 5})


@pytest.mark.parametrize('make_actor', [make_customer, make_professional])
def test_non_admin_unlocking_sign_in_is_denied(make_actor) -> None:
    actor, victim, start = make_actor(), make_customer(), datetime.now(UTC)
    for n in range(5):
        fail(victim.email, now=at(start, seconds=n))
    with session_scope(write=True) as session, pytest.raises(PermissionDenied):
        identity.unlock_sign_in(session, actor, email=victim.email, now=at(start, seconds=10))
    with pytest.raises(Throttled):
        sign_in(victim, now=at(start, seconds=11))


def test_parallel_failures_for_one_account_throttle_after_exactly_five() -> None:
    actor = make_customer()
    barrier, outcomes, lock = threading.Barrier(10), [], threading.Lock()

    def attempt() -> None:
        barrier.wait()
        try:
            identity.sign_in(actor.email, WRONG, client_ip='10.0.0.1')
            result = 'signed in'
        except (InvalidCredentials, Throttled) as error:
            result = type(error).__name__
        except Exception as error:
            result = repr(error)
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ['InvalidCredentials'] * 5 + ['Throttled'] * 5


# Sessions


def test_session_token_is_urlsafe_and_only_its_sha256_is_stored() -> None:
    actor = make_customer()
    signed_in = sign_in(actor)
    token = signed_in.token
    assert len(token) == 43
    assert re.fullmatch(r'[A-Za-z0-9_-]+', token)
    [stored] = stored_sessions(actor.id)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() == signed_in.key
    assert re.fullmatch(r'[0-9a-f]{64}', stored.token_hash)
    assert stored.token_hash != token


def test_a_raw_token_is_not_a_session_key() -> None:
    actor = make_customer()
    signed_in = sign_in(actor)
    assert identity.authenticate(signed_in.key) == actor
    assert identity.authenticate(signed_in.token) is None


@pytest.mark.parametrize('token', [None, '', 42, b'token', 'x' * 43, 'not-a-token'])
def test_unknown_or_malformed_token_authenticates_nobody(token: object) -> None:
    sign_in(make_customer())
    assert identity.authenticate(token) is None


def test_session_idle_for_29_minutes_is_still_valid() -> None:
    actor, start = make_customer(), datetime.now(UTC)
    token = sign_in(actor, now=start).key
    assert identity.authenticate(token, now=at(start, minutes=29)) == actor


def test_session_idle_for_31_minutes_has_expired() -> None:
    actor, start = make_customer(), datetime.now(UTC)
    token = sign_in(actor, now=start).key
    assert identity.authenticate(token, now=at(start, minutes=31)) is None


def test_activity_keeps_the_session_alive_past_the_idle_limit() -> None:
    actor, start = make_customer(), datetime.now(UTC)
    token = sign_in(actor, now=start).key
    assert identity.authenticate(token, now=at(start, minutes=20)) == actor
    assert identity.authenticate(token, now=at(start, minutes=40)) == actor
    assert stored_sessions(actor.id)[0].last_seen_at == at(start, minutes=40)


def test_session_expires_after_12_hours_despite_steady_activity() -> None:
    actor, start = make_customer(), datetime.now(UTC)
    token = sign_in(actor, now=start).key
    for minutes in range(20, 12 * 60, 20):
        assert identity.authenticate(token, now=at(start, minutes=minutes)) == actor
    assert identity.authenticate(token, now=at(start, hours=12)) is None


def test_every_sign_in_issues_a_new_token() -> None:
    actor = make_customer()
    tokens = {sign_in(actor).key for _ in range(3)}
    assert len(tokens) == 3
    assert all(identity.authenticate(token) == actor for token in tokens)


def test_signed_out_token_is_dead_but_the_next_sign_in_works() -> None:
    actor = make_customer()
    first = sign_in(actor).key
    with session_scope(write=True) as session:
        identity.sign_out(session, first)
    second = sign_in(actor).key
    assert second != first
    assert identity.authenticate(first) is None
    assert identity.authenticate(second) == actor


def test_sign_out_revokes_the_session_on_the_server() -> None:
    actor, start = make_customer(), datetime.now(UTC)
    token = sign_in(actor, now=start).key
    with session_scope(write=True) as session:
        identity.sign_out(session, token, now=at(start, minutes=1))
    [stored] = stored_sessions(actor.id)
    assert (stored.revoked_at, stored.revoked_reason) == (at(start, minutes=1), 'signed out')


def test_sign_out_ends_only_that_session() -> None:
    actor = make_customer()
    phone, laptop = sign_in(actor).key, sign_in(actor).key
    with session_scope(write=True) as session:
        identity.sign_out(session, phone)
    assert (identity.authenticate(phone), identity.authenticate(laptop)) == (None, actor)


def test_blocking_a_user_ends_every_one_of_their_sessions() -> None:
    actor, other = make_customer(), make_customer()
    tokens = [sign_in(actor).key for _ in range(2)]
    bystander = sign_in(other).key
    with session_scope(write=True) as session:
        people.block_user(session, make_admin(), user_id=actor.id, reason='Fraud reported')
    assert [identity.authenticate(token) for token in tokens] == [None, None]
    assert identity.authenticate(bystander) == other
    assert {s.revoked_reason for s in stored_sessions(actor.id)} == {'blocked'}


def test_unblocked_user_signs_in_again_but_old_sessions_stay_dead() -> None:
    actor = make_customer()
    old = sign_in(actor).key
    block(actor)
    with session_scope(write=True) as session:
        people.unblock_user(session, OPERATOR, user_id=actor.id)
    new = sign_in(actor).key
    assert (identity.authenticate(old), identity.authenticate(new)) == (None, actor)


def test_password_change_ends_every_other_session_but_keeps_the_current_one() -> None:
    actor = make_customer()
    current, other = sign_in(actor).key, sign_in(actor).key
    identity.change_password(actor, current_password=PASSWORD, new_password=NEW_PASSWORD, key=current)
    assert identity.authenticate(current) == actor
    assert identity.authenticate(other) is None
    assert sign_in(actor, NEW_PASSWORD).actor.id == actor.id
    with pytest.raises(InvalidCredentials):
        sign_in(actor, PASSWORD)


def test_password_change_is_audited() -> None:
    actor = make_customer()
    identity.change_password(actor, current_password=PASSWORD, new_password=NEW_PASSWORD, key=sign_in(actor).key)
    with session_scope() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == 'user.password_change')).one()
    assert (event.actor_id, event.target_id) == (actor.id, actor.id)


def test_password_change_with_a_wrong_current_password_changes_nothing() -> None:
    actor = make_customer()
    current, other = sign_in(actor).key, sign_in(actor).key
    before = password_hash(actor.id)
    with pytest.raises(ValidationError, match='current password is incorrect') as refused:
        identity.change_password(actor, current_password=WRONG, new_password=NEW_PASSWORD, key=current)
    assert refused.value.field == 'current_password'
    assert password_hash(actor.id) == before
    assert (identity.authenticate(current), identity.authenticate(other)) == (actor, actor)
    assert sign_in(actor).actor.id == actor.id


@pytest.mark.parametrize(
    ('new_password', 'message'),
    [('short', 'at least 8 characters'), ('password123', 'too common'), (None, 'must be text')],
)
def test_password_change_to_an_invalid_password_is_refused(new_password: object, message: str) -> None:
    actor = make_customer()
    current = sign_in(actor).key
    before = password_hash(actor.id)
    with pytest.raises(ValidationError, match=message) as refused:
        identity.change_password(actor, current_password=PASSWORD, new_password=new_password, key=current)
    assert refused.value.field == 'new_password'
    assert password_hash(actor.id) == before


def test_blocked_user_cannot_change_their_password() -> None:
    actor = make_customer()
    block(actor)
    with pytest.raises(PermissionDenied):
        identity.change_password(actor, current_password=PASSWORD, new_password=NEW_PASSWORD, key='')


def test_operator_password_reset_ends_every_session() -> None:
    actor = make_customer()
    tokens = [sign_in(actor).key for _ in range(2)]
    with session_scope(write=True) as session:
        identity.reset_password(session, OPERATOR, email=actor.email.upper(), new_password=NEW_PASSWORD)
    assert [identity.authenticate(token) for token in tokens] == [None, None]
    assert sign_in(actor, NEW_PASSWORD).actor.id == actor.id
    with pytest.raises(InvalidCredentials):
        sign_in(actor, PASSWORD)
    with session_scope() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == 'user.password_reset')).one()
    assert (event.actor_id, event.target_id) == (None, actor.id)


@pytest.mark.parametrize('make_actor', [make_customer, make_professional])
def test_non_admin_resetting_a_password_is_denied(make_actor) -> None:
    actor, victim = make_actor(), make_customer()
    with session_scope(write=True) as session, pytest.raises(PermissionDenied):
        identity.reset_password(session, actor, email=victim.email, new_password=NEW_PASSWORD)
    assert sign_in(victim).actor.id == victim.id


# Logging


def test_sign_in_logs_the_user_id_but_never_the_password_or_token(caplog: pytest.LogCaptureFixture) -> None:
    actor = make_customer(password='unmistakable secret phrase')
    caplog.set_level(logging.INFO)
    signed_in = sign_in(actor, 'unmistakable secret phrase')
    token = signed_in.token
    with pytest.raises(InvalidCredentials):
        sign_in(actor, 'another secret phrase')
    assert identity.authenticate(signed_in.key) == actor
    assert f'user_id={actor.id}' in caplog.text
    assert 'succeeded' in caplog.text
    assert 'failed' in caplog.text
    assert 'unmistakable secret phrase' not in caplog.text
    assert 'another secret phrase' not in caplog.text
    assert token not in caplog.text
    assert hashlib.sha256(token.encode()).hexdigest() not in caplog.text


def test_wrong_current_passwords_count_against_the_sign_in_throttle() -> None:
    customer = make_customer()
    token = sign_in(customer).key
    for _ in range(5):
        with pytest.raises(ValidationError, match='current password is incorrect'):
            identity.change_password(
                customer,
                current_password='not my password',
                new_password='brand new phrase 1',
                key=token,
                client_ip='10.9.9.9',
            )
    with pytest.raises(Throttled):
        identity.change_password(
            customer, current_password=PASSWORD, new_password='brand new phrase 1', key=token, client_ip='10.9.9.9'
        )
    with session_scope(write=True) as session:
        identity.unlock_sign_in(session, OPERATOR, email=customer.email)
    assert sign_in(customer).actor.id == customer.id  # the password never changed


@pytest.mark.parametrize('email', ['nul\x00@example.com', 'line\nbreak@example.com'])
def test_control_characters_in_a_sign_in_email_get_the_generic_refusal(email: str) -> None:
    with pytest.raises(InvalidCredentials):
        identity.sign_in(email, PASSWORD, client_ip='10.0.0.7')
