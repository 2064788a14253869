"""Service requests over the API (api/requests.py): a booking's whole life, each step by its own role, with what
each may see; stale ETags; refusals for other roles and for someone else's request (404, as if missing)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from nicegui.testing import User

from services import audit, clock, messaging, session_scope
from tests.api.support import bearer, problem_of, token_of
from tests.factories import make_admin, make_approved_professional, make_customer, make_service, slot


@pytest.fixture
def marketplace() -> dict[str, object]:
    service = make_service(name='Plumbing', base_price=59900)
    professional = make_approved_professional(service_id=service.id, pincodes=('560001',), name='Suresh Gowda')
    customer = make_customer(name='Meera Iyer', pincode='560001', phone='+919812345678')
    return {'service': service, 'professional': professional, 'customer': customer, 'admin': make_admin()}


async def book(user: User, token: str, service_id: int, **fields: object) -> dict:
    at = fields.pop('at', None) or slot(clock.now())
    body = {'service_id': service_id, 'scheduled_at': at.isoformat()} | fields
    response = await user.http_client.post('/api/v1/requests', json=body, headers=bearer(token))
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_booking_from_request_to_review(user: User, marketplace: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    service, professional, customer = marketplace['service'], marketplace['professional'], marketplace['customer']
    customer_token = await token_of(user, customer)
    pro_token = await token_of(user, professional)
    booked = await book(user, customer_token, service.id, remarks='Kitchen tap drips')
    assert booked['status'] == 'requested' and booked['price'] == {'amount': 59900, 'currency': 'INR'}
    assert booked['customer']['name'] == 'Meera Iyer'
    assert datetime.fromisoformat(booked['scheduled_at']).utcoffset() == timedelta(0)  # ISO 8601, its offset said

    inbox = (await user.http_client.get('/api/v1/inbox', headers=bearer(pro_token))).json()
    offered = next(item for item in inbox['items'] if item['id'] == booked['id'])
    assert offered['customer'] is None and offered['address'] is None  # contact details only once accepted

    path = f'/api/v1/requests/{booked["id"]}'
    read = await user.http_client.get(path, headers=bearer(pro_token))
    accepted = await user.http_client.post(
        f'{path}/accept', headers=bearer(pro_token) | {'If-Match': read.headers['etag']}
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()['status'] == 'assigned' and accepted.json()['customer']['phone'] == '+919812345678'

    monkeypatch.setenv('HSA_CLOCK_SHIFT_MINUTES', str(4 * 24 * 60))  # past the slot: the tokens expired meanwhile
    problem_of(await user.http_client.get('/api/v1/me', headers=bearer(pro_token)), 401)
    customer_token, pro_token = await token_of(user, customer), await token_of(user, professional)
    done = await user.http_client.post(f'{path}/complete', headers=bearer(pro_token))
    assert done.json()['status'] == 'completed'
    closed = await user.http_client.post(
        f'{path}/close', json={'rating': 5, 'remarks': 'Quick'}, headers=bearer(customer_token)
    )
    assert closed.json()['status'] == 'closed' and closed.json()['review'] == {'rating': 5, 'remarks': 'Quick'}

    steps = (await user.http_client.get(f'{path}/history', headers=bearer(customer_token))).json()
    assert [step['status_after'] for step in steps if step['status_after']] == [
        'requested',
        'assigned',
        'completed',
        'closed',
    ]
    admin_token = await token_of(user, marketplace['admin'])
    closed_list = await user.http_client.get('/api/v1/requests?status=closed', headers=bearer(admin_token))
    assert [item['id'] for item in closed_list.json()['items']] == [booked['id']]
    with session_scope() as session:
        admin = marketplace['admin']
        actions = [row.action for row in audit.list_events(session, admin, target_type='service_request').rows]
        notified = messaging.list_notifications(session, customer)
    assert {'request.book', 'request.accept', 'request.complete', 'request.close'} <= set(actions), actions
    kinds = {note.kind for note in notified if note.request_id == booked['id']}
    assert {'request.accepted', 'request.completed'} <= kinds, kinds  # as when the pages do it


async def test_a_customer_pages_through_their_requests_with_a_cursor(user: User, marketplace: dict) -> None:
    token = await token_of(user, marketplace['customer'])
    ids = {(await book(user, token, marketplace['service'].id, at=slot(clock.now(), index=i)))['id'] for i in range(3)}
    first = (await user.http_client.get('/api/v1/requests?limit=2', headers=bearer(token))).json()
    assert len(first['items']) == 2 and first['next'] and first['total'] == 3
    rest = (
        await user.http_client.get(f'/api/v1/requests?limit=2&cursor={first["next"]}', headers=bearer(token))
    ).json()
    assert rest['next'] is None
    assert {item['id'] for item in first['items'] + rest['items']} == ids


async def test_a_change_made_after_reading_refuses_a_stale_accept_with_412(user: User, marketplace: dict) -> None:
    customer_token = await token_of(user, marketplace['customer'])
    pro_token = await token_of(user, marketplace['professional'])
    booked = await book(user, customer_token, marketplace['service'].id)
    path = f'/api/v1/requests/{booked["id"]}'
    seen_by_pro = (await user.http_client.get(path, headers=bearer(pro_token))).headers['etag']
    changed = await user.http_client.patch(
        path, json={'remarks': 'Also the shower'}, headers=bearer(customer_token) | {'If-Match': seen_by_pro}
    )
    assert changed.status_code == 200 and changed.headers['etag'] != seen_by_pro
    stale = await user.http_client.post(f'{path}/accept', headers=bearer(pro_token) | {'If-Match': seen_by_pro})
    problem_of(stale, 412)
    assert (await user.http_client.get(path, headers=bearer(pro_token))).json()['status'] == 'requested'


async def test_someone_else_s_request_is_not_found_and_other_roles_are_refused(user: User, marketplace: dict) -> None:
    booked = await book(user, await token_of(user, marketplace['customer']), marketplace['service'].id)
    path = f'/api/v1/requests/{booked["id"]}'
    stranger = await token_of(user, make_customer(email='other@example.com'))
    gone = await user.http_client.get(path, headers=bearer(stranger))
    missing = await user.http_client.get('/api/v1/requests/999999', headers=bearer(stranger))
    assert problem_of(gone, 404)['detail'] == problem_of(missing, 404)['detail']
    problem_of(await user.http_client.post(f'{path}/cancel', json={'reason': 'x'}, headers=bearer(stranger)), 404)
    problem_of(await user.http_client.post(f'{path}/accept', headers=bearer(stranger)), 403)
    problem_of(await user.http_client.get('/api/v1/inbox', headers=bearer(stranger)), 403)


async def test_a_slot_in_the_past_is_a_named_field_error_and_books_nothing(user: User, marketplace: dict) -> None:
    token = await token_of(user, marketplace['customer'])
    past = slot(clock.now()) - timedelta(days=5)
    response = await user.http_client.post(
        '/api/v1/requests',
        json={'service_id': marketplace['service'].id, 'scheduled_at': past.isoformat()},
        headers=bearer(token),
    )
    assert problem_of(response, 422)['errors'][0]['field'] == 'scheduled_at'
    assert (await user.http_client.get('/api/v1/requests', headers=bearer(token))).json()['items'] == []


async def test_a_retried_booking_with_the_same_idempotency_key_books_once(user: User, marketplace: dict) -> None:
    token = await token_of(user, marketplace['customer'])
    body = {'service_id': marketplace['service'].id, 'scheduled_at': slot(clock.now()).isoformat()}
    headers = bearer(token) | {'Idempotency-Key': 'booking-2026-12-07-a'}
    first = await user.http_client.post('/api/v1/requests', json=body, headers=headers)
    again = await user.http_client.post('/api/v1/requests', json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.headers['idempotent-replayed'] == 'false' and again.headers['idempotent-replayed'] == 'true'
    assert again.json()['id'] == first.json()['id']
    assert [
        item['id'] for item in (await user.http_client.get('/api/v1/requests', headers=bearer(token))).json()['items']
    ] == [first.json()['id']]
    other = await user.http_client.post('/api/v1/requests', json=body | {'remarks': 'something else'}, headers=headers)
    assert [error['field'] for error in problem_of(other, 422)['errors']] == ['idempotency_key']
