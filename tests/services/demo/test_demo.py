from __future__ import annotations

from sqlalchemy import func, select

from models import Document, Review, ServiceRequest, User
from models.enums import ApprovalState, RequestStatus, Role
from services import clock, demo, identity, session_scope
from tests.factories import make_admin, make_customer


def test_demo_seeds_every_status_role_and_approval_state_once() -> None:
    logins = demo.seed()
    assert logins is not None
    with session_scope() as session:
        statuses = dict(
            session.execute(
                select(ServiceRequest.service_status, func.count()).group_by(ServiceRequest.service_status)
            ).all()
        )
        roles = dict(session.execute(select(User.role, func.count()).group_by(User.role)).all())
        reviews = session.scalar(select(func.count()).select_from(Review))
        documents = session.scalar(select(func.count()).select_from(Document))
    assert set(statuses) == set(RequestStatus)
    assert roles == {Role.ADMIN: 1, Role.PROFESSIONAL: 11, Role.CUSTOMER: 6}
    assert reviews == statuses[RequestStatus.CLOSED] == 5
    assert documents == 11
    assert demo.seed() is None  # the marker row makes it idempotent


def test_demo_logins_sign_in_as_each_role_and_show_every_approval_state() -> None:
    logins = demo.seed()
    actors = {
        role: identity.sign_in(*pair, client_ip='10.0.0.1').actor
        for role, pair in [('admin', logins.admin), ('pro', logins.professional), ('customer', logins.customer)]
    }
    assert [actors[k].role for k in ('admin', 'pro', 'customer')] == [Role.ADMIN, Role.PROFESSIONAL, Role.CUSTOMER]
    assert actors['pro'].approval_state is ApprovalState.APPROVED
    pending = identity.sign_in(logins.pending_professional, logins.professional[1], client_ip='10.0.0.1').actor
    assert pending.approval_state is ApprovalState.PENDING
    text = demo.describe(logins, base_url='http://127.0.0.1:8080')
    assert logins.admin[1] in text and logins.customer[0] in text


def test_demo_history_is_last_month_and_pending_work_is_ahead() -> None:
    demo.seed()
    with session_scope() as session:
        rows = session.execute(select(ServiceRequest.service_status, ServiceRequest.scheduled_at)).all()
    now = clock.now()
    assert all(at < now for status, at in rows if status in {RequestStatus.CLOSED, RequestStatus.EXPIRED})
    assert all(at > now for status, at in rows if status in {RequestStatus.REQUESTED, RequestStatus.ASSIGNED})


def test_demo_is_only_for_installs_with_nobody_but_admins() -> None:
    make_admin()
    assert demo.needs_seeding()
    make_customer()
    assert not demo.needs_seeding()
