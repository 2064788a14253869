"""`/admin/audit`: the log newest first; filters read from and written to the URL; refusals next to their field;
previous / next pages; the empty state; links to each target; only admins get in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from nicegui.testing import User
from sqlalchemy import delete

from models import AuditEvent
from services import Actor, audit, catalog, session_scope
from tests.factories import (
    book_request,
    make_admin,
    make_customer,
    make_professional,
    make_service,
)
from tests.pages.support import PATIENCE, path_of, table_rows
from tests.pages.test_admin_services_page import open_page, wait_for
from tests.services.request_support import NOW

PAGE = '/admin/audit'


def write(action: str, *, actor: Actor | None = None, at: datetime = NOW, **fields: Any) -> None:
    fields = {'target_type': 'user', 'target_id': None} | fields
    with session_scope(write=True) as session:
        audit.record(session, actor, action, now=at, **fields)


def forget_setup() -> None:
    with session_scope(write=True) as session:
        session.execute(delete(AuditEvent))


def rows(user: User) -> list[dict]:
    return table_rows(user, 'audit-table')


def field_error(user: User, name: str) -> str | None:
    element = user.find(marker=f'audit-{name}').elements.pop()
    return element.props.get('error-message') if element.props.get('error') else None


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# --- the log ------------------------------------------------------------------------------------------------------


async def test_admin_sees_who_did_what_to_which_target_when_and_why(user: User) -> None:
    admin = make_admin(name='Meera', email='meera@example.com')
    customer = make_customer(name='Kiran')
    service = make_service(name='Plumbing')
    request_id = book_request(customer, service.id, now=NOW)
    forget_setup()
    write('user.block', actor=admin, target_id=customer.id, reason='Fake bookings', at=NOW)
    write('request.expire', target_type='service_request', target_id=request_id, at=NOW + timedelta(minutes=1))
    details = {'changed': {'base_price': [49900, 59900]}}
    write('service.edit', actor=admin, target_type='service', target_id=service.id, details=details, at=NOW)
    decided = {'approval_state': ['pending', 'approved']}
    at = NOW - timedelta(minutes=1)
    write(
        'professional.approve', actor=admin, target_type='professional', target_id=customer.id, details=decided, at=at
    )
    await open_page(user, admin, PAGE, 'audit-table')
    found = [{k: row[k] for k in ('when', 'who', 'what', 'target', 'why', 'details')} for row in rows(user)]
    assert found == [
        {
            'when': 'Mon 04 Mar 2030, 09:01:00',
            'who': 'system',
            'what': 'Expired a request nobody accepted',
            'target': 'Plumbing request for Wed 06 Mar 2030, 08:00',
            'why': '',
            'details': '',
        },
        {
            'when': 'Mon 04 Mar 2030, 09:00:00',
            'who': 'Meera <meera@example.com>',
            'what': 'Edited a service',
            'target': 'Plumbing',
            'why': '',
            'details': 'base price: ₹499.00 → ₹599.00',
        },
        {
            'when': 'Mon 04 Mar 2030, 09:00:00',
            'who': 'Meera <meera@example.com>',
            'what': 'Blocked a user',
            'target': 'Kiran',
            'why': 'Fake bookings',
            'details': '',
        },
        {
            'when': 'Mon 04 Mar 2030, 08:59:00',
            'who': 'Meera <meera@example.com>',
            'what': 'Approved a professional',
            'target': 'Kiran',
            'why': '',
            'details': 'approval state: pending → approved',
        },
    ]
    links = [(row['who_link'], row['target_link']) for row in rows(user)]
    assert links == [
        (None, f'/admin/requests/{request_id}'),
        (f'/admin/users/{admin.id}', '/admin/services'),
        (f'/admin/users/{admin.id}', f'/admin/users/{customer.id}'),
        (f'/admin/users/{admin.id}', f'/admin/users/{customer.id}'),
    ]
    await user.should_see('4 events')
    await user.should_not_see(marker='audit-links')  # one page: nowhere to go


async def test_the_log_of_a_fresh_install_says_nothing_was_recorded(user: User) -> None:
    admin = make_admin()
    forget_setup()
    await open_page(user, admin, PAGE, 'audit-empty')
    await user.should_see('Nothing has been recorded yet.')
    await user.should_see('0 events')


# --- filters in the URL ---------------------------------------------------------------------------------------------


async def test_filter_by_action_from_the_url(user: User) -> None:
    admin = make_admin()
    forget_setup()
    write('user.block', reason='first')
    write('user.unblock')
    await open_page(user, admin, f'{PAGE}?action=user.block', 'audit-table')
    assert [row['why'] for row in rows(user)] == ['first']
    assert user.find(marker='audit-action').elements.pop().value == 'user.block'


async def test_filter_by_who_from_the_url(user: User) -> None:
    meera, ravi = make_admin(name='Meera Iyer'), make_admin(name='Ravi')
    forget_setup()
    write('user.block', actor=meera)
    write('user.unblock', actor=ravi)
    await open_page(user, meera, f'{PAGE}?actor=iyer', 'audit-table')
    assert [row['what'] for row in rows(user)] == ['Blocked a user']
    assert user.find(marker='audit-actor').elements.pop().value == 'iyer'


async def test_filter_by_target_type_from_the_url(user: User) -> None:
    admin = make_admin()
    forget_setup()
    write('user.block')
    write('service.retire', target_type='service')
    await open_page(user, admin, f'{PAGE}?target_type=service', 'audit-table')
    assert [row['what'] for row in rows(user)] == ['Retired a service']


async def test_filter_by_one_target_names_it_and_can_be_cleared(user: User) -> None:
    admin = make_admin()
    kiran, asha = make_customer(name='Kiran'), make_customer(name='Asha')
    forget_setup()
    write('user.block', target_id=kiran.id)
    write('user.block', target_id=asha.id)
    await open_page(user, admin, f'{PAGE}?target_type=user&target_id={kiran.id}', 'audit-table')
    assert [row['target'] for row in rows(user)] == ['Kiran']
    await user.should_see('Only events about: Kiran')
    user.find('Show every target').click()
    await user.should_not_see(marker='audit-target-filter', retries=PATIENCE)  # a new page: slow on a busy machine
    assert sorted(row['target'] for row in rows(user)) == ['Asha', 'Kiran']


async def test_filter_by_local_days_from_the_url(user: User) -> None:
    admin = make_admin()
    forget_setup()
    write('user.block', at=datetime(2030, 3, 4, 18, 29, tzinfo=UTC))  # 4 March, 23:59 in Asia/Kolkata
    write('user.unblock', at=datetime(2030, 3, 4, 18, 30, tzinfo=UTC))  # 5 March, 00:00
    await open_page(user, admin, f'{PAGE}?date_from=2030-03-05&date_to=2030-03-05', 'audit-table')
    assert [row['what'] for row in rows(user)] == ['Unblocked a user']
    assert user.find(marker='audit-date_from').elements.pop().value == '2030-03-05'


async def test_applying_the_filters_puts_them_in_the_url(user: User) -> None:
    admin = make_admin()
    forget_setup()
    write('user.block', at=datetime(2030, 3, 5, 6, 0, tzinfo=UTC))
    await open_page(user, admin, PAGE, 'audit-table')
    user.find(marker='audit-actor').type('system')
    user.find(marker='audit-action').elements.pop().value = 'user.block'
    user.find(marker='audit-target_type').elements.pop().value = 'user'
    user.find(marker='audit-date_from').type('2030-03-05')
    user.find(marker='audit-date_to').type('2030-03-06')
    user.find(marker='audit-apply').click()
    await wait_for(lambda: bool(user.client.request.url.query))
    await user.should_see(marker='audit-table', retries=20)
    assert query_of(str(user.client.request.url)) == {
        'actor': ['system'],
        'action': ['user.block'],
        'target_type': ['user'],
        'date_from': ['2030-03-05'],
        'date_to': ['2030-03-06'],
    }
    assert [row['what'] for row in rows(user)] == ['Blocked a user']


async def test_nothing_matching_says_so(user: User) -> None:
    admin = make_admin()
    await open_page(user, admin, f'{PAGE}?actor=nobody-like-this', 'audit-empty')
    await user.should_see('Nothing matches these filters.')


@pytest.mark.parametrize(
    ('query', 'field', 'message'),
    [
        ('date_from=2030-02-30', 'date_from', 'Enter a day like'),
        ('date_to=tomorrow', 'date_to', 'Enter a day like'),
        ('date_from=2030-03-06&date_to=2030-03-05', 'date_to', 'comes before'),
        ('action=user.delete', 'action', 'Choose an action'),
        ('target_type=planet', 'target_type', 'Choose a kind of target'),
        ('target_id=5', 'target_type', 'Choose a kind of target first'),
    ],
)
async def test_a_bad_filter_is_shown_next_to_its_field(user: User, query: str, field: str, message: str) -> None:
    await open_page(user, make_admin(), f'{PAGE}?{query}', f'audit-{field}')
    assert message in (field_error(user, field) or '')
    await user.should_not_see(marker='audit-table')


@pytest.mark.parametrize(
    ('query', 'message'),
    [
        ('target_type=user&target_id=abc', 'That target does not exist.'),
        ('cursor=junk', 'That page link is no longer valid.'),
    ],
)
async def test_a_bad_link_says_so(user: User, query: str, message: str) -> None:
    await open_page(user, make_admin(), f'{PAGE}?{query}', 'audit-problem')
    await user.should_see(message)


# --- pages and links ----------------------------------------------------------------------------------------------


async def test_previous_and_next_walk_the_pages_keeping_the_filters(user: User) -> None:
    admin = make_admin()
    forget_setup()
    for n in range(55):
        write('user.block', reason=f'r{n}', at=NOW + timedelta(seconds=n))
    write('user.unblock', at=NOW + timedelta(hours=1))  # filtered out
    await open_page(user, admin, f'{PAGE}?action=user.block', 'audit-table')
    first = [row['why'] for row in rows(user)]
    assert (len(first), first[0], first[-1]) == (50, 'r54', 'r5')
    await user.should_see('55 events')
    assert not user.find(marker='audit-previous').elements.pop().enabled
    next_url = user.find(marker='audit-next').elements.pop().props['href']
    assert query_of(next_url)['action'] == ['user.block']
    await user.open(next_url)
    await user.should_see(marker='audit-table')
    assert [row['why'] for row in rows(user)] == ['r4', 'r3', 'r2', 'r1', 'r0']
    assert not user.find(marker='audit-next').elements.pop().enabled
    await user.open(user.find(marker='audit-previous').elements.pop().props['href'])
    await user.should_see(marker='audit-table')
    assert [row['why'] for row in rows(user)] == first


# --- who may look -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(('make_actor', 'home'), [(make_customer, '/customer'), (make_professional, '/professional')])
async def test_others_are_sent_home(user: User, make_actor, home: str) -> None:
    await open_page(user, make_actor(), home, 'frame-user-name')
    await user.open(f'{PAGE}?action=user.block')
    await user.should_see(marker='frame-user-name')
    assert path_of(user) == home


async def test_text_from_users_is_shown_as_typed(user: User) -> None:
    admin = make_admin()
    customer = make_customer(name='<script>alert(1)</script>')
    forget_setup()
    write('user.block', actor=admin, target_id=customer.id, reason='<img src=x onerror=alert(1)>')
    with session_scope(write=True) as session:
        catalog.create_service(session, admin, name='{{7*7}}', category='X', base_price=1, time_required=30)
    await open_page(user, admin, PAGE, 'audit-table')
    assert {row['target'] for row in rows(user)} == {'<script>alert(1)</script>', '{{7*7}}'}
    assert '<img src=x onerror=alert(1)>' in {row['why'] for row in rows(user)}
