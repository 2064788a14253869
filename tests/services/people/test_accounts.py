from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from models import AuditEvent, CustomerProfile, ProfessionalPincode, ProfessionalProfile, User
from models.enums import ApprovalState, Role
from services import Conflict, NotFound, PermissionDenied, ValidationError, catalog, identity, people, session_scope
from tests.factories import (
    OPERATOR,
    PASSWORD,
    block,
    make_admin,
    make_customer,
    make_professional,
    make_service,
    sign_in,
)


def customer_fields(**overrides: Any) -> dict[str, Any]:
    return {
        'name': 'Asha Rao',
        'email': 'asha@example.com',
        'password': PASSWORD,
        'phone': '',
        'address': '12 MG Road, Bengaluru',
        'pincode': '560001',
    } | overrides


def professional_fields(service_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        'name': 'Ravi Kumar',
        'email': 'ravi@example.com',
        'password': PASSWORD,
        'phone': '+919876543210',
        'service_id': service_id,
        'experience_years': 5,
        'description': 'Ten years of careful work.',
        'pincodes': '560001',
    } | overrides


def count_rows(model: type) -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(model))


def stored_user(user_id: int) -> User:
    with session_scope() as session:
        return session.get(User, user_id)


def test_customer_signs_up_and_gets_a_customer_actor() -> None:
    with session_scope(write=True) as session:
        actor = people.sign_up_customer(session, **customer_fields(phone='+91 98765-43210'))
    assert (actor.role, actor.name, actor.email, actor.approval_state) == (
        Role.CUSTOMER,
        'Asha Rao',
        'asha@example.com',
        None,
    )
    with session_scope() as session:
        user = session.get(User, actor.id)
        profile = session.get(CustomerProfile, actor.id)
        assert (user.phone, user.is_blocked, user.password_hash != PASSWORD) == ('+919876543210', False, True)
        assert (profile.address, profile.pincode) == ('12 MG Road, Bengaluru', '560001')


def test_customer_without_phone_is_stored_with_no_phone() -> None:
    actor = make_customer(phone='')
    assert stored_user(actor.id).phone is None


def test_professional_signs_up_pending_with_sorted_unique_pincodes() -> None:
    service = make_service()
    with session_scope(write=True) as session:
        actor = people.sign_up_professional(
            session, **professional_fields(service.id, pincodes='560003, 560001 560003,560002', phone='+91 98765 43210')
        )
    assert (actor.role, actor.approval_state) == (Role.PROFESSIONAL, ApprovalState.PENDING)
    with session_scope() as session:
        profile = session.get(ProfessionalProfile, actor.id)
        assert (profile.service_id, profile.experience_years, profile.approval_state) == (
            service.id,
            5,
            ApprovalState.PENDING,
        )
        assert [p.pincode for p in profile.pincodes] == ['560001', '560002', '560003']
        assert session.get(User, actor.id).phone == '+919876543210'


def test_sign_up_stores_the_email_lower_cased() -> None:
    actor = make_customer(email='  Asha.Rao@Example.COM ')
    assert actor.email == 'asha.rao@example.com'
    assert stored_user(actor.id).email == 'asha.rao@example.com'


@pytest.mark.parametrize('second_email', ['asha@example.com', 'ASHA@EXAMPLE.COM', ' Asha@Example.com '])
def test_visitor_signing_up_with_a_taken_email_in_any_case_gets_conflict(second_email: str) -> None:
    make_customer(email='asha@example.com', name='First Owner')
    with session_scope(write=True) as session, pytest.raises(Conflict, match='already exists'):
        people.sign_up_customer(session, **customer_fields(email=second_email, name='Someone Else'))
    with session_scope() as session:
        assert session.scalars(select(User.name)).all() == ['First Owner']
    assert count_rows(CustomerProfile) == 1


def test_professional_signing_up_with_a_customer_email_gets_conflict() -> None:
    service = make_service()
    make_customer(email='asha@example.com')
    with session_scope(write=True) as session, pytest.raises(Conflict, match='already exists'):
        people.sign_up_professional(session, **professional_fields(service.id, email='Asha@example.com'))
    assert (count_rows(User), count_rows(ProfessionalProfile)) == (1, 0)


