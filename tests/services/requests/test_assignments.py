from __future__ import annotations

from datetime import timedelta

import pytest

from models import RequestDismissal
from models.enums import RequestStatus
from services import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
    catalog,
    people,
    requests,
    session_scope,
)
from tests.factories import (
    OPERATOR,
    accept_request,
    block,
    book_request,
    complete_request,
    make_approved_professional,
    make_customer,
    make_professional,
    reject,
    slot,
)
from tests.services.request_support import (
    NOW,
    audits,
    count,
    dismissals,
    make_market,
    messages,
    notes,
    snapshot,
    stored,
)

NOT_OPEN = 'This request is no longer open to you.'


def inbox_ids(professional, *, now=NOW) -> list[int]:
    with session_scope() as session:
        return [row.id for row in requests.list_inbox(session, professional, now=now).rows]


# --- accept -----------------------------------------------------------------------------------------------------------


def test_professional_accepts_open_request_and_the_customer_gets_their_phone() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    accept_request(market.pro, request_id, now=NOW)
    r = stored(request_id)
    assert (r.service_status, r.professional_id, r.assigned_at) == (RequestStatus.ASSIGNED, market.pro.id, NOW)
    [event] = audits('request.accept')
    assert (event.actor_id, event.target_type, event.target_id) == (market.pro.id, 'service_request', request_id)
    assert event.details == {'from': 'requested', 'to': 'assigned'}
    assert notes(market.customer.id) == [('request.accepted', request_id)]
    assert '+919876543210' in messages(market.customer.id)[0]


def test_the_second_professional_is_told_the_request_is_no_longer_open() -> None:
    market = make_market()
    rival = make_approved_professional(service_id=market.service.id)
    request_id = book_request(market.customer, market.service.id, now=NOW)
    accept_request(market.pro, request_id, now=NOW)
    with pytest.raises(InvalidTransition, match=NOT_OPEN):
        accept_request(rival, request_id, now=NOW)
    assert stored(request_id).professional_id == market.pro.id
    assert len(audits('request.accept')) == 1


@pytest.mark.parametrize('case', ['other_service', 'other_pincode', 'addressed_elsewhere', 'started', 'cancelled'])
def test_accept_outside_the_rules_is_refused_and_changes_nothing(case: str) -> None:
    market = make_market()
    pro = {
        'other_service': make_approved_professional,
        'other_pincode': lambda: make_approved_professional(service_id=market.service.id, pincodes='110001'),
    }.get(case, lambda: market.pro)()
    addressee = make_approved_professional(service_id=market.service.id).id if case == 'addressed_elsewhere' else None
    request_id = book_request(market.customer, market.service.id, now=NOW, requested_professional_id=addressee)
    if case == 'cancelled':
        with session_scope(write=True) as session:
            requests.cancel(session, market.customer, request_id=request_id, reason='Changed plans', now=NOW)
    now = stored(request_id).scheduled_at if case == 'started' else NOW
    before = snapshot(request_id)
    with pytest.raises(InvalidTransition, match=NOT_OPEN):
        accept_request(pro, request_id, now=now)
    assert snapshot(request_id) == before
    assert audits('request.accept') == []


@pytest.mark.parametrize('state', ['pending', 'rejected', 'blocked'])
def test_a_professional_who_is_not_approved_or_is_blocked_cannot_accept(state: str) -> None:
    market = make_market()
    pro = make_professional(service_id=market.service.id)
    if state == 'rejected':
        reject(pro)
    if state == 'blocked':
        block(pro)
    request_id = book_request(market.customer, market.service.id, now=NOW)
    with pytest.raises(PermissionDenied):
        accept_request(pro, request_id, now=NOW)
    assert stored(request_id).service_status is RequestStatus.REQUESTED


def test_a_professional_rejected_after_approval_can_no_longer_accept() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    reject(market.pro)
    with pytest.raises(PermissionDenied, match='Only approved professionals'):
        accept_request(market.pro, request_id, now=NOW)


def test_accept_refuses_an_overlapping_job_but_allows_back_to_back_jobs() -> None:
    market = make_market(time_required=120)
    first = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, index=0, minutes=120))  # 08-10
    overlapping = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, index=1, minutes=120))  # 09-11
    adjacent = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, index=2, minutes=120))  # 10-12
    accept_request(market.pro, first, now=NOW)
    with pytest.raises(Conflict, match='already have a job at that time'):
        accept_request(market.pro, overlapping, now=NOW)
    accept_request(market.pro, adjacent, now=NOW)
    assert [stored(i).service_status for i in (first, overlapping, adjacent)] == [
        RequestStatus.ASSIGNED,
        RequestStatus.REQUESTED,
        RequestStatus.ASSIGNED,
    ]


def test_a_completed_job_no_longer_blocks_its_slot() -> None:
    market = make_market()
    at = slot(NOW)
    first = book_request(market.customer, market.service.id, now=NOW, at=at)
    accept_request(market.pro, first, now=NOW)
    second = book_request(make_customer(), market.service.id, now=NOW, at=at)  # a neighbour, the same hour
    with pytest.raises(Conflict):
        accept_request(market.pro, second, now=NOW)
    with session_scope(write=True) as session:
        requests.cancel(session, market.customer, request_id=first, reason='Booked twice', now=NOW)
    accept_request(market.pro, second, now=NOW)


