"""The admin's audit log: newest first, filtered by who, what, which target and which local days, paged by cursors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, insert

from models import AuditEvent
from services import Actor, PermissionDenied, ValidationError, audit, catalog, people, session_scope
from services.audit import AuditPage
from services.requests import rules as request_rules
from tests.factories import (
    ACTOR_KINDS,
    OPERATOR,
    add_document,
    block,
    book_request,
    make_admin,
    make_customer,
    make_professional,
    make_service,
)
from tests.services.request_support import NOW, selects


def log(actor: Actor | None = OPERATOR, **filters: Any) -> AuditPage:
    with session_scope() as session:
        return audit.list_events(session, actor, **filters)


def write(action: str, *, actor: Actor | None = None, at: datetime = NOW, **fields: Any) -> None:
    fields = {'target_type': 'user', 'target_id': None} | fields
    with session_scope(write=True) as session:
        audit.record(session, actor, action, now=at, **fields)


def forget_setup() -> None:
    """Drop the events the factories wrote, so a test sees only its own."""
    with session_scope(write=True) as session:
        session.execute(delete(AuditEvent))


def actions(page: AuditPage) -> list[str]:
    return [row.action for row in page.rows]


# --- what a row says ----------------------------------------------------------------------------------------------


def test_admin_reads_the_log_newest_first_in_words_with_labels_and_links() -> None:
    admin = make_admin(name='Meera Iyer', email='meera@example.com')
    customer = make_customer(name='Kiran')
    service = make_service(name='Plumbing')
    professional = make_professional(service_id=service.id, name='Ravi')
    forget_setup()
    with session_scope(write=True) as session:
        people.block_user(session, admin, user_id=customer.id, reason='Fake bookings', now=NOW)
        catalog.retire_service(session, admin, service_id=service.id, now=NOW + timedelta(minutes=1))
        people.approve(session, admin, professional_id=professional.id, now=NOW + timedelta(minutes=2))

    page = log(admin)
    assert [(r.action, r.action_words, r.target_label, r.target_link) for r in page.rows] == [
        ('professional.approve', 'Approved a professional', 'Ravi', f'/admin/users/{professional.id}'),
        ('service.retire', 'Retired a service', 'Plumbing', '/admin/services'),
        ('user.block', 'Blocked a user', 'Kiran', f'/admin/users/{customer.id}'),
    ]
    blocked = page.rows[-1]
    assert (blocked.actor_label, blocked.actor_id, blocked.actor_link) == (
        'Meera Iyer <meera@example.com>',
        admin.id,
        f'/admin/users/{admin.id}',
    )
    assert (blocked.occurred_at, blocked.reason, blocked.target_type, blocked.target_id) == (
        NOW,
        'Fake bookings',
        'user',
        customer.id,
    )
    assert (page.total, page.total_label, page.next_cursor, page.previous_cursor) == (3, '3', None, None)
    assert page.timezone == 'Asia/Kolkata'


def test_a_request_is_named_by_its_service_and_local_slot() -> None:
    service = make_service(name='Plumbing')
    customer = make_customer()
    request_id = book_request(customer, service.id, now=NOW)  # Wed 06 Mar 2030, 08:00 in Asia/Kolkata
    [row] = log(action='request.book').rows
    assert (row.action_words, row.target_type, row.target_id) == ('Booked a request', 'service_request', request_id)
    assert row.target_label == 'Plumbing request for Wed 06 Mar 2030, 08:00'
    assert row.target_link == f'/admin/requests/{request_id}'
    assert row.details == {'from': None, 'to': 'requested'}


def test_documents_are_named_by_kind_and_owner_and_a_removed_one_by_its_file_name() -> None:
    professional = make_professional(name='Ravi')
    kept = add_document(professional, filename='licence.pdf', kind='certificate')
    gone = add_document(professional, filename='old-id.pdf')
    with session_scope(write=True) as session:
        people.remove_document(session, professional, document_id=gone)
    rows = {(r.action, r.target_id): r for r in log(target_type='document').rows}
    assert (rows['document.add', kept].target_label, rows['document.add', kept].target_link) == (
        'Certificate of Ravi',
        f'/admin/users/{professional.id}',
    )
    assert (rows['document.remove', gone].target_label, rows['document.remove', gone].target_link) == (
        'Document "old-id.pdf" (removed)',
        None,
    )


def test_every_request_transition_has_words() -> None:
    assert {f'request.{verb}' for verb in request_rules.EVENTS} <= audit.ACTION_WORDS.keys()


def test_system_events_and_rowless_targets_have_no_links() -> None:
    forget_setup()
    write('request.expire', target_type='service_request', target_id=10**9)
    write('user.unlock_sign_in', actor=OPERATOR, target_type='sign_in', details={'email': 'a@example.com'}, at=NOW)
    write('future.thing', target_type='gadget', target_id=7)  # written by code newer than this list
    rows = {row.action: row for row in log().rows}
    expired = rows['request.expire']
    assert (expired.actor_label, expired.actor_id, expired.actor_link) == ('system', None, None)
    assert (expired.target_label, expired.target_link) == ('Request (no longer exists)', None)
    unlock = rows['user.unlock_sign_in']
    assert (unlock.actor_label, unlock.action_words, unlock.target_label) == (
        'operator (command line)',
        'Lifted a sign-in lock',
        'Sign-in lock a@example.com',
    )
    assert (rows['future.thing'].action_words, rows['future.thing'].target_label) == ('future.thing', 'gadget')


def test_target_labels_take_the_same_queries_however_many_rows() -> None:
    def selects_for_a_page() -> int:
        with selects() as statements:
            log(limit=100)
        return len(statements)

    def add_round() -> None:
        professional = make_professional()
        add_document(professional)
        book_request(make_customer(), make_service().id, now=NOW)
        block(make_customer())

    add_round()
    few = selects_for_a_page()
    for _ in range(4):
        add_round()
    assert selects_for_a_page() == few <= 7  # the admin, the count, the page, users, services, requests, documents


# --- filters ------------------------------------------------------------------------------------------------------


def test_filter_by_who_matches_any_part_of_the_name_or_email_in_any_case() -> None:
    meera = make_admin(name='Meera Iyer', email='meera@example.com')
    ravi = make_admin(name='Ravi', email='ravi@example.org')
    forget_setup()
    write('user.block', actor=meera)
    write('user.unblock', actor=ravi)
    write('request.expire')
    assert actions(log(actor_text='IYER')) == ['user.block']
    assert actions(log(actor_text='example.org')) == ['user.unblock']
    assert actions(log(actor_text='  system ')) == ['request.expire']
    assert actions(log(actor_text='%')) == []  # wildcards are plain characters
    assert actions(log(actor_text='_')) == []


def test_filter_by_action() -> None:
    forget_setup()
    write('user.block', at=NOW)
    write('user.unblock', at=NOW + timedelta(seconds=1))
    write('user.block', at=NOW + timedelta(seconds=2))
    page = log(action='user.block')
    assert (actions(page), page.total) == (['user.block', 'user.block'], 2)


def test_filter_by_target_names_the_target() -> None:
    kiran, asha = make_customer(name='Kiran'), make_customer(name='Asha')
    forget_setup()
    write('user.block', target_id=kiran.id)
    write('user.block', target_id=asha.id)
    write('service.retire', target_type='service', target_id=kiran.id)  # same number, another kind of target
    page = log(target_type='user', target_id=str(kiran.id))
    assert [(r.target_type, r.target_id) for r in page.rows] == [('user', kiran.id)]
    assert page.target_label == 'Kiran'
    assert len(log(target_type='user').rows) == 2
    assert log(target_type='user').target_label == ''


def test_days_are_local_calendar_days_in_the_site_timezone() -> None:
    forget_setup()
    # Asia/Kolkata is UTC+05:30: 5 March 2030 runs from 4 March 18:30 to 5 March 18:30 UTC
    for action, moment in [
        ('user.block', datetime(2030, 3, 4, 18, 29, 59, tzinfo=UTC)),
        ('user.unblock', datetime(2030, 3, 4, 18, 30, tzinfo=UTC)),
        ('user.password_reset', datetime(2030, 3, 5, 18, 29, 59, tzinfo=UTC)),
        ('user.password_change', datetime(2030, 3, 5, 18, 30, tzinfo=UTC)),
    ]:
        write(action, at=moment)
    assert actions(log(date_from='2030-03-05', date_to='2030-03-05')) == ['user.password_reset', 'user.unblock']
    assert actions(log(date_from=date(2030, 3, 6))) == ['user.password_change']
    assert actions(log(date_to=' 2030-03-04 ')) == ['user.block']


def test_local_days_follow_a_zone_with_daylight_saving(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('HSA_TIMEZONE', 'Europe/London')
    forget_setup()
    write('user.block', at=datetime(2030, 3, 30, 23, 30, tzinfo=UTC))  # 30 March, 23:30 GMT
    write('user.unblock', at=datetime(2030, 3, 31, 23, 30, tzinfo=UTC))  # 1 April, 00:30 BST
    assert actions(log(date_from='2030-03-31', date_to='2030-03-31')) == []
    assert actions(log(date_from='2030-04-01')) == ['user.unblock']
    assert actions(log(date_to='2030-03-30')) == ['user.block']


@pytest.mark.parametrize(
    ('filters', 'field', 'message'),
    [
        ({'date_from': '2030-13-01'}, 'date_from', 'Enter a day like'),
        ({'date_from': '05/03/2030'}, 'date_from', 'Enter a day like'),
        ({'date_to': 'yesterday'}, 'date_to', 'Enter a day like'),
        ({'date_to': '0001-01-01'}, 'date_to', 'Enter a day like'),
        ({'date_to': '9999-12-31'}, 'date_to', 'Enter a day like'),
        ({'date_from': 20300305}, 'date_from', 'Enter a day like'),
        ({'date_from': datetime(2030, 3, 5, tzinfo=UTC)}, 'date_from', 'Enter a day like'),
        ({'date_from': '2030-03-06', 'date_to': '2030-03-05'}, 'date_to', 'comes before'),
        ({'action': 'user.delete'}, 'action', 'Choose an action'),
        ({'action': ['user.block']}, 'action', 'Choose an action'),
        ({'target_type': 'planet'}, 'target_type', 'Choose a kind of target'),
        ({'target_type': 'user', 'target_id': 'abc'}, 'target_id', 'does not exist'),
        ({'target_type': 'user', 'target_id': '-1'}, 'target_id', 'does not exist'),
        ({'target_type': 'user', 'target_id': '1.5'}, 'target_id', 'does not exist'),
        ({'target_type': 'user', 'target_id': str(2**63)}, 'target_id', 'does not exist'),
        ({'target_type': 'user', 'target_id': True}, 'target_id', 'does not exist'),
        ({'target_id': '5'}, 'target_type', 'Choose a kind of target first'),
        ({'actor_text': 'x' * 101}, 'actor', 'at most 100'),
        ({'actor_text': 'a\x00b'}, 'actor', 'cannot be shown'),
        ({'cursor': 'n12.abc'}, 'cursor', 'no longer valid'),
        ({'cursor': 7}, 'cursor', 'no longer valid'),
        ({'limit': 0}, 'limit', 'between 1 and 100'),
        ({'limit': 'lots'}, 'limit', 'whole number'),
    ],
)
def test_bad_filters_are_refused_with_the_field_named(filters: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as refused:
        log(**filters)
    assert refused.value.field == field


@pytest.mark.parametrize('kind', [k for k in ACTOR_KINDS if k not in {'admin', 'operator'}])
def test_only_admins_read_the_log(kind: str) -> None:
    actor = ACTOR_KINDS[kind]()
    with pytest.raises(PermissionDenied):
        log(actor)


def test_a_blocked_admin_reads_nothing() -> None:
    admin = make_admin()
    block(admin)
    with pytest.raises(PermissionDenied):
        log(admin)


# --- pages --------------------------------------------------------------------------------------------------------


def test_pages_go_forwards_and_backwards_through_events_at_the_same_moment() -> None:
    forget_setup()
    for n in range(7):  # pairs share a moment: the id breaks the tie
        write('user.block', at=NOW + timedelta(seconds=n // 2), details={'n': n})

    def numbers(page: AuditPage) -> list[int]:
        return [row.details['n'] for row in page.rows]

    first = log(limit=3)
    second = log(limit=3, cursor=first.next_cursor)
    third = log(limit=3, cursor=second.next_cursor)
    assert [numbers(first), numbers(second), numbers(third)] == [[6, 5, 4], [3, 2, 1], [0]]
    assert (first.previous_cursor, third.next_cursor) == (None, None)
    assert all(page.total == 7 for page in (first, second, third))
    back = log(limit=3, cursor=third.previous_cursor)
    assert numbers(back) == [3, 2, 1]
    front = log(limit=3, cursor=back.previous_cursor)
    assert (numbers(front), front.previous_cursor) == ([6, 5, 4], None)
    assert numbers(log(limit=3, cursor=front.next_cursor)) == [3, 2, 1]


def test_an_empty_log_has_no_pages() -> None:
    forget_setup()
    page = log()
    assert (page.rows, page.total_label, page.next_cursor, page.previous_cursor) == ((), '0', None, None)


def test_the_count_stops_at_ten_thousand() -> None:
    forget_setup()
    row = {'occurred_at': NOW, 'actor_label': 'system', 'action': 'request.expire', 'target_type': 'service_request'}
    with session_scope(write=True) as session:
        session.execute(insert(AuditEvent), [row | {'target_id': n + 1, 'details': {}} for n in range(10_001)])
    page = log(limit=5)
    assert (page.total, page.total_capped, page.total_label, len(page.rows)) == (10_000, True, '10,000+', 5)
    assert log(action='user.block').total_label == '0'
