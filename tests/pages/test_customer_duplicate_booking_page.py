"""`/customer/book/{service_id}` (issue 18): booking the same service for the same slot again is refused with a link to
the request booked before, and nothing new is booked."""

from __future__ import annotations

from datetime import datetime, timedelta

from nicegui import ui
from nicegui.testing import User
from sqlalchemy import func, select

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


async def test_booking_the_same_slot_again_links_the_request_booked_before(user: User) -> None:
    service, customer = make_service(time_required=60), make_customer()
    start = tomorrows_first_slot()
    first = book_request(customer, service.id, now=clock.now(), at=start)
    await open_as(user, customer, f'/customer/book/{service.id}', 'booking-confirm')
    await drawer_settled(user)
    user.find(marker='slot-day').elements.pop().set_value(start.astimezone(get_settings().zone).date().isoformat())
    time = f'{start.astimezone(get_settings().zone):%H:%M}'
    await user.should_see(time)
    user.find(kind=ui.button, content=time).click()
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
