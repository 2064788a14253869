from __future__ import annotations

import pytest

from services import NotFound, PermissionDenied, messaging, session_scope
from tests.factories import make_customer, make_professional


def notify(user_id: int, message: str) -> None:
    with session_scope(write=True) as session:
        messaging.notify(session, user_id, 'test', message)


def test_user_sees_their_notifications_newest_first_with_an_unread_count() -> None:
    customer = make_customer()
    notify(customer.id, 'first')
    notify(customer.id, 'second')
    with session_scope() as session:
        rows = messaging.list_notifications(session, customer)
        unread = messaging.count_unread(session, customer)
    assert [r.message for r in rows] == ['second', 'first']
    assert unread == 2


def test_marking_read_lowers_the_unread_count() -> None:
    customer = make_customer()
    notify(customer.id, 'one')
    notify(customer.id, 'two')
    with session_scope(write=True) as session:
        first = messaging.list_notifications(session, customer)[-1]
        messaging.mark_read(session, customer, notification_id=first.id)
    with session_scope() as session:
        assert messaging.count_unread(session, customer) == 1
    with session_scope(write=True) as session:
        assert messaging.mark_all_read(session, customer) == 1
    with session_scope() as session:
        assert messaging.count_unread(session, customer) == 0


def test_someone_elses_notification_does_not_exist_for_you() -> None:
    owner, other = make_customer(), make_professional()
    notify(owner.id, 'private')
    with session_scope() as session:
        note = messaging.list_notifications(session, owner)[0]
        assert messaging.list_notifications(session, other) == []
    with session_scope(write=True) as session, pytest.raises(NotFound):
        messaging.mark_read(session, other, notification_id=note.id)
    with session_scope(write=True) as session, pytest.raises(NotFound):
        messaging.mark_read(session, other, notification_id=999_999)


def test_notifications_page_backwards_by_id() -> None:
    customer = make_customer()
    for n in range(5):
        notify(customer.id, f'n{n}')
    with session_scope() as session:
        first_page = messaging.list_notifications(session, customer, limit=2)
        next_page = messaging.list_notifications(session, customer, before_id=first_page[-1].id, limit=2)
    assert [r.message for r in first_page] == ['n4', 'n3']
    assert [r.message for r in next_page] == ['n2', 'n1']


def test_nobody_signed_out_reads_notifications() -> None:
    with session_scope() as session, pytest.raises(PermissionDenied):
        messaging.list_notifications(session, None)
