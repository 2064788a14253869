from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models import AuditEvent, Notification, ProfessionalProfile, Review, ServiceRequest
from models.db import set_publisher
from models.enums import ApprovalState, RequestStatus
from services import Actor, Conflict, NotFound, PermissionDenied, ValidationError, catalog, people, session_scope
from services.core.events import DomainEvent
from services.people import ProfessionalCard
from services.runtime import Bus
from tests.factories import (
    ACTOR_KINDS,
    OPERATOR,
    approve,
    block,
    make_admin,
    make_approved_professional,
    make_customer,
    make_professional,
    make_service,
    reject,
)
from tests.services.request_support import selects

NOW = datetime(2030, 5, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def bus() -> Iterator[Bus]:
    bus = Bus()
    set_publisher(bus.deliver)
    yield bus
    set_publisher(None)


def collect(bus: Bus) -> list[DomainEvent]:
    seen: list[DomainEvent] = []
    bus.subscribe('*', seen.append)
    return seen


ADMINS = {'admin', 'operator'}
PROFESSIONALS = {'pending professional', 'approved professional', 'rejected professional'}


def profile_of(professional_id: int) -> ProfessionalProfile:
    with session_scope() as session:
        return session.get(ProfessionalProfile, professional_id)


def audit_rows(action: str) -> list[AuditEvent]:
    with session_scope() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def notifications_of(user_id: int) -> list[Notification]:
    with session_scope() as session:
        return list(session.scalars(select(Notification).where(Notification.user_id == user_id)))


def add_review(professional: Actor, rating: int, *, at: datetime = NOW, remarks: str = '', customer=None) -> None:
    """A closed request with its review and the aggregate, written directly (service requests live elsewhere)."""
    customer = customer or make_customer()
    with session_scope(write=True) as session:
        profile = session.get(ProfessionalProfile, professional.id)
        start = at - timedelta(days=2)
        request = ServiceRequest(
            service_id=profile.service_id,
            customer_id=customer.id,
            professional_id=professional.id,
            service_status=RequestStatus.CLOSED,
            date_of_request=start - timedelta(days=1),
            scheduled_at=start,
            ends_at=start + timedelta(hours=1),
            time_required=60,
            price=49900,
            address='1 MG Road',
            pincode='560001',
            updated_at=at,
        )
        session.add(request)
        session.flush()
        session.add(
            Review(
                request_id=request.id,
                customer_id=customer.id,
                professional_id=professional.id,
                rating=rating,
                remarks=remarks,
                created_at=at,
            )
        )
        profile.rating_count += 1
        profile.rating_sum += rating


# --- approve, reject, resubmit: the role matrix ----------------------------------------------------------------


@pytest.mark.parametrize('kind', list(ACTOR_KINDS))
def test_only_admins_approve(kind: str) -> None:
    actor, professional = ACTOR_KINDS[kind](), make_professional()
    with session_scope(write=True) as session:
        if kind in ADMINS:
            people.approve(session, actor, professional_id=professional.id)
        else:
            with pytest.raises(PermissionDenied):
                people.approve(session, actor, professional_id=professional.id)
    expected = ApprovalState.APPROVED if kind in ADMINS else ApprovalState.PENDING
    assert profile_of(professional.id).approval_state is expected


@pytest.mark.parametrize('kind', list(ACTOR_KINDS))
def test_only_admins_reject(kind: str) -> None:
    actor, professional = ACTOR_KINDS[kind](), make_professional()
    with session_scope(write=True) as session:
        if kind in ADMINS:
            people.reject(session, actor, professional_id=professional.id, reason='Blurred ID')
        else:
            with pytest.raises(PermissionDenied):
                people.reject(session, actor, professional_id=professional.id, reason='Blurred ID')
    expected = ApprovalState.REJECTED if kind in ADMINS else ApprovalState.PENDING
    assert profile_of(professional.id).approval_state is expected


@pytest.mark.parametrize('kind', list(ACTOR_KINDS))
def test_only_a_rejected_professional_resubmits(kind: str) -> None:
    actor = ACTOR_KINDS[kind]()
    with session_scope(write=True) as session:
        if kind == 'rejected professional':
            people.resubmit(session, actor)
        elif kind in PROFESSIONALS:
            with pytest.raises(Conflict, match='changed a moment ago'):
                people.resubmit(session, actor)
        else:
            with pytest.raises(PermissionDenied):
                people.resubmit(session, actor)


@pytest.mark.parametrize('kind', list(ACTOR_KINDS))
def test_only_admins_list_pending(kind: str) -> None:
    actor = ACTOR_KINDS[kind]()
    with session_scope() as session:
        if kind in ADMINS:
            assert isinstance(people.list_pending(session, actor), list)
        else:
            with pytest.raises(PermissionDenied):
                people.list_pending(session, actor)


# --- approve, reject, resubmit: the state machine --------------------------------------------------------------


def test_admin_approves_pending_professional_with_audit_notification_and_event(bus: Bus) -> None:
    admin, professional, seen = make_admin(), make_professional(), collect(bus)
    with session_scope(write=True) as session:
        people.approve(session, admin, professional_id=professional.id, now=NOW)
        assert seen == []
    service_ids = (profile_of(professional.id).service_id,)
    assert seen == [
        DomainEvent('notification.changed', {'user_id': professional.id}),  # the bell's count
        DomainEvent('professional.approved', {'professional_id': professional.id, 'service_ids': service_ids}),
    ]
    profile = profile_of(professional.id)
    assert (profile.approval_state, profile.approval_decided_at, profile.approval_reason) == (
        ApprovalState.APPROVED,
        NOW,
        None,
    )
    [row] = audit_rows('professional.approve')
    assert (row.actor_id, row.target_type, row.target_id, row.occurred_at) == (
        admin.id,
        'professional',
        professional.id,
        NOW,
    )
    assert row.details == {'approval_state': ['pending', 'approved']}
    [note] = notifications_of(professional.id)
    assert (note.kind, note.created_at) == ('professional.approved', NOW)
    assert note.message.startswith('Your profile was approved')


def test_approving_twice_is_a_conflict() -> None:
    professional = approve(make_professional())
    with session_scope(write=True) as session, pytest.raises(Conflict, match='changed a moment ago: it is approved'):
        people.approve(session, OPERATOR, professional_id=professional.id)
    assert len(audit_rows('professional.approve')) == 1
    assert len(notifications_of(professional.id)) == 1


def test_approving_a_rejected_professional_is_a_conflict() -> None:
    professional = reject(make_professional())
    with session_scope(write=True) as session, pytest.raises(Conflict, match='it is rejected now'):
        people.approve(session, OPERATOR, professional_id=professional.id)
    assert profile_of(professional.id).approval_state is ApprovalState.REJECTED


@pytest.mark.parametrize('professional_id', [999_999, 'abc', True, None])
def test_deciding_on_a_missing_professional_is_not_found(professional_id: object) -> None:
    with session_scope(write=True) as session, pytest.raises(NotFound):
        people.approve(session, OPERATOR, professional_id=professional_id)
    with session_scope(write=True) as session, pytest.raises(NotFound):
        people.reject(session, OPERATOR, professional_id=professional_id, reason='No')


@pytest.mark.parametrize('make_target', [make_customer, make_admin])
def test_a_customer_or_admin_is_no_professional_to_approve(make_target) -> None:
    target = make_target()
    with session_scope(write=True) as session, pytest.raises(NotFound):
        people.approve(session, OPERATOR, professional_id=target.id)


@pytest.mark.parametrize(
    ('reason', 'message'),
    [
        ('', 'Reason is required'),
        ('   ', 'Reason is required'),
        (None, 'Reason is required'),
        ('x' * 501, 'at most 500'),
    ],
)
def test_reject_needs_a_reason(reason: object, message: str) -> None:
    professional = make_professional()
    with session_scope(write=True) as session, pytest.raises(ValidationError, match=message):
        people.reject(session, OPERATOR, professional_id=professional.id, reason=reason)
    assert profile_of(professional.id).approval_state is ApprovalState.PENDING
    assert audit_rows('professional.reject') == []


def test_admin_rejects_pending_professional_and_they_are_told_why(bus: Bus) -> None:
    admin, professional, seen = make_admin(), make_professional(), collect(bus)
    with session_scope(write=True) as session:
        people.reject(session, admin, professional_id=professional.id, reason='The ID photo is blurred.', now=NOW)
    profile = profile_of(professional.id)
    assert (profile.approval_state, profile.approval_reason, profile.approval_decided_at) == (
        ApprovalState.REJECTED,
        'The ID photo is blurred.',
        NOW,
    )
    [row] = audit_rows('professional.reject')
    assert (row.actor_id, row.reason, row.details) == (
        admin.id,
        'The ID photo is blurred.',
        {'approval_state': ['pending', 'rejected']},
    )
    [note] = notifications_of(professional.id)
    assert note.kind == 'professional.rejected'
    assert 'The ID photo is blurred.' in note.message
    assert [e.name for e in seen] == ['notification.changed', 'professional.rejected']


def test_admin_rejects_an_approved_professional() -> None:
    professional = approve(make_professional())
    with session_scope(write=True) as session:
        people.reject(session, OPERATOR, professional_id=professional.id, reason='Complaints about fraud.')
    assert profile_of(professional.id).approval_state is ApprovalState.REJECTED
    assert audit_rows('professional.reject')[0].details == {'approval_state': ['approved', 'rejected']}


def test_rejecting_twice_is_a_conflict() -> None:
    professional = reject(make_professional())
    with session_scope(write=True) as session, pytest.raises(Conflict, match='changed a moment ago'):
        people.reject(session, OPERATOR, professional_id=professional.id, reason='Again')


def test_rejected_professional_resubmits_and_waits_again(bus: Bus) -> None:
    professional = reject(make_professional(), 'Blurred')
    seen = collect(bus)
    with session_scope(write=True) as session:
        people.resubmit(session, professional, now=NOW)
    profile = profile_of(professional.id)
    assert (profile.approval_state, profile.approval_reason, profile.submitted_at) == (
        ApprovalState.PENDING,
        None,
        NOW,
    )
    [row] = audit_rows('professional.resubmit')
    assert (row.actor_id, row.details) == (professional.id, {'approval_state': ['rejected', 'pending']})
    service_ids = (profile.service_id,)
    assert seen == [
        DomainEvent('professional.resubmitted', {'professional_id': professional.id, 'service_ids': service_ids})
    ]


@pytest.mark.parametrize('state', ['pending', 'approved'])
def test_resubmitting_when_not_rejected_is_a_conflict(state: str) -> None:
    professional = make_professional() if state == 'pending' else make_approved_professional()
    with session_scope(write=True) as session, pytest.raises(Conflict, match='changed a moment ago'):
        people.resubmit(session, professional)
    assert profile_of(professional.id).approval_state.value == state


def test_racing_approvals_have_exactly_one_winner() -> None:
    professional, admins = make_professional(), [make_admin() for _ in range(4)]
    barrier, outcomes = threading.Barrier(len(admins)), []

    def decide(admin: Actor) -> None:
        barrier.wait()
        try:
            with session_scope(write=True) as session:
                people.approve(session, admin, professional_id=professional.id)
            outcomes.append('won')
        except Conflict:
            outcomes.append('lost')

    threads = [threading.Thread(target=decide, args=(admin,)) for admin in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ['lost', 'lost', 'lost', 'won']
    assert len(audit_rows('professional.approve')) == 1
    assert len(notifications_of(professional.id)) == 1


def test_a_rolled_back_approval_leaves_no_audit_notification_or_event(bus: Bus) -> None:
    professional, seen = make_professional(), collect(bus)
    with pytest.raises(RuntimeError), session_scope(write=True) as session:
        people.approve(session, OPERATOR, professional_id=professional.id)
        raise RuntimeError('the rest of the unit failed')
    assert profile_of(professional.id).approval_state is ApprovalState.PENDING
    assert audit_rows('professional.approve') == []
    assert notifications_of(professional.id) == []
    assert seen == []


def test_a_rolled_back_rejection_leaves_no_audit_or_notification(bus: Bus) -> None:
    professional, seen = make_professional(), collect(bus)
    with pytest.raises(RuntimeError), session_scope(write=True) as session:
        people.reject(session, OPERATOR, professional_id=professional.id, reason='No')
        raise RuntimeError('the rest of the unit failed')
    assert (audit_rows('professional.reject'), notifications_of(professional.id), seen) == ([], [], [])


# --- edit_profile ----------------------------------------------------------------------------------------------


def edit(actor: Actor, **changes: object) -> object:
    with session_scope(write=True) as session:
        current = people.get_professional(session, actor, professional_id=actor.id)
        fields = {
            'service_id': current.service_id,
            'experience_years': current.experience_years,
            'description': current.description,
            'pincodes': list(current.pincodes),
        } | changes
        return people.edit_profile(session, actor, **fields)


@pytest.mark.parametrize('kind', list(ACTOR_KINDS))
def test_only_professionals_edit_their_profile(kind: str) -> None:
    actor, service = ACTOR_KINDS[kind](), make_service()
    fields = {'service_id': service.id, 'experience_years': 3, 'description': 'Hi', 'pincodes': '560001'}
    with session_scope(write=True) as session:
        if kind in PROFESSIONALS:
            assert people.edit_profile(session, actor, **fields).service_id == service.id
        else:
            with pytest.raises(PermissionDenied):
                people.edit_profile(session, actor, **fields)


def test_pincodes_description_and_experience_change_and_approval_stays(bus: Bus) -> None:
    professional = make_approved_professional(pincodes='560001, 560002')
    seen = collect(bus)
    view = edit(professional, pincodes='560002 560034', description='Taps and tiles.', experience_years='9')
    assert (view.pincodes, view.description, view.experience_years, view.approval_state) == (
        ('560002', '560034'),
        'Taps and tiles.',
        9,
        ApprovalState.APPROVED,
    )
    [row] = audit_rows('professional.edit_profile')
    assert row.details['changed'] == {
        'pincodes': [['560001', '560002'], ['560002', '560034']],
        'description': ['Ten years of careful work.', 'Taps and tiles.'],
        'experience_years': [5, 9],
    }
    edited = {'professional_id': professional.id, 'back_to_pending': False, 'service_ids': (view.service_id,)}
    assert seen == [DomainEvent('professional.profile_edited', edited)]
    assert notifications_of(professional.id)[-1].kind == 'professional.approved'  # nothing new


def test_changing_service_sends_the_profile_back_to_pending() -> None:
    professional = reject(make_professional(), 'Wrong trade')
    other = make_service(name='Electrical')
    with session_scope(write=True) as session:
        people.edit_profile(
            session,
            professional,
            service_id=other.id,
            experience_years=5,
            description='Ten years of careful work.',
            pincodes='560001, 560002',
            now=NOW,
        )
    profile = profile_of(professional.id)
    assert (profile.service_id, profile.approval_state, profile.approval_reason, profile.submitted_at) == (
        other.id,
        ApprovalState.PENDING,
        None,
        NOW,
    )
    [row] = audit_rows('professional.edit_profile')
    assert row.details['changed']['approval_state'] == ['rejected', 'pending']
    with session_scope() as session:
        assert [v.professional_id for v in people.list_pending(session, OPERATOR)] == [professional.id]


def test_an_approved_professional_changing_service_needs_approval_again(bus: Bus) -> None:
    professional, other = make_approved_professional(), make_service()
    seen, before = collect(bus), profile_of(professional.id).service_id
    view = edit(professional, service_id=other.id)
    assert (view.service_id, view.approval_state) == (other.id, ApprovalState.PENDING)
    before_and_after = tuple(sorted({before, other.id}))
    assert seen[0].data == {
        'professional_id': professional.id,
        'back_to_pending': True,
        'service_ids': before_and_after,
    }


@pytest.mark.parametrize('target', ['retired', 'missing', 'text'])
def test_changing_to_a_service_that_is_not_offered_is_refused(target: str) -> None:
    professional = make_approved_professional()
    service_id = {'retired': make_service().id, 'missing': 999_999, 'text': 'abc'}[target]
    if target == 'retired':
        with session_scope(write=True) as session:
            catalog.retire_service(session, OPERATOR, service_id=service_id)
    with pytest.raises(ValidationError, match='Choose a service'):
        edit(professional, service_id=service_id)
    assert profile_of(professional.id).approval_state is ApprovalState.APPROVED
    assert audit_rows('professional.edit_profile') == []


def test_a_professional_of_a_retired_service_may_still_edit_pincodes() -> None:
    service = make_service()
    professional = make_approved_professional(service_id=service.id)
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=service.id)
    view = edit(professional, pincodes='560099')
    assert (view.pincodes, view.service_active, view.approval_state) == (('560099',), False, ApprovalState.APPROVED)


@pytest.mark.parametrize(
    ('field', 'value', 'message'),
    [
        ('experience_years', -1, 'between 0 and 70'),
        ('experience_years', 71, 'between 0 and 70'),
        ('experience_years', 'ten', 'whole number'),
        ('description', '', 'Description is required'),
        ('description', 'x' * 2001, 'at most 2000'),
        ('pincodes', '012345', 'does not start with 0'),
        ('pincodes', [], 'at least one pincode'),
        ('phone', '12345', 'country code'),
    ],
)
def test_invalid_profile_edits_are_refused_and_nothing_changes(field: str, value: object, message: str) -> None:
    professional = make_approved_professional()
    with pytest.raises(ValidationError, match=message):
        edit(professional, **{field: value})
    with session_scope() as session:
        view = people.get_professional(session, professional, professional_id=professional.id)
    assert (view.experience_years, view.pincodes, view.phone) == (5, ('560001', '560002'), '+919876543210')


def test_phone_is_saved_in_e164() -> None:
    professional = make_professional()
    assert edit(professional, phone='+91 98111 22233').phone == '+919811122233'


def test_an_edit_that_changes_nothing_writes_nothing(bus: Bus) -> None:
    professional = make_professional()
    seen = collect(bus)
    edit(professional)
    assert (audit_rows('professional.edit_profile'), seen) == ([], [])


def test_edit_profile_takes_no_other_fields() -> None:
    professional = make_professional()
    with pytest.raises(TypeError):
        edit(professional, approval_state='approved')
    with pytest.raises(TypeError):
        edit(professional, rating_sum=500)
    assert profile_of(professional.id).approval_state is ApprovalState.PENDING


# --- get_professional and list_pending -------------------------------------------------------------------------


@pytest.mark.parametrize('kind', list(ACTOR_KINDS))
def test_who_may_see_a_professional(kind: str) -> None:
    actor, target = ACTOR_KINDS[kind](), make_professional()
    with session_scope() as session:
        if kind in ADMINS:
            assert people.get_professional(session, actor, professional_id=target.id).professional_id == target.id
        elif kind in {'anonymous', 'blocked professional'}:
            with pytest.raises(PermissionDenied):
                people.get_professional(session, actor, professional_id=target.id)
        else:
            with pytest.raises(NotFound, match='That professional does not exist'):
                people.get_professional(session, actor, professional_id=target.id)


def test_a_professional_sees_their_own_profile_but_not_once_blocked() -> None:
    professional = make_professional()
    with session_scope() as session:
        assert people.get_professional(session, professional, professional_id=professional.id).name
    block(professional)
    with session_scope() as session, pytest.raises(PermissionDenied):
        people.get_professional(session, professional, professional_id=professional.id)


def test_someone_elses_profile_looks_exactly_like_a_missing_one() -> None:
    customer, target = make_customer(), make_professional()
    errors = []
    for professional_id in (target.id, 999_999):
        with session_scope() as session, pytest.raises(NotFound) as raised:
            people.get_professional(session, customer, professional_id=professional_id)
        errors.append(str(raised.value))
    assert errors[0] == errors[1]


def test_admin_view_has_the_whole_profile() -> None:
    service = make_service(name='Plumbing')
    professional = make_approved_professional(service_id=service.id, name='Ravi', pincodes='560034, 560001')
    add_review(professional, 4)
    add_review(professional, 5)
    with session_scope() as session:
        view = people.get_professional(session, make_admin(), professional_id=professional.id)
    assert (view.name, view.service_name, view.pincodes, view.approval_state, view.approval_reason) == (
        'Ravi',
        'Plumbing',
        ('560001', '560034'),
        ApprovalState.APPROVED,
        '',
    )
    assert (view.rating_average, view.rating_count, view.documents, view.is_blocked) == (4.5, 2, (), False)


def test_pending_list_is_oldest_submission_first_and_skips_the_rest() -> None:
    old_resubmission = reject(make_professional())
    with session_scope(write=True) as session:
        people.resubmit(session, old_resubmission, now=datetime(2020, 1, 1, tzinfo=UTC))
    first, second = make_professional(), make_professional()
    late = reject(make_professional())
    with session_scope(write=True) as session:
        people.resubmit(session, late, now=datetime.now(UTC) + timedelta(days=1))
    make_approved_professional()
    reject(make_professional())
    blocked = make_professional()
    block(blocked)
    with session_scope() as session:
        pending = people.list_pending(session, OPERATOR)
    assert [v.professional_id for v in pending] == [old_resubmission.id, first.id, second.id, late.id]


def test_pending_list_is_limited() -> None:
    for _ in range(3):
        make_professional()
    with session_scope() as session:
        assert len(people.list_pending(session, OPERATOR, limit=2)) == 2


# --- list_for_service ------------------------------------------------------------------------------------------


def names(cards: list[ProfessionalCard]) -> list[str]:
    return [card.name for card in cards]


def listed(service_id: object, pincode: object = '560001', **kwargs: object) -> list[ProfessionalCard]:
    with session_scope() as session:
        return people.list_for_service(session, service_id=service_id, pincode=pincode, **kwargs)


def test_best_rated_come_first_then_most_reviewed_then_by_name() -> None:
    service = make_service()
    pros = {name: make_approved_professional(service_id=service.id, name=name) for name in 'ABCDE'}
    customer = make_customer()
    for name, ratings in {'A': [5], 'B': [4, 5], 'C': [4, 5, 4, 5], 'E': [5, 4], 'D': []}.items():
        for rating in ratings:
            add_review(pros[name], rating, customer=customer)
    cards = listed(service.id)
    assert names(cards) == ['A', 'C', 'B', 'E', 'D']
    assert [(c.rating_average, c.rating_count) for c in cards] == [(5.0, 1), (4.5, 4), (4.5, 2), (4.5, 2), (None, 0)]


def test_cards_carry_experience_and_the_three_newest_reviews() -> None:
    service = make_service()
    professional = make_approved_professional(service_id=service.id, experience_years=12)
    customer = make_customer()
    for day, (rating, remarks) in enumerate([(3, 'ok'), (5, 'great'), (4, 'good'), (5, '<b>tidy</b>')]):
        add_review(professional, rating, remarks=remarks, at=NOW + timedelta(days=day), customer=customer)
    [card] = listed(service.id)
    assert (card.experience_years, card.rating_count, card.rating_average) == (12, 4, 4.25)
    assert [(r.rating, r.remarks, r.created_at) for r in card.recent_reviews] == [
        (5, '<b>tidy</b>', NOW + timedelta(days=3)),
        (4, 'good', NOW + timedelta(days=2)),
        (5, 'great', NOW + timedelta(days=1)),
    ]


def test_cards_show_no_contact_details() -> None:
    fields = set(ProfessionalCard.__dataclass_fields__)
    assert not fields & {'email', 'phone', 'address'}


def test_only_approved_unblocked_professionals_of_that_service_and_pincode_are_listed() -> None:
    service, other_service = make_service(), make_service()
    make_approved_professional(service_id=service.id, name='Listed', pincodes='560001')
    make_approved_professional(service_id=service.id, name='Elsewhere', pincodes='560099')
    make_approved_professional(service_id=other_service.id, name='Other trade', pincodes='560001')
    make_professional(service_id=service.id, name='Pending', pincodes='560001')
    reject(make_professional(service_id=service.id, name='Rejected', pincodes='560001'))
    block(make_approved_professional(service_id=service.id, name='Blocked', pincodes='560001'))
    assert names(listed(service.id)) == ['Listed']
    assert names(listed(service.id, '560099')) == ['Elsewhere']
    assert names(listed(other_service.id)) == ['Other trade']


def test_a_retired_service_lists_nobody() -> None:
    service = make_service()
    make_approved_professional(service_id=service.id)
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=service.id)
    assert listed(service.id) == []


@pytest.mark.parametrize('service_id', [999_999, 'abc', None, True])
def test_an_unknown_service_lists_nobody(service_id: object) -> None:
    make_approved_professional()
    assert listed(service_id) == []


@pytest.mark.parametrize('pincode', ['012345', '56001', '', None, 'abcdef'])
def test_an_invalid_pincode_is_refused(pincode: object) -> None:
    with pytest.raises(ValidationError, match=r'(?i)pincode'):
        listed(make_service().id, pincode)


def test_the_list_is_limited() -> None:
    service = make_service()
    for _ in range(3):
        make_approved_professional(service_id=service.id)
    assert len(listed(service.id, limit=2)) == 2


def test_listing_takes_two_queries_however_many_professionals() -> None:
    service = make_service()
    customer = make_customer()
    for _ in range(4):
        professional = make_approved_professional(service_id=service.id)
        add_review(professional, 5, customer=customer)
        add_review(professional, 4, customer=customer)
    with selects() as statements:
        cards = listed(service.id)
    assert len(cards) == 4
    assert all(len(card.recent_reviews) == 2 for card in cards)
    assert len(statements) == 2
