"""People for admins, and everyone's notifications, over the API (api/users.py, api/notifications.py)."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from services import clock
from tests.api.support import bearer, problem_of, token_of
from tests.factories import (
    PASSWORD,
    accept_request,
    book_request,
    make_admin,
    make_approved_professional,
    make_customer,
    make_professional,
    make_service,
)


async def test_an_admin_finds_a_pending_professional_and_approves_them(user: User) -> None:
    pending = make_professional(name='Ravi Kumar')
    make_customer()
    token = await token_of(user, make_admin())
    found = (await user.http_client.get('/api/v1/users?status=pending', headers=bearer(token))).json()
    assert [item['id'] for item in found['items']] == [pending.id] and found['next'] is None
    approved = await user.http_client.post(f'/api/v1/users/{pending.id}/approve', headers=bearer(token))
    assert approved.status_code == 200 and approved.json()['approval_state'] == 'approved'
    me = await user.http_client.get('/api/v1/me', headers=bearer(await token_of(user, pending)))
    assert me.json()['approval_state'] == 'approved'


async def test_a_block_ends_the_user_s_tokens_at_once_and_an_unblock_lets_them_back(user: User) -> None:
    customer = make_customer()
    their_token = await token_of(user, customer)
    token = await token_of(user, make_admin())
    blocked = await user.http_client.post(
        f'/api/v1/users/{customer.id}/block', json={'reason': 'Fraud reported'}, headers=bearer(token)
    )
    assert blocked.json()['is_blocked'] is True and blocked.json()['blocked_reason'] == 'Fraud reported'
    problem_of(await user.http_client.get('/api/v1/me', headers=bearer(their_token)), 401)
    refused = await user.http_client.post('/api/v1/tokens', json={'email': customer.email, 'password': PASSWORD})
    problem_of(refused, 403)
    await user.http_client.post(f'/api/v1/users/{customer.id}/unblock', headers=bearer(token))
    assert (await user.http_client.get('/api/v1/me', headers=bearer(await token_of(user, customer)))).status_code == 200


async def test_blocking_an_admin_takes_the_acting_admin_s_password_again(user: User) -> None:
    other = make_admin(email='second@example.com')
    token = await token_of(user, make_admin())
    path = f'/api/v1/users/{other.id}/block'
    unconfirmed = await user.http_client.post(path, json={'reason': 'Left'}, headers=bearer(token))
    assert [error['field'] for error in problem_of(unconfirmed, 422)['errors']] == ['password']
    wrong = await user.http_client.post(path, json={'reason': 'Left', 'password': 'not it'}, headers=bearer(token))
    assert [error['field'] for error in problem_of(wrong, 422)['errors']] == ['password']
    done = await user.http_client.post(path, json={'reason': 'Left', 'password': PASSWORD}, headers=bearer(token))
    assert done.status_code == 200 and done.json()['is_blocked'] is True


@pytest.mark.parametrize('who', ['customer', 'professional'])
async def test_only_admins_see_or_change_people(user: User, who: str) -> None:
    target = make_professional()
    token = await token_of(user, make_customer(email='c@example.com') if who == 'customer' else make_professional())
    calls = [
        ('GET', '/api/v1/users', None),
        ('GET', f'/api/v1/users/{target.id}', None),
        ('POST', f'/api/v1/users/{target.id}/approve', None),
        ('POST', f'/api/v1/users/{target.id}/reject', {'reason': 'No'}),
        ('POST', f'/api/v1/users/{target.id}/block', {'reason': 'No'}),
        ('POST', f'/api/v1/users/{target.id}/unblock', None),
    ]
    for method, path, body in calls:
        problem_of(await user.http_client.request(method, path, json=body, headers=bearer(token)), 403)


async def test_a_customer_reads_their_notifications_and_marks_them_read(user: User) -> None:
    service = make_service()
    professional = make_approved_professional(service_id=service.id, pincodes=('560001',))
    customer = make_customer(pincode='560001')
    now = clock.now()
    request_id = book_request(customer, service.id, now=now)
    accept_request(professional, request_id, now=now)
    token = await token_of(user, customer)
    listed = (await user.http_client.get('/api/v1/notifications', headers=bearer(token))).json()
    accepted = [item for item in listed['items'] if item['kind'] == 'request.accepted']
    assert [item['request_id'] for item in accepted] == [request_id] and listed['unread'] >= 1
    read = await user.http_client.post(f'/api/v1/notifications/{accepted[0]["id"]}/read', headers=bearer(token))
    assert read.status_code == 204
    after = (await user.http_client.get('/api/v1/notifications', headers=bearer(token))).json()
    assert after['unread'] == listed['unread'] - 1
    stranger = await token_of(user, make_customer(email='other@example.com'))
    problem_of(
        await user.http_client.post(f'/api/v1/notifications/{accepted[0]["id"]}/read', headers=bearer(stranger)), 404
    )
    await user.http_client.post('/api/v1/notifications/read', headers=bearer(token))
    assert (await user.http_client.get('/api/v1/notifications', headers=bearer(token))).json()['unread'] == 0
