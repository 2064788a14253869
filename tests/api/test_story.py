"""The whole marketplace story through the API alone (issue 20): an admin adds a service, a professional signs up and
is approved, a customer signs up and books, the professional accepts and completes, the customer closes with a
review, the admin exports the closed requests. The audit log and the notifications end up as when the pages do it."""

from __future__ import annotations

import csv
import io

import pytest
from nicegui.testing import User
from sqlalchemy.orm import Session

from models import User as UserEntity
from services import Actor, audit, clock, exports, identity, messaging, session_scope
from tests.api.support import bearer, token_of
from tests.factories import make_admin, slot

PLUMBER = {
    'role': 'professional', 'name': 'Suresh Gowda', 'email': 'suresh@example.com', 'password': 'pipes and wrenches 9',
    'phone': '+919845012345', 'experience_years': 7, 'description': 'Taps, pipes, tanks.', 'pincodes': ['560001'],
}  # fmt: skip
CUSTOMER = {
    'role': 'customer', 'name': 'Meera Iyer', 'email': 'meera@example.com', 'password': 'a quiet kitchen tap',
    'phone': '+919812345678', 'address': '12 MG Road, Bengaluru', 'pincode': '560001',
}  # fmt: skip


async def call(user: User, method: str, path: str, token: str, expected: int, **kwargs: object) -> dict:
    response = await user.http_client.request(method, f'/api/v1{path}', headers=bearer(token), **kwargs)
    assert response.status_code == expected, (method, path, response.text)
    return response.json() if response.content else {}


async def test_the_marketplace_story_through_the_api_alone(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = make_admin()  # admins are made at the command line, never over the network
    admin_token = await token_of(user, admin)
    service = await call(
        user, 'POST', '/services', admin_token, 201,
        json={'name': 'Plumbing', 'category': 'Repairs', 'base_price': 59900, 'time_required': 60},
    )  # fmt: skip

    signed_up = await user.http_client.post('/api/v1/users', json=PLUMBER | {'service_id': service['id']})
    assert signed_up.status_code == 201, signed_up.text
    pro_id = signed_up.json()['user_id']
    pro_token = signed_up.json()['token']
    assert (await call(user, 'GET', '/me', pro_token, 200))['approval_state'] == 'pending'
    await call(user, 'POST', f'/users/{pro_id}/approve', admin_token, 200)

    customer = (await user.http_client.post('/api/v1/users', json=CUSTOMER)).json()
    customer_token = customer['token']
    found = await call(user, 'GET', '/services', customer_token, 200, params={'text': 'plumb'})
    assert [item['id'] for item in found['items']] == [service['id']]
    assert (await call(user, 'GET', '/me', customer_token, 200))['pincode'] == '560001'

    start = slot(clock.now())  # a free start of the real grid
    booked = await call(
        user, 'POST', '/requests', customer_token, 201,
        json={'service_id': service['id'], 'scheduled_at': start.isoformat(), 'remarks': 'Kitchen tap drips'},
    )  # fmt: skip
    inbox = await call(user, 'GET', '/inbox', pro_token, 200)
    assert [item['id'] for item in inbox['items']] == [booked['id']]
    accepted = await call(user, 'POST', f'/requests/{booked["id"]}/accept', pro_token, 200)
    assert accepted['customer']['phone'] == CUSTOMER['phone']

    monkeypatch.setenv('HSA_CLOCK_SHIFT_MINUTES', str(3 * 24 * 60))  # the slot is past; sessions ended meanwhile
    pro_token = await token_of_email(user, PLUMBER)
    customer_token = await token_of_email(user, CUSTOMER)
    admin_token = await token_of(user, admin)
    await call(user, 'POST', f'/requests/{booked["id"]}/complete', pro_token, 200)
    closed = await call(
        user, 'POST', f'/requests/{booked["id"]}/close', customer_token, 200, json={'rating': 5, 'remarks': 'Quick'}
    )
    assert closed['status'] == 'closed'

    export = await call(user, 'POST', '/exports', admin_token, 202, json={})
    exports.run_export(export['id'])  # what the jobs runtime does after the commit
    file = await user.http_client.get(f'/api/v1/exports/{export["id"]}/file', headers=bearer(admin_token))
    rows = list(csv.DictReader(io.StringIO(file.content.decode('utf-8-sig'))))
    assert len(rows) == 1 and 'Meera Iyer' in rows[0].values()

    with session_scope() as session:
        actions = {row.action for row in audit.list_events(session, admin).rows}
        pro_notes = {note.kind for note in messaging.list_notifications(session, actor(session, pro_id))}
        customer_notes = {
            note.kind for note in messaging.list_notifications(session, actor(session, customer['user_id']))
        }
    assert {'service.create', 'professional.approve', 'request.book', 'request.accept', 'request.complete',
            'request.close'} <= actions, actions  # fmt: skip
    assert 'professional.approved' in pro_notes, pro_notes
    assert {'request.accepted', 'request.completed'} <= customer_notes, customer_notes


async def token_of_email(user: User, account: dict) -> str:
    response = await user.http_client.post(
        '/api/v1/tokens', json={'email': account['email'], 'password': account['password']}
    )
    assert response.status_code == 201, response.text
    return response.json()['token']


def actor(session: Session, user_id: int) -> Actor:
    return identity.actor_for(session.get(UserEntity, user_id))
