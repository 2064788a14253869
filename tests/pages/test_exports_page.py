"""Exports on the pages: Export on the admin's requests list (with its filters) and on a professional's jobs page
creates an export whose card moves on live as the job runs (events through the live hub, no reload), then offers
the download; `/exports` lists mine; `GET /exports/{id}` gives the file to its owner only."""

from __future__ import annotations

import asyncio
import csv
import io

import httpx
from nicegui.testing import User

from services import Actor, exports, session_scope
from tests.factories import make_admin, make_approved_professional, make_customer
from tests.pages.support import open_as
from tests.services.reports.report_support import IN_FEBRUARY, closed_job
from tests.services.request_support import make_market


def closed_requests(count: int, *, pincode: str = '560001') -> tuple[list[int], Actor]:
    market = make_market()
    customer = make_customer(name='Asha Verma', pincode=pincode) if pincode != '560001' else market.customer
    ids = [closed_job(customer, market.pro, market.service.id, booked=IN_FEBRUARY) for _ in range(count)]
    return ids, market.pro


def only_export_of(owner: Actor) -> int:
    with session_scope() as session:
        [row] = exports.list_exports(session, owner)
    return row.id


async def download(user: User, export_id: object) -> httpx.Response:
    return await user.http_client.get(f'/exports/{export_id}', follow_redirects=False)


async def test_an_admin_exports_the_filtered_list_and_watches_it_finish_without_reloading(user: User) -> None:
    wanted, _ = closed_requests(2, pincode='560002')
    closed_requests(1)  # in 560001: filtered out
    admin = make_admin()
    await open_as(user, admin, '/admin/requests?pincode=560002', 'export-start')
    user.find(marker='export-start').click()
    await user.should_see('Waiting to start')
    export_id = only_export_of(admin)
    await asyncio.to_thread(exports.run_export, export_id)  # what the job runner does after the commit
    await user.should_see('Ready: 2 rows')
    await user.should_see(marker='export-download')
    response = await download(user, export_id)
    assert response.status_code == 200
    assert response.headers['content-disposition'].startswith('attachment; filename="closed-requests-')
    assert response.headers['cache-control'] == 'no-store'
    assert response.headers['content-type'].startswith('text/csv')
    rows = list(csv.reader(io.StringIO(response.content.decode('utf-8-sig'))))
    assert sorted(int(row[0]) for row in rows[1:]) == sorted(wanted)


async def test_a_professional_exports_their_jobs_and_sees_it_listed_on_exports(user: User) -> None:
    _, professional = closed_requests(3)
    await open_as(user, professional, '/professional/jobs', 'export-start')
    user.find(marker='export-start').click()
    await user.should_see('Waiting to start')
    export_id = only_export_of(professional)
    await asyncio.to_thread(exports.run_export, export_id)
    await user.should_see('Ready: 3 rows')
    await user.open('/exports')
    await user.should_see('My closed jobs')
    await user.should_see('Ready: 3 rows')


async def test_nobody_but_the_owner_downloads_an_export(user: User) -> None:
    _, professional = closed_requests(1)
    with session_scope(write=True) as session:
        export_id = exports.create_export(session, professional).id
    exports.run_export(export_id)
    assert (await download(user, export_id)).headers['location'].startswith('/login?redirect_to=%2Fexports%2F')
    others = [make_approved_professional(), make_admin(), make_customer()]
    for other in others:
        await open_as(user, other, '/account', 'account-channel')
        assert (await download(user, export_id)).status_code == 404
        await user.open('/logout')
    await open_as(user, professional, '/exports', f'export-{export_id}')
    assert (await download(user, export_id)).status_code == 200
    for junk in ('\u00b2', '99999999999999999999', '0', '-1'):
        assert (await download(user, junk)).status_code == 404


async def test_a_customer_has_no_exports_page(user: User) -> None:
    customer = make_customer()
    await open_as(user, customer, '/customer', 'customer-welcome')
    await user.open('/exports')
    await user.should_see(marker='customer-welcome')
