from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import models
from models import User
from services import InvalidCredentials, ValidationError, identity, people, session_scope
from tests.factories import OPERATOR, PASSWORD, make_customer, sign_in
from tests.fuzzing import examples

ASCII_72 = 'correct horse battery staple ' * 2 + 'x' * 14
EURO_25 = '€' * 25  # 25 characters, 75 bytes
FULLWIDTH_CORRECT_HORSE = ''.join(chr(ord(c) + 0xFEE0) if c != ' ' else c for c in 'correct horse')


def sign_up(password: object) -> None:
    with session_scope(write=True) as session:
        people.sign_up_customer(
            session,
            name='Asha',
            email='asha@example.com',
            password=password,
            phone='',
            address='12 MG Road',
            pincode='560001',
        )


def stored_hash(user_id: int) -> str:
    with session_scope() as session:
        return session.get(User, user_id).password_hash


def user_count() -> int:
    with session_scope() as session:
        return len(session.scalars(select(User.id)).all())


def test_72_byte_ascii_password_is_accepted_and_signs_in() -> None:
    assert len(ASCII_72.encode()) == 72
    actor = make_customer(password=ASCII_72)
    assert sign_in(actor, ASCII_72).actor.id == actor.id


@pytest.mark.parametrize('password', [ASCII_72 + 'y', EURO_25, 'ä' * 37, '😀' * 19])
def test_visitor_signing_up_with_a_password_over_72_bytes_is_refused(password: str) -> None:
    assert len(password.encode()) > 72
    with pytest.raises(ValidationError, match='at most 72 bytes') as refused:
        sign_up(password)
    assert refused.value.field == 'password'
    assert user_count() == 0


@pytest.mark.parametrize('password', [ASCII_72 + 'y', EURO_25])
def test_user_changing_to_a_password_over_72_bytes_is_refused(password: str) -> None:
    actor = make_customer()
    signed_in = sign_in(actor)
    with pytest.raises(ValidationError, match='at most 72 bytes') as refused:
        identity.change_password(actor, current_password=PASSWORD, new_password=password, key=signed_in.key)
    assert refused.value.field == 'new_password'
    assert sign_in(actor).actor.id == actor.id


@pytest.mark.parametrize('password', [ASCII_72 + 'y', EURO_25, 'x' * 10_000])
def test_user_signing_in_with_a_password_over_72_bytes_gets_invalid_credentials(password: str) -> None:
    actor = make_customer(password=ASCII_72)
    with pytest.raises(InvalidCredentials, match='Email or password is incorrect'):
        sign_in(actor, password)


@pytest.mark.parametrize('password', [None, 12345678, b'correct horse battery', ['correct horse battery'], ''])
def test_user_signing_in_with_a_non_text_or_empty_password_gets_invalid_credentials(password: object) -> None:
    actor = make_customer()
    with pytest.raises(InvalidCredentials):
        identity.sign_in(actor.email, password, client_ip='10.0.0.1')


def test_seven_character_password_is_refused() -> None:
    with pytest.raises(ValidationError, match='at least 8 characters'):
        sign_up('xK9#qL2')
    assert user_count() == 0


def test_eight_character_password_is_accepted() -> None:
    actor = make_customer(password='xK9#qL2!')
    assert sign_in(actor, 'xK9#qL2!').actor.id == actor.id


def test_password_length_counts_characters_not_bytes() -> None:
    with pytest.raises(ValidationError, match='at least 8 characters'):
        sign_up('€€€€€€€')  # 7 characters, 21 bytes
    actor = make_customer(password='€' * 8)
    assert sign_in(actor, '€' * 8).actor.id == actor.id


@pytest.mark.parametrize('password', ['password123', 'qwertyuiop', 'Password1', 'PASSWORD123', 'QwErTyUiOp'])
def test_common_password_is_refused_whatever_its_case(password: str) -> None:
    with pytest.raises(ValidationError, match='too common'):
        sign_up(password)
    assert user_count() == 0


def test_user_changing_to_a_common_password_is_refused() -> None:
    actor = make_customer()
    signed_in = sign_in(actor)
    with pytest.raises(ValidationError, match='too common'):
        identity.change_password(actor, current_password=PASSWORD, new_password='Password123', key=signed_in.key)