def test_an_open_request_of_a_retired_service_can_still_be_accepted() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=market.service.id)
    accept_request(market.pro, request_id, now=NOW)
    assert stored(request_id).service_status is RequestStatus.ASSIGNED


def test_the_addressee_accepts_a_request_addressed_to_them() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW, requested_professional_id=market.pro.id)
    accept_request(market.pro, request_id, now=NOW)
    assert (stored(request_id).professional_id, stored(request_id).requested_professional_id) == (
        market.pro.id,
        market.pro.id,
    )


# --- decline ----------------------------------------------------------------------------------------------------------


def test_declining_an_open_request_removes_it_from_that_inbox_only() -> None:
    market = make_market()
    colleague = make_approved_professional(service_id=market.service.id)
    request_id = book_request(market.customer, market.service.id, now=NOW)
    before = snapshot(request_id)
    for _ in range(2):  # a second decline is harmless
        with session_scope(write=True) as session:
            requests.decline(session, market.pro, request_id=request_id, now=NOW)
    assert snapshot(request_id) == before
    assert (inbox_ids(market.pro), inbox_ids(colleague)) == ([], [request_id])
    assert dismissals(market.pro.id) == [request_id]
    assert notes(market.customer.id) == []
    [event] = audits('request.decline')
    assert event.details == {
        'from': 'requested',
        'to': 'requested',
        'addressed': False,
        'professional_id': market.pro.id,
    }


def test_declining_an_addressed_request_opens_it_to_all_and_tells_the_customer() -> None:
    market = make_market()
    colleague = make_approved_professional(service_id=market.service.id)
    request_id = book_request(market.customer, market.service.id, now=NOW, requested_professional_id=market.pro.id)
    assert (inbox_ids(market.pro), inbox_ids(colleague)) == ([request_id], [])
    with session_scope(write=True) as session:
        requests.decline(session, market.pro, request_id=request_id, now=NOW)
    r = stored(request_id)
    assert (r.service_status, r.requested_professional_id) == (RequestStatus.REQUESTED, None)
    assert (inbox_ids(market.pro), inbox_ids(colleague)) == ([], [request_id])
    assert notes(market.customer.id) == [('request.declined', request_id)]
    accept_request(colleague, request_id, now=NOW)


def test_declining_a_request_outside_the_inbox_is_refused() -> None:
    market = make_market()
    outsider = make_approved_professional()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    with session_scope(write=True) as session, pytest.raises(InvalidTransition, match=NOT_OPEN):
        requests.decline(session, outsider, request_id=request_id, now=NOW)
    assert count(RequestDismissal) == 0


# --- withdraw ---------------------------------------------------------------------------------------------------------


def test_professional_withdraws_before_the_cutoff_and_the_request_returns_to_the_pool() -> None:
    market = make_market()
    colleague = make_approved_professional(service_id=market.service.id)
    request_id = book_request(
        market.customer, market.service.id, now=NOW, at=slot(NOW, days=3), requested_professional_id=market.pro.id
    )
    accept_request(market.pro, request_id, now=NOW)
    with session_scope(write=True) as session:
        requests.withdraw(session, market.pro, request_id=request_id, reason='Van broke down', now=NOW)
    r = stored(request_id)
    assert (r.service_status, r.professional_id, r.requested_professional_id, r.assigned_at) == (
        RequestStatus.REQUESTED,
        None,
        None,
        None,
    )
    assert (inbox_ids(market.pro), inbox_ids(colleague)) == ([], [request_id])
    [event] = audits('request.withdraw')
    assert (event.reason, event.details['from'], event.details['to']) == ('Van broke down', 'assigned', 'requested')
    assert notes(market.customer.id)[-1] == ('request.withdrawn', request_id)
    assert 'Van broke down' in messages(market.customer.id)[-1]


def test_withdraw_inside_the_cutoff_is_refused() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, days=3))
    accept_request(market.pro, request_id, now=NOW)
    at_cutoff = stored(request_id).scheduled_at - timedelta(hours=24)
    with session_scope(write=True) as session, pytest.raises(InvalidTransition, match='too late to withdraw'):
        requests.withdraw(session, market.pro, request_id=request_id, reason='Sick', now=at_cutoff)
    assert stored(request_id).professional_id == market.pro.id


def test_withdraw_needs_a_reason_and_only_works_on_assigned_jobs() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, days=3))
    accept_request(market.pro, request_id, now=NOW)
    with session_scope(write=True) as session, pytest.raises(ValidationError, match='Reason is required'):
        requests.withdraw(session, market.pro, request_id=request_id, reason=' ', now=NOW)
    with session_scope(write=True) as session:
        requests.withdraw(session, market.pro, request_id=request_id, reason='Sick', now=NOW)
    with session_scope(write=True) as session, pytest.raises(NotFound):  # no longer theirs
        requests.withdraw(session, market.pro, request_id=request_id, reason='Sick', now=NOW)


# --- complete ---------------------------------------------------------------------------------------------------------


