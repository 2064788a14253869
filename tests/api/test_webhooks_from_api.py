"""A change made through the API fires the same webhooks as one made on a page: the deliveries are written by the
service layer, whichever caller it serves."""

from __future__ import annotations

import pytest
from nicegui.testing import User
from standardwebhooks import Webhook

from services import clock, messaging, session_scope, webhooks
from tests.api.support import bearer, token_of
from tests.conftest import Outside
from tests.factories import make_admin, make_approved_professional, make_customer, make_service, slot


async def test_a_booking_and_an_acceptance_through_the_api_reach_the_webhook(
    user: User, outside: Outside, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('HSA_WEBHOOK_ALLOWED_NETWORKS', '127.0.0.1/32')
    with session_scope(write=True) as session:
        endpoint = webhooks.add_endpoint(
            session,
            make_admin(),
            url=f'{outside.http.url}/hooks/api',
            event_types=['request.booked', 'request.accepted'],
        )
    service = make_service(name='Plumbing')
    professional = make_approved_professional(service_id=service.id, name='Suresh Gowda', phone='+919800000001')
    customer = make_customer(name='Meera Iyer', phone='+919812345678')
    customer_token, pro_token = await token_of(user, customer), await token_of(user, professional)
    body = {'service_id': service.id, 'scheduled_at': slot(clock.now()).isoformat()}
    booked = (await user.http_client.post('/api/v1/requests', json=body, headers=bearer(customer_token))).json()
    path = f'/api/v1/requests/{booked["id"]}'
    etag = (await user.http_client.get(path, headers=bearer(pro_token))).headers['etag']
    accepted = await user.http_client.post(f'{path}/accept', headers=bearer(pro_token) | {'If-Match': etag})
    assert accepted.status_code == 200, accepted.text
    assert len(messaging.deliver_due().sent) == 2
    received = [Webhook(endpoint.secret).verify(r.raw, r.headers) for r in outside.http.to('/hooks/api')]
    assert [r['type'] for r in received] == ['request.booked', 'request.accepted']
    assert received[1]['data']['request']['professional']['name'] == 'Suresh Gowda'
    assert received[1]['data']['request']['customer']['phone'] == '+919812345678'