def test_parallel_sign_ups_with_one_email_store_exactly_one_account() -> None:
    barrier, outcomes, lock = threading.Barrier(5), [], threading.Lock()

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            with session_scope(write=True) as session:
                people.sign_up_customer(session, **customer_fields(name=f'Racer {n}', email='race@example.com'))
            result = 'ok'
        except Conflict:
            result = 'conflict'
        except Exception as error:
            result = repr(error)
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ['conflict'] * 4 + ['ok']
    assert count_rows(User) == 1


def test_professional_signing_up_for_a_retired_service_is_refused() -> None:
    service = make_service()
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=service.id)
    with session_scope(write=True) as session, pytest.raises(ValidationError, match='Choose a service') as refused:
        people.sign_up_professional(session, **professional_fields(service.id))
    assert refused.value.field == 'service_id'
    assert count_rows(User) == 0


@pytest.mark.parametrize('service_id', [999_999, None, '1', 1.0, True, [1], {'id': 1}])
def test_professional_signing_up_for_a_missing_service_is_refused(service_id: object) -> None:
    make_service()
    with session_scope(write=True) as session, pytest.raises(ValidationError, match='Choose a service'):
        people.sign_up_professional(session, **professional_fields(service_id))
    assert count_rows(User) == 0


@pytest.mark.parametrize(
    ('field', 'value', 'message'),
    [
        ('name', '', 'Name is required'),
        ('name', '   ', 'Name is required'),
        ('name', None, 'Name is required'),
        ('name', 'x' * 101, 'at most 100 characters'),
        ('name', 42, 'must be text'),
        ('name', {'first': 'Asha'}, 'must be text'),
        ('name', ['Asha'], 'must be text'),
        ('name', 'Asha\x00Rao', 'cannot be shown'),
        ('name', 'Asha\nRao', 'cannot be shown'),
        ('email', '', 'Email is required'),
        ('email', None, 'Email is required'),
        ('email', 42, 'must be text'),
        ('email', ['asha@example.com'], 'must be text'),
        ('email', 'asha', 'like name@example.com'),
        ('email', 'asha@example', 'like name@example.com'),
        ('email', 'a' * 243 + '@example.com', 'at most 254 characters'),
        ('phone', '9876543210', 'country code'),
        ('phone', '+91 98765 4321x', 'country code'),
        ('phone', 9876543210, 'must be text'),
        ('address', '', 'Address is required'),
        ('address', None, 'Address is required'),
        ('address', 'x' * 301, 'at most 300 characters'),
        ('address', {'line': 'x'}, 'must be text'),
        ('pincode', '012345', 'does not start with 0'),
        ('pincode', '56001', '6 digits'),
        ('pincode', '5600011', 'at most 6 characters'),
        ('pincode', 560001, 'must be text'),
        ('pincode', None, 'Pincode is required'),
        ('password', '', 'at least 8 characters'),
        ('password', None, 'must be text'),
        ('password', 12345678, 'must be text'),
    ],
)
def test_customer_sign_up_with_invalid_field_is_refused_and_stores_nothing(
    field: str, value: object, message: str
) -> None:
    with session_scope(write=True) as session, pytest.raises(ValidationError, match=message) as refused:
        people.sign_up_customer(session, **customer_fields(**{field: value}))
    assert refused.value.field == field
    assert (count_rows(User), count_rows(CustomerProfile)) == (0, 0)


@pytest.mark.parametrize(
    ('field', 'value', 'message'),
    [
        ('phone', '', 'Phone is required'),
        ('phone', None, 'Phone is required'),
        ('phone', '+1234567', 'country code'),
        ('experience_years', -1, 'between 0 and 70'),
        ('experience_years', 71, 'between 0 and 70'),
        ('experience_years', '71', 'between 0 and 70'),
        ('experience_years', 2.5, 'whole number'),
        ('experience_years', True, 'whole number'),
        ('experience_years', None, 'whole number'),
        ('experience_years', 'five', 'whole number'),
        ('description', '', 'Description is required'),
        ('description', 'x' * 2001, 'at most 2000 characters'),
        ('description', ['x'], 'must be text'),
        ('pincodes', '', 'at least one pincode'),
        ('pincodes', [], 'at least one pincode'),
        ('pincodes', None, 'at least one pincode'),
        ('pincodes', '560001, 012345', 'does not start with 0'),
        ('pincodes', '56001', '6 digits'),
        ('pincodes', '5600011', 'at most 6 characters'),
        ('pincodes', {'560001': True}, 'at least one pincode'),
        ('pincodes', [str(560001 + n) for n in range(51)], 'At most 50'),
    ],
)
def test_professional_sign_up_with_invalid_field_is_refused_and_stores_nothing(
    field: str, value: object, message: str
) -> None:
    service = make_service()
    with session_scope(write=True) as session, pytest.raises(ValidationError, match=message) as refused:
        people.sign_up_professional(session, **professional_fields(service.id, **{field: value}))
    assert refused.value.field == field
    assert (count_rows(User), count_rows(ProfessionalProfile), count_rows(ProfessionalPincode)) == (0, 0, 0)


