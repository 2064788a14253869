"""`/customer/book/{service_id}` (issue 19): a customer with no phone on file is asked for one (the professional who
accepts must be able to call); it is checked by the profile's rule, saved with the booking, and the professional sees
it once they accept. A bad phone is said on its field and nothing is written: no request, no phone."""

from __future__ import annotations

from datetime import timedelta

from nicegui.testing import User
from sqlalchemy import func, select

from components.booking import long_day
from components.forms import FIELD_HINTS
from models import ServiceRequest
from services import Actor, clock, people, requests, session_scope
from settings import get_settings
from tests.factories import accept_request, make_approved_professional, make_customer, make_service
from tests.pages.support import PATIENCE, drawer_settled, open_as, path_of


def phone_on_file(customer: Actor) -> str:
    with session_scope() as session:
        return people.get_profile(session, customer).phone


def requests_of(customer: Actor) -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).where(ServiceRequest.customer_id == customer.id))


def error_of(user: User, marker: str) -> str | None:
    element = user.find(marker=marker).elements.pop()
    return element.props.get('error-message') if element.props.get('error') else None


async def book_tomorrow_at_ten(user: User, customer: Actor, service_id: int) -> None:
    """Open the form, choose tomorrow 10:00, fill the rest in (the phone is left to the test)."""
    await open_as(user, customer, f'/customer/book/{service_id}', 'booking-confirm')
    await drawer_settled(user)
    user.find(marker='slot-day', content='Tomorrow').click()
    tomorrow = clock.now().astimezone(get_settings().zone).date() + timedelta(days=1)
    await user.should_see(long_day(tomorrow))
    user.find(marker='slot-button', content='10:00').click()


async def test_the_phone_is_asked_only_when_none_is_on_file(user: User) -> None:
    service = make_service()
    await open_as(user, make_customer(phone='+919800000001'), f'/customer/book/{service.id}', 'booking-confirm')
    await user.should_not_see(marker='booking-phone')
    await user.open('/logout')
    await open_as(user, make_customer(), f'/customer/book/{service.id}', 'booking-phone')
    phone = user.find(marker='booking-phone').elements.pop()
    wanted = dict(token.split('=', 1) for token in FIELD_HINTS['phone'].split())
    assert {key: phone.props.get(key) for key in wanted} == wanted  # the phone keyboard and autofill
    assert phone.props['hint'] == 'The professional who accepts calls you on it. Saved to your profile.'


async def test_the_phone_is_saved_with_the_booking_and_the_professional_sees_it_after_accepting(user: User) -> None:
    service = make_service(name='Plumbing')
    professional = make_approved_professional(service_id=service.id, pincodes='560001')
    customer = make_customer(pincode='560001')
    await book_tomorrow_at_ten(user, customer, service.id)
    user.find(marker='booking-phone').type('+91 98450-12345')
    user.find(marker='booking-confirm').click()
    await user.should_see(marker='booked-notice', retries=PATIENCE)
    assert phone_on_file(customer) == '+919845012345'
    request_id = int(path_of(user).rsplit('/', 1)[1])

    accept_request(professional, request_id, now=clock.now())
    await user.open('/logout')
    await open_as(user, professional, f'/professional/requests/{request_id}', 'fact-phone')
    [link] = [e for e in user.find(marker='fact-phone').elements.pop().descendants() if e.props.get('href')]
    assert link.props['href'] == 'tel:+919845012345'
    with session_scope() as session:
        assert requests.get_request(session, professional, request_id=request_id).customer_phone == '+919845012345'


async def test_a_bad_phone_is_refused_on_its_field_and_nothing_is_written(user: User) -> None:
    service, customer = make_service(), make_customer()
    await book_tomorrow_at_ten(user, customer, service.id)
    user.find(marker='booking-confirm').click()  # left empty: the form says so before asking the service
    await user.should_see('Check the form: some details are missing.')
    assert error_of(user, 'booking-phone') == 'Enter your phone number.'

    user.find(marker='booking-phone').type('98450 12345')  # no country code: the profile's rule refuses it
    assert error_of(user, 'booking-phone') is None  # fixed as far as the form can tell
    user.find(marker='booking-confirm').click()
    message = 'Enter the phone number with its country code, like +919876543210.'
    await user.should_see(message)
    assert error_of(user, 'booking-phone') == message
    assert (requests_of(customer), phone_on_file(customer)) == (0, '')
    await user.should_see('Chosen: ')  # the slot stays chosen: only the phone needs fixing
