from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import SignInAttempt, User
from models.enums import ApprovalState, Role, SignInOutcome
from services import Actor, Conflict, PermissionDenied, Throttled, ValidationError, identity, people, session_scope
from tests.factories import PASSWORD, make_customer, make_service

CUSTOMER = {
    'name': 'Meera',
    'email': 'Meera@Example.com',
    'password': PASSWORD,
    'phone': '',
    'address': '12 MG Road',
    'pincode': '560001',
}


def count(model: type, *where: object) -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_visitor_registers_and_is_signed_in_at_once() -> None:
    signed_in = people.register(Role.CUSTOMER, CUSTOMER, client_ip='10.1.1.1')
    assert signed_in.actor.email == 'meera@example.com'
    assert identity.authenticate(signed_in.key) == signed_in.actor


def test_professional_registers_and_awaits_approval() -> None:
    service = make_service()
    fields = {
        'name': 'Ravi',
        'email': 'ravi@example.com',
        'password': PASSWORD,
        'phone': '+919876543210',
        'service_id': service.id,
        'experience_years': 3,
        'description': 'Pipes.',
        'pincodes': '560001',
    }
    signed_in = people.register(Role.PROFESSIONAL, fields, client_ip='10.1.1.1')
    assert signed_in.actor.approval_state is ApprovalState.PENDING


def test_nobody_registers_as_admin() -> None:
    with pytest.raises(PermissionDenied, match='command line'):
        people.register(Role.ADMIN, {'name': 'X', 'email': 'x@example.com', 'password': PASSWORD}, client_ip='')
    assert count(User) == 0


def test_taken_email_is_refused_and_counted_against_the_address() -> None:
    existing = make_customer()
    with pytest.raises(Conflict, match='already exists'):
        people.register(Role.CUSTOMER, CUSTOMER | {'email': existing.email.upper()}, client_ip='10.2.2.2')
    assert count(User) == 1
    assert (
        count(SignInAttempt, SignInAttempt.client_ip == '10.2.2.2', SignInAttempt.outcome == SignInOutcome.FAILED) == 1
    )


def test_an_address_probing_for_accounts_is_throttled_like_sign_in() -> None:
    taken = [make_customer().email for _ in range(20)]
    for email in taken:
        with pytest.raises(Conflict):
            people.register(Role.CUSTOMER, CUSTOMER | {'email': email}, client_ip='10.3.3.3')
    with pytest.raises(Throttled):
        people.register(Role.CUSTOMER, CUSTOMER, client_ip='10.3.3.3')
    assert people.register(Role.CUSTOMER, CUSTOMER, client_ip='10.4.4.4').actor.name == 'Meera'


def test_invalid_registration_stores_nothing() -> None:
    with pytest.raises(ValidationError, match='pincode is 6 digits'):
        people.register(Role.CUSTOMER, CUSTOMER | {'pincode': '012345'}, client_ip='10.5.5.5')
    assert count(User) == 0
    assert count(SignInAttempt) == 0


def test_long_names_and_emails_fit_the_audit_trail() -> None:
    email = 'a' * 64 + '@' + 'b' * 180 + '.example'  # 253 characters
    admin_fields = {'name': 'N' * 100, 'email': email, 'password': PASSWORD}
    with session_scope(write=True) as session:
        admin = people.create_admin(session, Actor.operator(), **admin_fields)
    customer = make_customer()
    with session_scope(write=True) as session:
        people.block_user(session, admin, user_id=customer.id, reason='R' * 500)
    with session_scope() as session:
        assert session.get(User, customer.id).is_blocked
