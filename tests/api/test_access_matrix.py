"""Every route of the API, refused without a token (401) and for every role it is not for (403), read from the API's
own description: a route added later without a row here fails the first test until it gets one."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from nicegui.testing import User

import api
from services import clock
from tests.api.support import bearer, problem_of, token_of
from tests.factories import book_request, make_admin, make_approved_professional, make_customer, make_service

ADMIN, CUSTOMER, PROFESSIONAL = 'admin', 'customer', 'professional'
EVERYONE = frozenset({ADMIN, CUSTOMER, PROFESSIONAL})
BOOKING = {'service_id': 1, 'scheduled_at': '2030-01-07T04:30:00+00:00'}
SERVICE = {'name': 'AC Repair', 'category': 'Appliances', 'base_price': 79900, 'time_required': 90}


@dataclass(frozen=True)
class Route:
    roles: frozenset[str]  # who may call it (whether the object is theirs is each resource's own test)
    body: dict | None = None


# (method, path as described): who may call it; {id} is a request, a service or a user of the fixture's market
ROUTES = {
    ('DELETE', '/tokens/current'): Route(EVERYONE),
    ('GET', '/me'): Route(EVERYONE),
    ('GET', '/services'): Route(EVERYONE),
    ('GET', '/services/{service_id}'): Route(EVERYONE),
    ('POST', '/services'): Route(frozenset({ADMIN}), SERVICE),
    ('PATCH', '/services/{service_id}'): Route(frozenset({ADMIN}), {'name': 'Renamed'}),
    ('POST', '/services/{service_id}/retire'): Route(frozenset({ADMIN})),
    ('POST', '/services/{service_id}/reinstate'): Route(frozenset({ADMIN})),
    ('POST', '/requests'): Route(frozenset({CUSTOMER}), BOOKING),
    ('GET', '/requests'): Route(EVERYONE),
    ('GET', '/inbox'): Route(frozenset({PROFESSIONAL})),
    ('PATCH', '/requests/{request_id}'): Route(frozenset({CUSTOMER}), {'remarks': 'Side door'}),
    ('POST', '/requests/{request_id}/cancel'): Route(frozenset({CUSTOMER, ADMIN}), {'reason': 'Plans changed'}),
    ('POST', '/requests/{request_id}/close'): Route(frozenset({CUSTOMER}), {'rating': 5}),
    ('POST', '/requests/{request_id}/accept'): Route(frozenset({PROFESSIONAL})),
    ('POST', '/requests/{request_id}/decline'): Route(frozenset({PROFESSIONAL})),
    ('POST', '/requests/{request_id}/withdraw'): Route(frozenset({PROFESSIONAL}), {'reason': 'Fell ill'}),
    ('POST', '/requests/{request_id}/complete'): Route(frozenset({PROFESSIONAL})),
    ('GET', '/users'): Route(frozenset({ADMIN})),
    ('GET', '/users/{user_id}'): Route(frozenset({ADMIN})),
    ('POST', '/users/{user_id}/approve'): Route(frozenset({ADMIN})),
    ('POST', '/users/{user_id}/reject'): Route(frozenset({ADMIN}), {'reason': 'Unreadable ID'}),
    ('POST', '/users/{user_id}/block'): Route(frozenset({ADMIN}), {'reason': 'Fraud'}),
    ('POST', '/users/{user_id}/unblock'): Route(frozenset({ADMIN})),
    ('GET', '/notifications'): Route(EVERYONE),
    ('POST', '/notifications/read'): Route(EVERYONE),
    ('POST', '/notifications/{notification_id}/read'): Route(EVERYONE),
    ('POST', '/exports'): Route(frozenset({ADMIN, PROFESSIONAL}), {}),
    ('GET', '/exports'): Route(frozenset({ADMIN, PROFESSIONAL})),
    ('GET', '/exports/{export_id}'): Route(frozenset({ADMIN, PROFESSIONAL})),
    ('GET', '/exports/{export_id}/file'): Route(frozenset({ADMIN, PROFESSIONAL})),
    ('GET', '/reports'): Route(frozenset({CUSTOMER})),
    ('GET', '/reports/{month}'): Route(frozenset({CUSTOMER})),
    # GET /requests/{request_id} and its /history: whoever may see that request (tests/api/test_requests.py)
    ('GET', '/requests/{request_id}'): Route(EVERYONE),
    ('GET', '/requests/{request_id}/history'): Route(EVERYONE),
}
PUBLIC = {('POST', '/tokens'), ('POST', '/users')}  # signing in and signing up


@pytest.fixture
def ids() -> dict[str, int | str]:
    service = make_service()
    professional = make_approved_professional(service_id=service.id)
    request_id = book_request(make_customer(email='booker@example.com'), service.id, now=clock.now())
    return {
        'service_id': service.id,
        'request_id': request_id,
        'user_id': professional.id,
        'notification_id': 1,
        'export_id': 1,
        'month': '2026-11',
    }


def test_every_route_of_the_api_has_a_row() -> None:
    described = {(method.upper(), path) for path, item in api.openapi()['paths'].items() for method in item}
    assert described - PUBLIC == set(ROUTES), 'a new route needs its row in ROUTES'


async def test_without_a_token_every_route_but_signing_in_is_refused(user: User, ids: dict) -> None:
    for (method, path), route in ROUTES.items():
        response = await user.http_client.request(method, f'/api/v1{path.format(**ids)}', json=route.body)
        problem_of(response, 401)


@pytest.mark.parametrize('role', sorted(EVERYONE))
async def test_every_route_refuses_the_roles_it_is_not_for(user: User, ids: dict, role: str) -> None:
    actor = {ADMIN: make_admin, CUSTOMER: make_customer, PROFESSIONAL: make_approved_professional}[role]()
    token = await token_of(user, actor)
    refused = {key: route for key, route in ROUTES.items() if role not in route.roles}
    assert refused
    for (method, path), route in refused.items():
        response = await user.http_client.request(
            method, f'/api/v1{path.format(**ids)}', json=route.body, headers=bearer(token)
        )
        assert response.status_code == 403, (method, path, response.text)
        problem_of(response, 403)