@pytest.mark.parametrize('experience', [0, 70, '12', 3.0])
def test_professional_experience_at_the_limits_is_accepted(experience: object) -> None:
    actor = make_professional(experience_years=experience)
    with session_scope() as session:
        assert session.get(ProfessionalProfile, actor.id).experience_years == int(experience)


def test_script_name_is_stored_exactly_as_typed() -> None:
    actor = make_customer(name='<script>alert(1)</script>')
    assert actor.name == '<script>alert(1)</script>'
    assert stored_user(actor.id).name == '<script>alert(1)</script>'


def test_customer_profile_shows_contact_and_address() -> None:
    actor = make_customer(name='Asha Rao', email='asha@example.com', phone='+919876543210', pincode='560034')
    with session_scope() as session:
        view = people.get_profile(session, actor)
    assert (view.name, view.email, view.phone, view.role, view.pincode) == (
        'Asha Rao',
        'asha@example.com',
        '+919876543210',
        Role.CUSTOMER,
        '560034',
    )
    assert view.address.endswith('MG Road, Bengaluru')
    assert (view.service_name, view.pincodes, view.approval_state) == ('', (), None)


def test_professional_profile_shows_service_pincodes_and_approval() -> None:
    service = make_service(name='Plumbing')
    actor = make_professional(service_id=service.id, pincodes='560002 560001', experience_years=7)
    with session_scope() as session:
        view = people.get_profile(session, actor)
    assert (view.role, view.service_name, view.experience_years, view.pincodes) == (
        Role.PROFESSIONAL,
        'Plumbing',
        7,
        ('560001', '560002'),
    )
    assert (view.approval_state, view.approval_reason, view.address) == (ApprovalState.PENDING, '', '')


def test_admin_profile_has_no_customer_or_professional_part() -> None:
    admin = make_admin(name='Root Admin')
    with session_scope() as session:
        view = people.get_profile(session, admin)
    assert (view.name, view.role, view.phone, view.address, view.service_name) == ('Root Admin', Role.ADMIN, '', '', '')


def test_customer_updates_name_phone_address_and_pincode() -> None:
    actor = make_customer()
    with session_scope(write=True) as session:
        people.update_profile(
            session, actor, name=' Asha R ', phone='+91 90000 00001', address='5 Park St', pincode='700016'
        )
    with session_scope() as session:
        view = people.get_profile(session, actor)
    assert (view.name, view.phone, view.address, view.pincode) == ('Asha R', '+919000000001', '5 Park St', '700016')


@pytest.mark.parametrize(
    ('pincode', 'message'), [('012345', 'does not start with 0'), ('56001', '6 digits'), (None, 'Pincode is required')]
)
def test_customer_update_with_bad_pincode_is_refused_and_changes_nothing(pincode: object, message: str) -> None:
    actor = make_customer(name='Asha', pincode='560001')
    with session_scope(write=True) as session, pytest.raises(ValidationError, match=message):
        people.update_profile(session, actor, name='Renamed', phone='', address='New address', pincode=pincode)
    with session_scope() as session:
        view = people.get_profile(session, actor)
    assert (view.name, view.pincode) == ('Asha', '560001')


def test_professional_updates_name_and_phone() -> None:
    actor = make_professional()
    with session_scope(write=True) as session:
        people.update_profile(session, actor, name='Ravi K', phone='+919111111111')
    with session_scope() as session:
        view = people.get_profile(session, actor)
    assert (view.name, view.phone) == ('Ravi K', '+919111111111')


def test_professional_cannot_remove_their_phone() -> None:
    actor = make_professional()
    with session_scope(write=True) as session, pytest.raises(ValidationError, match='Phone is required'):
        people.update_profile(session, actor, name='Ravi', phone='')