def test_professional_completes_a_started_job_and_the_customer_is_asked_to_review() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    accept_request(market.pro, request_id, now=NOW)
    starts = stored(request_id).scheduled_at
    with session_scope(write=True) as session, pytest.raises(InvalidTransition, match='once its time slot has started'):
        requests.complete(session, market.pro, request_id=request_id, now=starts - timedelta(seconds=1))
    complete_request(market.pro, request_id, now=starts)
    r = stored(request_id)
    assert (r.service_status, r.date_of_completion) == (RequestStatus.COMPLETED, starts)
    assert notes(market.customer.id)[-1] == ('request.completed', request_id)
    assert 'Please close it with a rating' in messages(market.customer.id)[-1]
    with pytest.raises(InvalidTransition, match='not in progress'):
        complete_request(market.pro, request_id, now=starts)


def test_a_professional_rejected_after_accepting_still_completes_the_job() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    accept_request(market.pro, request_id, now=NOW)
    reject(market.pro)
    complete_request(market.pro, request_id, now=stored(request_id).scheduled_at)
    assert stored(request_id).service_status is RequestStatus.COMPLETED


def test_a_requested_request_cannot_be_completed() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    with pytest.raises(NotFound):  # not their job
        complete_request(market.pro, request_id, now=stored(request_id).scheduled_at)


# --- knock-on effects of blocking -------------------------------------------------------------------------------------


def test_blocking_a_professional_returns_upcoming_jobs_to_the_pool_and_opens_addressed_requests() -> None:
    market = make_market()
    other_customer = make_customer()
    upcoming = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, days=2))
    started = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, days=1))
    addressed = book_request(
        other_customer, market.service.id, now=NOW, at=slot(NOW, days=3), requested_professional_id=market.pro.id
    )
    accept_request(market.pro, upcoming, now=NOW)
    accept_request(market.pro, started, now=NOW)
    later = stored(started).scheduled_at + timedelta(minutes=10)
    with session_scope(write=True) as session:
        people.block_user(session, OPERATOR, user_id=market.pro.id, reason='Fraud reported', now=later)
    assert (stored(upcoming).service_status, stored(upcoming).professional_id) == (RequestStatus.REQUESTED, None)
    assert (stored(started).service_status, stored(started).professional_id) == (RequestStatus.ASSIGNED, market.pro.id)
    assert (stored(addressed).service_status, stored(addressed).requested_professional_id) == (
        RequestStatus.REQUESTED,
        None,
    )
    assert notes(market.customer.id)[-1] == ('request.released', upcoming)
    assert notes(other_customer.id) == [('request.released', addressed)]
    assert {e.target_id for e in audits('request.release')} == {upcoming, addressed}
    assert all(e.actor_id is None and e.reason == 'The professional was blocked.' for e in audits('request.release'))


def test_blocking_a_customer_cancels_their_open_requests_and_tells_the_professionals() -> None:
    market = make_market()
    requested = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, days=2))
    assigned = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, days=3))
    done = book_request(market.customer, market.service.id, now=NOW, at=slot(NOW, days=1))
    accept_request(market.pro, assigned, now=NOW)
    accept_request(market.pro, done, now=NOW)
    complete_request(market.pro, done, now=stored(done).scheduled_at)
    block(market.customer)
    assert [stored(i).service_status for i in (requested, assigned, done)] == [
        RequestStatus.CANCELLED,
        RequestStatus.CANCELLED,
        RequestStatus.COMPLETED,
    ]
    assert notes(market.pro.id)[-1] == ('request.cancelled', assigned)
    assert {(e.target_id, e.actor_id) for e in audits('request.cancel')} == {(requested, None), (assigned, None)}


def test_release_does_nothing_for_a_user_who_is_not_blocked() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    accept_request(market.pro, request_id, now=NOW)
    with session_scope(write=True) as session:
        assert requests.release_for_blocked_user(session, market.pro.id, now=NOW) == 0
        assert requests.release_for_blocked_user(session, 999_999, now=NOW) == 0
    assert stored(request_id).service_status is RequestStatus.ASSIGNED


def test_a_blocked_professional_cannot_accept_even_a_request_they_saw_a_moment_ago() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    assert inbox_ids(market.pro) == [request_id]
    block(market.pro)
    with pytest.raises(PermissionDenied):
        accept_request(market.pro, request_id, now=NOW)


def test_accepting_what_the_customer_changed_since_it_was_shown_is_refused() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    shown = stored(request_id).updated_at
    with session_scope(write=True) as session:
        requests.edit(
            session,
            market.customer,
            request_id=request_id,
            scheduled_at=slot(NOW, index=4),
            now=NOW + timedelta(minutes=1),
        )
    with session_scope(write=True) as session, pytest.raises(Conflict, match='customer changed this request'):
        requests.accept(session, market.pro, request_id=request_id, seen_updated_at=shown, now=NOW)
    with session_scope(write=True) as session:
        fresh = stored(request_id).updated_at
        requests.accept(session, market.pro, request_id=request_id, seen_updated_at=fresh, now=NOW)
    assert stored(request_id).professional_id == market.pro.id
