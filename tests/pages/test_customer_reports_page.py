"""`/customer/reports`: the months with activity, any month's report as a page and as a PDF (owner only), and the
email's unsubscribe link: a page that asks first, and the one-click POST mail clients send."""

from __future__ import annotations

from nicegui.testing import User

from models import User as Person
from services import reports, session_scope
from tests.factories import make_customer
from tests.pages.support import open_as
from tests.services.reports.report_support import IN_FEBRUARY, closed_job
from tests.services.request_support import make_market


def opted_out(user_id: int) -> bool:
    with session_scope() as session:
        return session.get(Person, user_id).report_opt_out_at is not None


async def test_a_customer_opens_a_month_and_downloads_its_pdf(user: User) -> None:
    market = make_market(name='Deep cleaning', base_price=49_900)
    request_id = closed_job(market.customer, market.pro, market.service.id, booked=IN_FEBRUARY, rating=5)
    await open_as(user, market.customer, '/customer/reports', 'report-months')
    await user.should_see('February 2030')
    user.find(marker='month-2030-02').click()
    await user.should_see(marker='report-totals')
    await user.should_see('₹499.00')
    [row] = user.find(marker='report-requests').elements.pop().rows
    assert (row['id'], row['service'], row['rating']) == (request_id, 'Deep cleaning', '5/5')
    response = await user.http_client.get('/customer/reports/2030-02/pdf')
    assert response.status_code == 200
    assert response.headers['content-type'] == 'application/pdf'
    assert response.headers['content-disposition'].startswith('attachment; filename="household-services-2030-02.pdf"')
    assert response.content.startswith(b'%PDF')


async def test_another_customer_gets_their_own_nothing_and_a_bad_month_a_message(user: User) -> None:
    market = make_market()
    closed_job(market.customer, market.pro, market.service.id, booked=IN_FEBRUARY)
    await open_as(user, make_customer(), '/customer/reports', 'reports-empty')
    assert (await user.http_client.get('/customer/reports/2030-02/pdf')).status_code == 404
    await user.open('/customer/reports/2030-02')
    await user.should_see('You had no activity that month.')
    await user.open('/customer/reports/2030-13')
    await user.should_see('Enter a month like 2026-11.')


async def test_the_unsubscribe_link_asks_then_unsubscribes_without_signing_in(user: User) -> None:
    customer = make_customer(email='meera@example.com')
    token = reports.unsubscribe_url(customer.id).rsplit('/', 1)[1]
    await user.open(f'/unsubscribe/{token}')
    await user.should_see('Stop the monthly activity report for meera@example.com?')
    assert not opted_out(customer.id)
    user.find(marker='unsubscribe-confirm').click()
    await user.should_see('meera@example.com gets no more monthly reports.')
    assert opted_out(customer.id)
    await user.open(f'/unsubscribe/{token}x')
    await user.should_see(marker='unsubscribe-problem')


async def test_one_click_unsubscribe_is_a_post_with_no_cookies(user: User) -> None:
    customer = make_customer()
    token = reports.unsubscribe_url(customer.id).rsplit('/', 1)[1]
    response = await user.http_client.post(f'/unsubscribe/{token}', data={'List-Unsubscribe': 'One-Click'})
    assert (response.status_code, opted_out(customer.id)) == (200, True)
    forged = await user.http_client.post(f'/unsubscribe/{token[:-2]}', data={'List-Unsubscribe': 'One-Click'})
    assert forged.status_code == 400


async def test_the_account_page_switches_the_report_off(user: User) -> None:
    customer = make_customer()
    await open_as(user, customer, '/account', 'account-monthly-report')
    user.find(marker='account-monthly-report').click()
    await user.should_see('No more monthly reports by email.')
    assert opted_out(customer.id)