def test_blocked_user_cannot_update_their_profile() -> None:
    actor = make_customer()
    block(actor)
    with session_scope(write=True) as session, pytest.raises(PermissionDenied):
        people.update_profile(session, actor, name='X', phone='', address='Y', pincode='560001')


@pytest.mark.parametrize('dark', [True, False])
def test_user_sets_dark_mode_and_it_is_remembered_at_sign_in(dark: bool) -> None:
    actor = make_customer()
    with session_scope(write=True) as session:
        people.set_dark_mode(session, actor, dark=not dark)
        people.set_dark_mode(session, actor, dark=dark)
    assert stored_user(actor.id).prefers_dark is dark
    assert sign_in(actor).actor.prefers_dark is dark


@pytest.mark.parametrize('dark', ['yes', 1, 0, None, 'false'])
def test_user_setting_dark_mode_to_a_non_bool_is_refused(dark: object) -> None:
    actor = make_customer()
    with session_scope(write=True) as session, pytest.raises(ValidationError, match='on or off'):
        people.set_dark_mode(session, actor, dark=dark)
    assert stored_user(actor.id).prefers_dark is False


def test_admin_blocks_user_with_reason_and_audit_records_it() -> None:
    admin, customer = make_admin(), make_customer()
    with session_scope(write=True) as session:
        people.block_user(session, admin, user_id=customer.id, reason='  Abusive messages ')
    user = stored_user(customer.id)
    assert (user.is_blocked, user.blocked_reason, user.blocked_at is not None) == (True, 'Abusive messages', True)
    with session_scope() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == 'user.block')).one()
    assert (event.actor_id, event.target_type, event.target_id, event.reason) == (
        admin.id,
        'user',
        customer.id,
        'Abusive messages',
    )


def test_blocking_an_already_blocked_user_is_a_conflict_and_changes_nothing() -> None:
    customer = make_customer()
    block(customer, reason='First')
    with pytest.raises(Conflict, match='already blocked: someone else blocked them'):
        block(customer, reason='Second')
    with session_scope() as session:
        reasons = session.scalars(select(AuditEvent.reason).where(AuditEvent.action == 'user.block')).all()
    assert reasons == ['First']
    assert stored_user(customer.id).blocked_reason == 'First'


def test_unblocking_a_user_who_is_not_blocked_is_a_conflict() -> None:
    customer = make_customer()
    with session_scope(write=True) as session, pytest.raises(Conflict, match='someone else unblocked them'):
        people.unblock_user(session, OPERATOR, user_id=customer.id, reason='Appeal accepted')
    assert count_rows(AuditEvent) == 0


def test_admin_unblocks_with_a_reason_and_audit_records_it() -> None:
    admin, customer = make_admin(), make_customer()
    block(customer, reason='Chargeback')
    with session_scope(write=True) as session:
        people.unblock_user(session, admin, user_id=customer.id, reason='  Bank confirmed the payment ')
    with session_scope() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == 'user.unblock')).one()
    assert (event.reason, event.details) == ('Bank confirmed the payment', {'was_blocked_for': 'Chargeback'})


def test_admin_unblocking_with_an_overlong_reason_is_refused() -> None:
    customer = make_customer()
    block(customer)
    with session_scope(write=True) as session, pytest.raises(ValidationError, match='at most 500'):
        people.unblock_user(session, OPERATOR, user_id=customer.id, reason='x' * 501)
    assert stored_user(customer.id).is_blocked is True


@pytest.mark.parametrize(
    ('reason', 'message'),
    [
        ('', 'Reason is required'),
        ('   ', 'Reason is required'),
        (None, 'Reason is required'),
        ('x' * 501, 'at most 500'),
    ],
)
def test_admin_blocking_without_a_proper_reason_is_refused(reason: object, message: str) -> None:
    customer = make_customer()
    with session_scope(write=True) as session, pytest.raises(ValidationError, match=message):
        people.block_user(session, OPERATOR, user_id=customer.id, reason=reason)
    assert stored_user(customer.id).is_blocked is False
    assert count_rows(AuditEvent) == 0


