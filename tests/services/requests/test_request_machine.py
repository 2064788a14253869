"""The request lifecycle as a hypothesis state machine: random sequences of every action by every party, with
the clock moving, against the real services and database. A refused action must change nothing; the
invariants of design.md §3 must hold after every step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from models import ProfessionalProfile, Review, ServiceRequest
from models.enums import RequestStatus
from services import Actor, ServiceError, requests, session_scope
from settings import get_settings
from tests.factories import OPERATOR, block, make_approved_professional, make_customer, make_service
from tests.fuzzing import examples
from tests.services.request_support import NOW

R = ServiceRequest
S = RequestStatus
PROS = 3
# what a successful action leaves behind: the status it must have produced
OUTCOME = {
    'accept': S.ASSIGNED,
    'decline': S.REQUESTED,
    'withdraw': S.REQUESTED,
    'complete': S.COMPLETED,
    'close': S.CLOSED,
    'review': S.CLOSED,
    'cancel': S.CANCELLED,
    'admin_cancel': S.CANCELLED,
    'edit': S.REQUESTED,
}


class Lifecycle(RuleBasedStateMachine):
    booked = Bundle('booked')

    def __init__(self) -> None:
        super().__init__()
        self.service = make_service(time_required=120)  # two-hour jobs on a one-hour grid: overlaps happen
        self.customer = make_customer()
        self.pros = [make_approved_professional(service_id=self.service.id) for _ in range(PROS)]
        self.blocked: set[int] = set()
        self.now = NOW
        self.ids: list[int] = []
        self.closed: dict[int, tuple[Any, ...]] = {}

    @initialize(target=booked, days=st.integers(1, 3), index=st.integers(0, 10))
    def first_booking(self, days: int, index: int) -> Any:
        return self.book(days, index, None)

    # --- the customer ---

    @rule(target=booked, days=st.integers(0, 3), index=st.integers(0, 10), addressee=st.none() | st.integers(0, 2))
    def book(self, days: int, index: int, addressee: int | None) -> Any:
        at = self._slot(days, index)
        if at is None:
            return multiple()
        fields = {'requested_professional_id': self.pros[addressee].id} if addressee is not None else {}
        with session_scope(write=True) as session:
            try:
                request_id = requests.book(
                    session, self.customer, service_id=self.service.id, scheduled_at=at, now=self.now, **fields
                )
            except ServiceError:
                return multiple()  # an addressee who was blocked meanwhile
        self.ids.append(request_id)
        return request_id

    @rule(request_id=booked, days=st.integers(0, 3), index=st.integers(0, 10))
    def edit(self, request_id: int, days: int, index: int) -> None:
        at = self._slot(days, index)
        if at is not None:
            self._act('edit', request_id, requests.edit, self.customer, scheduled_at=at)

    @rule(request_id=booked, by_admin=st.booleans())
    def cancel(self, request_id: int, by_admin: bool) -> None:
        if by_admin:
            self._act('admin_cancel', request_id, requests.admin_cancel, OPERATOR, reason='Fraud')
        else:
            self._act('cancel', request_id, requests.cancel, self.customer, reason='Plans changed')

    @rule(request_id=booked, rating=st.integers(1, 5))
    def close(self, request_id: int, rating: int) -> None:
        self._act('close', request_id, requests.close, self.customer, rating=rating)

    @rule(request_id=booked, rating=st.integers(1, 5))
    def review(self, request_id: int, rating: int) -> None:
        self._act('review', request_id, requests.review, self.customer, rating=rating)

    # --- professionals and the admin ---

    @rule(request_id=booked, pro=st.integers(0, PROS - 1))
    def accept(self, request_id: int, pro: int) -> None:
        self._act('accept', request_id, requests.accept, self.pros[pro])

    @rule(request_id=booked, pro=st.integers(0, PROS - 1))
    def decline(self, request_id: int, pro: int) -> None:
        self._act('decline', request_id, requests.decline, self.pros[pro])

    @rule(request_id=booked, pro=st.integers(0, PROS - 1))
    def withdraw(self, request_id: int, pro: int) -> None:
        self._act('withdraw', request_id, requests.withdraw, self.pros[pro], reason='Sick')

    @rule(request_id=booked, pro=st.integers(0, PROS - 1))
    def complete(self, request_id: int, pro: int) -> None:
        self._act('complete', request_id, requests.complete, self.pros[pro])

    @rule(
        request_id=booked,
        pro=st.integers(0, PROS - 1),
        ending=st.sampled_from(['none', 'close', 'late review']),
        rating=st.integers(1, 5),
    )
    def the_whole_job(self, request_id: int, pro: int, ending: str, rating: int) -> None:
        """The long way through: accept, wait for the slot, complete; then close with a rating, or let it
        auto-close and review it later."""
        self.accept(request_id, pro)
        self.now = max(self.now, self._snapshot(request_id)[3])
        self.complete(request_id, pro)
        if ending == 'close':
            self.close(request_id, rating)
        elif ending == 'late review':
            self.now += timedelta(days=8)
            self.sweep()
            self.review(request_id, rating)

    @precondition(lambda self: not self.blocked)
    @rule(pro=st.integers(0, PROS - 1))
    def block_professional(self, pro: int) -> None:
        block(self.pros[pro])
        self.blocked.add(self.pros[pro].id)

    # --- the system and the clock ---

    @rule(hours=st.sampled_from([1, 2, 6, 24, 24 * 8]))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule()
    def sweep(self) -> None:
        with session_scope(write=True) as session:
            requests.expire_due(session, now=self.now)
            requests.auto_close_due(session, now=self.now)
        self._remember_closed()

    # --- invariants ---

    @invariant()
    def one_professional_exactly_when_assigned_or_later(self) -> None:
        for status, professional_id in self._rows(R.service_status, R.professional_id):
            if status in (S.ASSIGNED, S.COMPLETED, S.CLOSED):
                assert professional_id is not None, status
            if status in (S.REQUESTED, S.EXPIRED):
                assert professional_id is None, status

    @invariant()
    def closed_requests_never_change(self) -> None:
        for request_id, before in self.closed.items():
            assert self._snapshot(request_id) == before

    @invariant()
    def reviews_only_after_completion_and_they_add_up(self) -> None:
        with session_scope() as session:
            query = select(Review, R).join(R, R.id == Review.request_id).where(R.id.in_(self.ids))
            for review, request in session.execute(query):
                assert request.service_status is S.CLOSED
                assert request.date_of_completion is not None and review.created_at >= request.date_of_completion
                assert review.professional_id == request.professional_id
            for pro in self.pros:
                totals = session.execute(
                    select(func.count(Review.id), func.coalesce(func.sum(Review.rating), 0)).where(
                        Review.professional_id == pro.id
                    )
                ).one()
                profile = session.get(ProfessionalProfile, pro.id)
                assert (profile.rating_count, profile.rating_sum) == tuple(totals)

    @invariant()
    def no_professional_holds_overlapping_assigned_jobs(self) -> None:
        other = aliased(R)
        with session_scope() as session:
            clashes = session.scalar(
                select(func.count())
                .select_from(R)
                .join(other, other.professional_id == R.professional_id)
                .where(
                    R.id.in_(self.ids),
                    R.id < other.id,
                    R.service_status == S.ASSIGNED,
                    other.service_status == S.ASSIGNED,
                    R.scheduled_at < other.ends_at,
                    other.scheduled_at < R.ends_at,
                )
            )
        assert clashes == 0

    # --- helpers ---

    def _act(self, action: str, request_id: int, function: Callable[..., Any], actor: Actor, **fields: Any) -> None:
        """Run one action in its own unit: on success the request must have the action's outcome (and an accept
        the acting professional); a refusal must leave the request exactly as it was."""
        before = self._snapshot(request_id)
        try:
            with session_scope(write=True) as session:
                function(session, actor, request_id=request_id, now=self.now, **fields)
        except ServiceError:
            assert self._snapshot(request_id) == before, action
            return
        after = self._snapshot(request_id)
        assert after[0] is OUTCOME[action], (action, before, after)
        if action == 'accept':
            assert after[1] == actor.id
        self._remember_closed()

    def _slot(self, days: int, index: int) -> datetime | None:
        day = self.now.astimezone(get_settings().zone).date() + timedelta(days=days)
        offered = requests.available_slots(day, self.service.time_required, now=self.now)
        return offered[index % len(offered)] if offered else None

    def _rows(self, *columns: Any) -> list[Any]:
        with session_scope() as session:
            return list(session.execute(select(*columns).where(R.id.in_(self.ids))))

    def _snapshot(self, request_id: int) -> tuple[Any, ...]:
        with session_scope() as session:
            r = session.get(R, request_id)
            return (r.service_status, r.professional_id, r.requested_professional_id, r.scheduled_at, r.closed_at)

    def _remember_closed(self) -> None:
        for request_id, status in self._rows(R.id, R.service_status):
            if status is S.CLOSED and request_id not in self.closed:
                self.closed[request_id] = self._snapshot(request_id)


@pytest.mark.fuzz
def test_request_lifecycle_keeps_its_invariants(backend: str) -> None:
    run_state_machine_as_test(
        Lifecycle,
        settings=settings(
            max_examples=examples(16),
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
