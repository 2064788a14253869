"""Tokens (api/tokens.py): the sign-in page's own rules over HTTP, a token that works until it is revoked (by the
client, or on /account), and what a request without one gets."""

from __future__ import annotations

import asyncio
import sqlite3

import httpx
from nicegui.testing import User
from sqlalchemy import select, update

from models import AuthSession, SignInAttempt
from models.db import get_engine
from models.enums import Role, SignInOutcome
from services import clock, identity, session_scope
from services.core import cache
from tests.api.support import bearer, problem_of, token_of
from tests.factories import block, make_customer, make_professional


async def test_no_answer_of_the_api_is_kept_by_a_browser_or_proxy(user: User) -> None:
    token = await token_of(user, make_customer())
    for response in (
        await user.http_client.get('/api/v1/me', headers=bearer(token)),
        await user.http_client.get('/api/v1/me'),  # a refusal too
        await user.http_client.get('/api/v1/no-such-thing'),
    ):
        assert response.headers['cache-control'] == 'no-store'
        assert response.headers['x-content-type-options'] == 'nosniff'  # and the edge's own headers, as on the pages


async def test_a_token_names_its_user_and_works_as_a_bearer(user: User) -> None:
    customer = make_customer(name='Meera Iyer', pincode='560001')
    response = await user.http_client.post(
        '/api/v1/tokens', json={'email': customer.email, 'password': 'correct horse battery'}
    )
    assert response.status_code == 201
    issued = response.json()
    assert issued['token_type'] == 'Bearer' and issued['role'] == 'customer' and issued['user_id'] == customer.id
    me = await user.http_client.get('/api/v1/me', headers=bearer(issued['token']))
    assert me.status_code == 200
    assert (
        me.json().items() >= {'id': customer.id, 'role': 'customer', 'name': 'Meera Iyer', 'pincode': '560001'}.items()
    )


async def test_a_professional_sees_their_approval_state(user: User) -> None:
    professional = make_professional()
    me = (await user.http_client.get('/api/v1/me', headers=bearer(await token_of(user, professional)))).json()
    assert me['role'] == Role.PROFESSIONAL.value and me['approval_state'] == 'pending' and me['service']


async def test_a_wrong_password_is_refused_as_on_the_sign_in_page_and_recorded(user: User) -> None:
    customer = make_customer()
    response = await user.http_client.post('/api/v1/tokens', json={'email': customer.email, 'password': 'wrong one'})
    assert problem_of(response, 401)['detail'] == 'Email or password is incorrect.'
    with session_scope() as session:
        attempts = session.scalars(select(SignInAttempt).where(SignInAttempt.user_id == customer.id)).all()
        assert [(attempt.outcome, attempt.client_ip) for attempt in attempts] == [(SignInOutcome.FAILED, '127.0.0.1')]


async def test_too_many_failures_are_throttled_with_retry_after(user: User) -> None:
    customer = make_customer()
    for _ in range(5):
        await user.http_client.post('/api/v1/tokens', json={'email': customer.email, 'password': 'wrong one'})
    response = await user.http_client.post(
        '/api/v1/tokens', json={'email': customer.email, 'password': 'correct horse battery'}
    )
    problem_of(response, 429)
    assert int(response.headers['retry-after']) > 0


async def test_a_missing_field_is_named(user: User) -> None:
    response = await user.http_client.post('/api/v1/tokens', json={'email': 'a@example.com'})
    assert problem_of(response, 422)['errors'] == [{'field': 'password', 'message': 'Field required'}]


async def test_without_a_token_or_with_a_bad_one_the_answer_is_401(user: User) -> None:
    for headers in ({}, bearer('not-a-token'), {'Authorization': 'Basic abc'}):
        response = await user.http_client.get('/api/v1/me', headers=headers)
        problem_of(response, 401)
        assert response.headers['www-authenticate'] == 'Bearer'


async def test_signing_out_ends_the_token_at_once(user: User) -> None:
    token = await token_of(user, make_customer())
    assert (await user.http_client.delete('/api/v1/tokens/current', headers=bearer(token))).status_code == 204
    problem_of(await user.http_client.get('/api/v1/me', headers=bearer(token)), 401)


