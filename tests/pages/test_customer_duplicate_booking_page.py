"""`/customer/book/{service_id}` (issues 18 and 19): the slot of a request the customer booked before for this service
is greyed and says why; booked meanwhile (in another tab), Confirm is refused with a link to that request, and nothing
new is booked."""

from __future__ import annotations

from datetime import datetime, timedelta

from nicegui.testing import User
from sqlalchemy import func, select

from components.booking import long_day
from models import ServiceRequest
from services import clock, requests, session_scope
from settings import get_settings
from tests.factories import book_request, make_customer, make_service
from tests.pages.support import PATIENCE, drawer_settled, open_as, path_of


def tomorrows_first_slot() -> datetime:
    day = clock.now().astimezone(get_settings().zone).date() + timedelta(days=1)
    return requests.available_slots(day, 60)[0]


def requests_of(customer_id: int) -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).where(ServiceRequest.customer_id == customer_id))


async def test_a_slot_booked_before_is_greyed_and_says_why(user: User) -> None:
    service, customer = make_service(time_required=60), make_customer(phone='+919845012345')
    start = tomorrows_first_slot()
    book_request(customer, service.id, now=clock.now(), at=start)
    await open_as(user, customer, f'/customer/book/{service.id}', 'booking-confirm')
    await drawer_settled(user)
    user.find(marker='slot-day', content='Tomorrow').click()
    await user.should_see(long_day(start.astimezone(get_settings().zone).date()))
    time = f'{start.astimezone(get_settings().zone):%H:%M}'
    await user.should_not_see(marker='slot-button', content=time)
    taken = user.find(marker='slot-off', content=time).elements.pop()
    assert taken.props['aria-disabled'] == 'true'
    assert taken.props['aria-label'] == f'{time}, Taken: you already booked this service for this time'
    user.find(marker='slot-off', content=time).click()
    await user.should_see(f'{time}: Taken: you already booked this service for this time.')
    await user.should_see('No slot chosen yet.')  # a tap on a greyed time explains; it chooses nothing


async def test_booking_the_same_slot_again_links_the_request_booked_before(user: User) -> None:
    service, customer = make_service(time_required=60), make_customer(phone='+919845012345')
    start = tomorrows_first_slot()
    await open_as(user, customer, f'/customer/book/{service.id}', 'booking-confirm')
    await drawer_settled(user)
    user.find(marker='slot-day', content='Tomorrow').click()
    await user.should_see(long_day(start.astimezone(get_settings().zone).date()))
    time = f'{start.astimezone(get_settings().zone):%H:%M}'
    user.find(marker='slot-button', content=time).click()
    first = book_request(customer, service.id, now=clock.now(), at=start)  # in another tab, a moment ago
    user.find(marker='booking-confirm').click()

    await user.should_see('You already booked this service for this time.', retries=PATIENCE)
    link = user.find(marker='booking-duplicate-link').elements.pop()
    assert link.props['href'] == f'/customer/requests/{first}'
    assert requests_of(customer.id) == 1
    user.find(marker='booking-confirm').click()  # again: still one message, one link
    await user.should_see(marker='booking-duplicate-link')
    assert len(user.find(marker='booking-duplicate-link').elements) == 1

    user.find(marker='booking-duplicate-link').click()
    await user.should_see(marker='request-summary', retries=PATIENCE)
    assert path_of(user) == f'/customer/requests/{first}'