@pytest.mark.parametrize('make_actor', [make_customer, make_professional])
def test_non_admin_blocking_a_user_is_denied(make_actor) -> None:
    actor, victim = make_actor(), make_customer()
    with session_scope(write=True) as session, pytest.raises(PermissionDenied):
        people.block_user(session, actor, user_id=victim.id, reason='Because')
    assert stored_user(victim.id).is_blocked is False


@pytest.mark.parametrize('make_actor', [make_customer, make_professional])
def test_non_admin_unblocking_a_user_is_denied(make_actor) -> None:
    actor, victim = make_actor(), make_customer()
    block(victim)
    with session_scope(write=True) as session, pytest.raises(PermissionDenied):
        people.unblock_user(session, actor, user_id=victim.id)
    assert stored_user(victim.id).is_blocked is True


def test_admin_cannot_block_themselves() -> None:
    admin = make_admin()
    with session_scope(write=True) as session, pytest.raises(PermissionDenied, match='cannot block yourself'):
        people.block_user(session, admin, user_id=admin.id, reason='Oops')
    assert stored_user(admin.id).is_blocked is False


@pytest.mark.parametrize('user_id', [999_999, None, '1', True])
def test_admin_blocking_a_missing_user_gets_not_found(user_id: object) -> None:
    make_customer()
    with session_scope(write=True) as session, pytest.raises(NotFound, match='does not exist'):
        people.block_user(session, OPERATOR, user_id=user_id, reason='Ghost')


def test_admin_unblocks_user_and_audit_keeps_the_old_reason() -> None:
    admin, customer = make_admin(), make_customer()
    block(customer, reason='Chargeback')
    with session_scope(write=True) as session:
        people.unblock_user(session, admin, user_id=customer.id)
    user = stored_user(customer.id)
    assert (user.is_blocked, user.blocked_reason, user.blocked_at) == (False, None, None)
    with session_scope() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == 'user.unblock')).one()
    assert (event.actor_id, event.target_id, event.reason, event.details) == (
        admin.id,
        customer.id,
        None,
        {'was_blocked_for': 'Chargeback'},
    )


def test_blocked_admin_can_no_longer_use_admin_services() -> None:
    admin, victim = make_admin(), make_customer()
    block(admin)
    with session_scope(write=True) as session, pytest.raises(PermissionDenied):
        people.block_user(session, admin, user_id=victim.id, reason='Revenge')
    with session_scope(write=True) as session, pytest.raises(PermissionDenied):
        catalog.create_service(session, admin, name='X', category='Y', base_price=1, time_required=30)
    assert stored_user(victim.id).is_blocked is False


def test_blocked_user_signs_in_again_after_unblock() -> None:
    customer = make_customer()
    block(customer)
    with session_scope(write=True) as session:
        people.unblock_user(session, OPERATOR, user_id=customer.id)
    signed_in = sign_in(customer)
    assert identity.authenticate(signed_in.key) == signed_in.actor


def test_operator_creates_admin_and_audit_records_it() -> None:
    with session_scope(write=True) as session:
        admin = people.create_admin(session, OPERATOR, name='Root', email='Root@Example.com', password=PASSWORD)
    assert (admin.role, admin.email) == (Role.ADMIN, 'root@example.com')
    with session_scope() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == 'user.create_admin')).one()
    assert (event.actor_id, event.actor_label, event.target_id) == (None, OPERATOR.name, admin.id)


@pytest.mark.parametrize('make_actor', [make_customer, make_professional])
def test_non_admin_creating_an_admin_is_denied(make_actor) -> None:
    actor = make_actor()
    with session_scope(write=True) as session, pytest.raises(PermissionDenied):
        people.create_admin(session, actor, name='Sneaky', email='sneaky@example.com', password=PASSWORD)
    with session_scope() as session:
        assert session.scalar(select(User).where(User.role == Role.ADMIN)) is None


def test_admin_finds_a_user_id_by_email_in_any_case() -> None:
    customer = make_customer(email='asha@example.com')
    with session_scope() as session:
        assert people.get_user_id(session, OPERATOR, email='ASHA@example.com') == customer.id
        with pytest.raises(NotFound, match='No account'):
            people.get_user_id(session, OPERATOR, email='nobody@example.com')


def test_customer_looking_up_user_ids_is_denied() -> None:
    customer = make_customer()
    with session_scope() as session, pytest.raises(PermissionDenied):
        people.get_user_id(session, customer, email=customer.email)
