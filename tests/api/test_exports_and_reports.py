"""Exports and monthly reports over the API (api/exports.py, api/reports.py)."""

from __future__ import annotations

import csv
import io

from nicegui.testing import User

from services import clock, exports
from tests.api.support import bearer, problem_of, token_of
from tests.factories import (
    accept_request,
    book_request,
    make_admin,
    make_approved_professional,
    make_customer,
    make_service,
)


async def test_an_admin_exports_closed_requests_follows_it_and_downloads_the_csv(user: User) -> None:
    admin = make_admin()
    token = await token_of(user, admin)
    started = await user.http_client.post('/api/v1/exports', json={'pincode': '560001'}, headers=bearer(token))
    assert started.status_code == 202, started.text
    export = started.json()
    assert export['state'] == 'queued' and export['download'] is None
    assert started.headers['location'] == f'/api/v1/exports/{export["id"]}'
    exports.run_export(export['id'])  # what the job runner does once the unit commits
    done = (await user.http_client.get(f'/api/v1/exports/{export["id"]}', headers=bearer(token))).json()
    assert done['state'] == 'done' and done['download'] == f'/api/v1/exports/{export["id"]}/file'
    file = await user.http_client.get(done['download'], headers=bearer(token))
    assert file.status_code == 200 and file.headers['content-type'].startswith('text/csv')
    assert 'attachment' in file.headers['content-disposition']
    header = next(csv.reader(io.StringIO(file.content.decode('utf-8-sig'))))
    assert 'Service' in header
    listed = (await user.http_client.get('/api/v1/exports', headers=bearer(token))).json()
    assert [item['id'] for item in listed] == [export['id']]


async def test_someone_else_s_export_is_not_found_and_customers_cannot_export(user: User) -> None:
    token = await token_of(user, make_admin())
    export = (await user.http_client.post('/api/v1/exports', json={}, headers=bearer(token))).json()
    exports.run_export(export['id'])
    other = await token_of(user, make_admin(email='second@example.com'))
    problem_of(await user.http_client.get(f'/api/v1/exports/{export["id"]}', headers=bearer(other)), 404)
    problem_of(await user.http_client.get(f'/api/v1/exports/{export["id"]}/file', headers=bearer(other)), 404)
    customer = await token_of(user, make_customer())
    problem_of(await user.http_client.post('/api/v1/exports', json={}, headers=bearer(customer)), 403)


async def test_a_bad_filter_is_named(user: User) -> None:
    token = await token_of(user, make_admin())
    response = await user.http_client.post('/api/v1/exports', json={'pincode': '12'}, headers=bearer(token))
    assert [error['field'] for error in problem_of(response, 422)['errors']] == ['pincode']


async def test_a_customer_reads_the_report_of_a_month_with_activity(user: User) -> None:
    service = make_service(name='Plumbing', base_price=59900)
    professional = make_approved_professional(service_id=service.id, pincodes=('560001',))
    customer = make_customer(pincode='560001')
    now = clock.now()
    request_id = book_request(customer, service.id, now=now)
    accept_request(professional, request_id, now=now)
    token = await token_of(user, customer)
    months = (await user.http_client.get('/api/v1/reports', headers=bearer(token))).json()
    assert months and months[0]['requests'] == 1
    report = (await user.http_client.get(f'/api/v1/reports/{months[0]["month"]}', headers=bearer(token))).json()
    assert report['booked'] == 1 and [item['id'] for item in report['requests']] == [request_id]
    assert report['requests'][0]['price'] == {'amount': 59900, 'currency': 'INR'}
    problem_of(await user.http_client.get('/api/v1/reports/2025-01', headers=bearer(token)), 404)
    problem_of(await user.http_client.get('/api/v1/reports/soon', headers=bearer(token)), 422)
    problem_of(await user.http_client.get('/api/v1/reports', headers=bearer(await token_of(user, make_admin()))), 403)