@pytest.mark.parametrize(
    'password',
    [
        'correct horse battery staple',
        '  spaces at both ends  ',
        'пароль для входа',
        'ключ 🔑 от дома 🏠',
        '🐍🐍🐍🐍🐍🐍🐍🐍',
        'ÅngströmÅngström',
        'a' * 64,
    ],
)
def test_passphrase_in_any_script_is_accepted_and_signs_in(password: str) -> None:
    assert len(password.encode()) <= 72
    actor = make_customer(password=password)
    assert sign_in(actor, password).actor.id == actor.id


@pytest.mark.parametrize(
    ('typed_at_sign_up', 'typed_at_sign_in'),
    [
        ('\ufb01ne fettle ok', 'fine fettle ok'),
        (FULLWIDTH_CORRECT_HORSE, 'correct horse'),
        ('cafe\u0301 au lait', 'caf\u00e9 au lait'),
        ('caf\u00e9 au lait', 'cafe\u0301 au lait'),
    ],
)
def test_password_is_nfkc_normalized_when_set_and_when_checked(typed_at_sign_up: str, typed_at_sign_in: str) -> None:
    actor = make_customer(password=typed_at_sign_up)
    assert sign_in(actor, typed_at_sign_in).actor.id == actor.id
    assert sign_in(actor, typed_at_sign_up).actor.id == actor.id


@pytest.mark.parametrize('wrong', [PASSWORD + 'x', PASSWORD[:-1], PASSWORD.upper(), ' ' + PASSWORD, PASSWORD + ' '])
def test_only_the_exact_password_signs_in(wrong: str) -> None:
    actor = make_customer()
    with pytest.raises(InvalidCredentials):
        sign_in(actor, wrong)


@pytest.mark.fuzz
@settings(max_examples=examples(20), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=8, max_size=24))
def test_any_accepted_password_verifies_only_exactly(password: str) -> None:
    try:
        password_hash = identity.hash_new(password)
    except ValidationError:
        assume(False)
    assert identity.verify(password, password_hash)
    assert not identity.verify(password + 'x', password_hash)
    assert not identity.verify(password[:-1], password_hash)


@pytest.mark.parametrize('password', ['\ud800correct horse', 'correct horse\udfff'])
def test_visitor_signing_up_with_unencodable_password_gets_a_validation_error(password: str) -> None:
    with pytest.raises(ValidationError):
        sign_up(password)
    assert user_count() == 0


def test_user_signing_in_with_unencodable_password_gets_invalid_credentials() -> None:
    actor = make_customer()
    with pytest.raises(InvalidCredentials):
        sign_in(actor, PASSWORD + '\ud800')


def test_password_hash_uses_the_configured_cost_of_4_in_tests() -> None:
    actor = make_customer()
    assert stored_hash(actor.id).startswith('$2b$04$')


def test_password_hash_uses_cost_12_under_the_production_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('HSA_BCRYPT_ROUNDS', '12')
    actor = make_customer()
    password_hash = stored_hash(actor.id)
    assert password_hash.startswith('$2b$12$')
    assert len(password_hash) == 60


def test_operator_reset_hashes_with_the_configured_cost() -> None:
    actor = make_customer()
    with session_scope(write=True) as session:
        identity.reset_password(session, OPERATOR, email=actor.email, new_password='a brand new secret')
    assert stored_hash(actor.id).startswith('$2b$04$')
    assert sign_in(actor, 'a brand new secret').actor.id == actor.id


def test_neither_password_nor_raw_token_is_stored_anywhere_in_the_database() -> None:
    actor = make_customer(password='unmistakable secret phrase')
    token = sign_in(actor, 'unmistakable secret phrase').token
    with session_scope() as session:
        stored = [
            (table.name, value)
            for table in models.Base.metadata.sorted_tables
            for row in session.execute(select(table)).all()
            for value in row
            if isinstance(value, str)
        ]
    assert stored
    assert [(name, value) for name, value in stored if token in value or 'unmistakable' in value] == []
