"""The catalogue over the API (api/catalog.py): search for anyone signed in; add, edit (ETag / If-Match), retire and
reinstate for admins only, with the same audit rows as the admin's page; refusals as problem details."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from services import audit, session_scope
from tests.api.support import bearer, problem_of, token_of
from tests.factories import make_admin, make_customer, make_professional, make_service

NEW = {'name': 'AC Repair', 'category': 'Appliances', 'base_price': 79900, 'time_required': 90}


async def test_anyone_signed_in_searches_the_services_on_offer(user: User) -> None:
    make_service(name='Deep Cleaning', category='Cleaning', base_price=249900)
    make_service(name='Plumbing', category='Repairs')
    retired = make_service(name='Window Cleaning', category='Cleaning')
    admin = make_admin()
    await user.http_client.post(f'/api/v1/services/{retired.id}/retire', headers=bearer(await token_of(user, admin)))
    for actor in (make_customer(), make_professional(), admin):
        response = await user.http_client.get(
            '/api/v1/services?text=clean', headers=bearer(await token_of(user, actor))
        )
        assert response.status_code == 200
        body = response.json()
        assert [item['name'] for item in body['items']] == ['Deep Cleaning'] and body['next'] is None
        assert body['items'][0]['base_price'] == {'amount': 249900, 'currency': 'INR'}


async def test_an_admin_adds_a_service_and_it_is_audited_as_on_the_page(user: User) -> None:
    admin = make_admin()
    response = await user.http_client.post('/api/v1/services', json=NEW, headers=bearer(await token_of(user, admin)))
    assert response.status_code == 201
    created = response.json()
    assert response.headers['location'] == f'/api/v1/services/{created["id"]}'
    assert response.headers['etag'] == f'"{created["version"]}"'
    assert created['name'] == 'AC Repair' and created['is_active'] is True
    with session_scope() as session:
        events = audit.list_events(session, admin, action='service.create').rows
    assert [(event.target_id, event.actor_id) for event in events] == [(created['id'], admin.id)]


async def test_bad_fields_are_named_and_change_nothing(user: User) -> None:
    token = await token_of(user, make_admin())
    response = await user.http_client.post('/api/v1/services', json=NEW | {'base_price': -5}, headers=bearer(token))
    assert [error['field'] for error in problem_of(response, 422)['errors']] == ['base_price']
    response = await user.http_client.post('/api/v1/services', json=NEW | {'base_price': 'lots'}, headers=bearer(token))
    assert [error['field'] for error in problem_of(response, 422)['errors']] == ['base_price']
    listed = await user.http_client.get('/api/v1/services', headers=bearer(token))
    assert listed.json()['items'] == []


async def test_a_taken_name_is_a_conflict(user: User) -> None:
    make_service(name='AC Repair')
    token = await token_of(user, make_admin())
    response = await user.http_client.post('/api/v1/services', json=NEW | {'name': 'ac  repair'}, headers=bearer(token))
    problem_of(response, 409)


async def test_an_edit_with_a_stale_etag_is_refused_with_412_and_changes_nothing(user: User) -> None:
    service = make_service(name='Plumbing')
    token = await token_of(user, make_admin())
    read = await user.http_client.get(f'/api/v1/services/{service.id}', headers=bearer(token))
    etag = read.headers['etag']
    first = await user.http_client.patch(
        f'/api/v1/services/{service.id}', json={'base_price': 59900}, headers=bearer(token) | {'If-Match': etag}
    )
    assert first.status_code == 200 and first.json()['base_price']['amount'] == 59900
    assert first.headers['etag'] != etag
    stale = await user.http_client.patch(
        f'/api/v1/services/{service.id}', json={'base_price': 10000}, headers=bearer(token) | {'If-Match': etag}
    )
    problem_of(stale, 412)
    now = await user.http_client.get(f'/api/v1/services/{service.id}', headers=bearer(token))
    assert now.json()['base_price']['amount'] == 59900


async def test_retire_and_reinstate(user: User) -> None:
    service = make_service()
    token = await token_of(user, make_admin())
    retired = await user.http_client.post(f'/api/v1/services/{service.id}/retire', headers=bearer(token))
    assert retired.json()['is_active'] is False
    listed = await user.http_client.get('/api/v1/services?include_retired=true', headers=bearer(token))
    assert [item['is_active'] for item in listed.json()['items']] == [False]
    back = await user.http_client.post(f'/api/v1/services/{service.id}/reinstate', headers=bearer(token))
    assert back.json()['is_active'] is True


@pytest.mark.parametrize('who', ['customer', 'professional'])
async def test_only_admins_change_the_catalogue(user: User, who: str) -> None:
    service = make_service()
    token = await token_of(user, make_customer() if who == 'customer' else make_professional())
    calls = [
        ('POST', '/api/v1/services', NEW),
        ('PATCH', f'/api/v1/services/{service.id}', {'name': 'Renamed'}),
        ('POST', f'/api/v1/services/{service.id}/retire', None),
        ('POST', f'/api/v1/services/{service.id}/reinstate', None),
        ('GET', '/api/v1/services?include_retired=true', None),
    ]
    for method, path, body in calls:
        response = await user.http_client.request(method, path, json=body, headers=bearer(token))
        problem_of(response, 403)
    read = await user.http_client.get(f'/api/v1/services/{service.id}', headers=bearer(token))
    assert read.json()['name'] == service.name


async def test_a_retired_service_is_not_found_for_customers_as_one_that_never_was(user: User) -> None:
    service = make_service()
    admin_token = await token_of(user, make_admin())
    await user.http_client.post(f'/api/v1/services/{service.id}/retire', headers=bearer(admin_token))
    token = await token_of(user, make_customer())
    retired = await user.http_client.get(f'/api/v1/services/{service.id}', headers=bearer(token))
    missing = await user.http_client.get('/api/v1/services/999999', headers=bearer(token))
    assert problem_of(retired, 404)['status'] == problem_of(missing, 404)['status']
    assert (
        await user.http_client.get(f'/api/v1/services/{service.id}', headers=bearer(admin_token))
    ).status_code == 200
