"""The viewer's requests: the customer's bookings on their home, the professional's inbox and jobs."""

from __future__ import annotations

from nicegui.testing import User

from services import clock
from tests.factories import (
    accept_request,
    book_request,
    make_approved_professional,
    make_customer,
    make_professional,
    make_service,
    slot,
)
from tests.pages.test_home_pages import open_as


def rows_of(user: User, marker: str) -> list[dict]:
    return user.find(marker=marker).elements.pop().rows


async def test_customer_sees_their_requests_with_status_and_price(user: User) -> None:
    service = make_service(name='Plumbing', base_price=49900)
    customer = make_customer(address='12 MG Road', pincode='560001')
    request_id = book_request(customer, service.id, now=clock.now())
    await open_as(user, customer, '/customer/requests', 'customer-requests')
    assert user.find(marker=f'request-{request_id}-link').elements.pop().text.startswith('Plumbing · ')
    await user.should_see('waiting for a professional')
    await user.should_see('₹499.00 · 12 MG Road (560001)')


async def test_customer_without_requests_is_told_so(user: User) -> None:
    await open_as(user, make_customer(), '/customer/requests', 'customer-requests-empty')
    await user.should_see('You have not booked anything yet.')


async def test_professional_inbox_hides_the_address_until_they_accept(user: User) -> None:
    service = make_service(name='Electrical')
    professional = make_approved_professional(service_id=service.id, pincodes='560001')
    customer = make_customer(name='Asha Rao', address='7 Secret Lane', pincode='560001')
    now = clock.now()
    open_id = book_request(customer, service.id, now=now)
    taken_id = book_request(customer, service.id, now=now, at=slot(now, index=1), remarks='second')
    accept_request(professional, taken_id, now=now)
    await open_as(user, professional, '/professional/inbox', f'request-{open_id}')
    await user.should_not_see(marker=f'request-{taken_id}')
    with user.scope(marker=f'request-{open_id}'):
        await user.should_see('560001')
        await user.should_see('You see the address and phone once you accept.')
    await user.should_not_see('7 Secret Lane')
    await user.should_not_see('Asha Rao')
    await user.open('/professional/jobs')
    with user.scope(marker=f'request-{taken_id}'):
        await user.should_see('7 Secret Lane (560001)')
        await user.should_see('Asha Rao')
    await user.should_not_see(marker=f'request-{open_id}')


async def test_pending_professional_has_no_inbox_yet(user: User) -> None:
    await open_as(user, make_professional(), '/professional', 'approval-pending')
    await user.should_not_see(marker='work-waiting')
    await user.open('/professional/inbox')
    await user.should_see('Only approved professionals can take requests.')
    await user.open('/professional/jobs')
    await user.should_see('No upcoming jobs. Accept requests in your inbox.')