async def test_a_token_is_listed_on_account_and_ending_it_there_refuses_it_at_once(user: User) -> None:
    customer = make_customer()
    token = await token_of(user, customer)
    assert (await user.http_client.get('/api/v1/me', headers=bearer(token))).status_code == 200  # remembered now
    with session_scope() as session:
        listed = identity.list_sessions(session, customer, key='')
    assert [row.user_agent for row in listed] == [f'python-httpx/{httpx.__version__}']
    with session_scope(write=True) as session:
        identity.sign_out_session(session, customer, session_id=listed[0].id)
    problem_of(await user.http_client.get('/api/v1/me', headers=bearer(token)), 401)


async def test_a_blocked_user_s_token_stops_working(user: User) -> None:
    customer = make_customer()
    token = await token_of(user, customer)
    assert (await user.http_client.get('/api/v1/me', headers=bearer(token))).status_code == 200  # remembered now
    block(customer)
    problem_of(await user.http_client.get('/api/v1/me', headers=bearer(token)), 401)


async def test_a_bad_token_on_a_write_is_refused_without_waiting_for_the_write_lock(user: User) -> None:
    """The token is looked up in a read before the call's write unit asks for SQLite's write lock: a stream of calls
    with a made-up token never queues behind the writers, nor holds them up."""
    token = await token_of(user, make_customer())
    writer = sqlite3.connect(get_engine().url.database, isolation_level=None)
    try:
        writer.execute('BEGIN IMMEDIATE')  # another process in the middle of a booking
        problem_of(await user.http_client.post('/api/v1/notifications/read', headers=bearer('made-up')), 401)
        problem_of(await user.http_client.post('/api/v1/notifications/read', headers=bearer(f'{token}x')), 401)
    finally:
        writer.close()
    assert (await user.http_client.post('/api/v1/notifications/read', headers=bearer(token))).status_code == 204


async def test_an_ending_no_event_announced_is_honoured_once_the_two_seconds_of_memory_pass(user: User) -> None:
    """Who a token belongs to is remembered for two seconds (services/core/cache.py VIEWERS): what ends a session
    without an event this process hears (a command-line sign-out of another process, without Redis) refuses it
    within that time; every ending through the services is heard at once (the tests above)."""
    customer = make_customer()
    token = await token_of(user, customer)
    assert (await user.http_client.get('/api/v1/me', headers=bearer(token))).status_code == 200
    with session_scope(write=True) as session:  # as another process would: past the services, no event
        session.execute(update(AuthSession).where(AuthSession.user_id == customer.id).values(revoked_at=clock.now()))
    assert (await user.http_client.get('/api/v1/me', headers=bearer(token))).status_code == 200  # remembered
    await asyncio.sleep(cache.VIEWERS.ttl_seconds + 0.1)
    problem_of(await user.http_client.get('/api/v1/me', headers=bearer(token)), 401)


async def test_an_unknown_api_address_is_a_problem_not_a_page(user: User) -> None:
    response = await user.http_client.get('/api/v1/no-such-thing')
    assert problem_of(response, 404)['detail'] == 'There is no GET /api/v1/no-such-thing.'
    problem_of(await user.http_client.get('/api/v1', follow_redirects=True), 404)  # the API's root: the API's answer


async def test_a_known_address_with_a_wrong_method_is_405_naming_the_right_ones(user: User) -> None:
    response = await user.http_client.put('/api/v1/services/1')
    assert problem_of(response, 405)['detail'] == '/api/v1/services/1 takes GET, PATCH, not PUT.'
    assert response.headers['allow'] == 'GET, PATCH'


NEW_CUSTOMER = {
    'role': 'customer',
    'name': 'Asha Rao',
    'email': 'asha@example.com',
    'password': 'a quiet kitchen tap',
    'address': '4 Church St, Bengaluru',
    'pincode': '560001',
}


async def test_signing_up_gives_a_token_and_bad_fields_are_named(user: User) -> None:
    bad = await user.http_client.post('/api/v1/users', json=NEW_CUSTOMER | {'pincode': '0123'})
    assert [error['field'] for error in problem_of(bad, 422)['errors']] == ['pincode']
    admin = await user.http_client.post('/api/v1/users', json=NEW_CUSTOMER | {'role': 'admin'})
    problem_of(admin, 422)  # admins are made at the command line
    made = await user.http_client.post('/api/v1/users', json=NEW_CUSTOMER)
    assert made.status_code == 201 and made.json()['role'] == 'customer'
    me = await user.http_client.get('/api/v1/me', headers=bearer(made.json()['token']))
    assert me.json()['email'] == 'asha@example.com'
    again = await user.http_client.post('/api/v1/users', json=NEW_CUSTOMER)
    assert problem_of(again, 409)['detail'].startswith('An account with this email already exists.')
