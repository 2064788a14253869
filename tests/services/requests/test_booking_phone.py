"""Issue 19: a customer with no phone on file gives one when booking (a professional must be able to reach them). It is
checked by the profile's rule and saved to the profile in the booking's own unit: a bad one writes nothing at all."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import ServiceRequest, User
from services import ValidationError, people, requests, session_scope
from tests.factories import accept_request, book_request, make_customer, slot
from tests.services.request_support import NOW, make_market


def phone_of(user_id: int) -> str | None:
    with session_scope() as session:
        return session.scalar(select(User.phone).where(User.id == user_id))


def requests_of(customer_id: int) -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).where(ServiceRequest.customer_id == customer_id))


def test_a_phone_given_with_the_booking_is_saved_to_the_profile_in_its_rule_s_form() -> None:
    market = make_market()
    book_request(market.customer, market.service.id, now=NOW, phone='+91 98450 12345')
    assert phone_of(market.customer.id) == '+919845012345'
    with session_scope() as session:
        assert people.get_profile(session, market.customer).phone == '+919845012345'


@pytest.mark.parametrize(
    ('phone', 'message'),
    [
        ('98450', 'Enter the phone number with its country code, like +919876543210.'),
        ('', 'Phone is required.'),
        ('   ', 'Phone is required.'),
        (12345, 'Phone must be text.'),
    ],
)
def test_a_bad_or_blank_phone_refuses_the_booking_and_writes_nothing(phone: object, message: str) -> None:
    market = make_market()
    with pytest.raises(ValidationError) as refusal:
        book_request(market.customer, market.service.id, now=NOW, phone=phone)
    assert (str(refusal.value), refusal.value.field) == (message, 'phone')
    assert requests_of(market.customer.id) == 0
    assert phone_of(market.customer.id) in (None, '')


def test_a_phone_on_file_is_kept_whatever_the_booking_gives() -> None:
    market = make_market()
    customer = make_customer(phone='+919800000001')
    book_request(customer, market.service.id, now=NOW, phone='+919800000002')  # the profile page changes it, not this
    book_request(customer, market.service.id, now=NOW, phone='98450', at=slot(NOW, index=1))  # not asked: not read
    assert phone_of(customer.id) == '+919800000001'
    assert requests_of(customer.id) == 2


def test_a_booking_that_is_refused_for_another_reason_saves_no_phone_either() -> None:
    market = make_market()
    with pytest.raises(ValidationError, match='Address'):
        book_request(market.customer, market.service.id, now=NOW, phone='+919845012345', address='x' * 301)
    assert phone_of(market.customer.id) in (None, '')


def test_callers_that_do_not_ask_for_a_phone_still_book() -> None:
    market = make_market()  # the demo seeder and older clients book without one
    book_request(market.customer, market.service.id, now=NOW)
    assert requests_of(market.customer.id) == 1
    assert phone_of(market.customer.id) in (None, '')


def test_the_professional_sees_the_phone_once_they_accept() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW, phone='+919845012345')
    with session_scope() as session:
        before = requests.get_request(session, market.pro, request_id=request_id, now=NOW)
    accept_request(market.pro, request_id, now=NOW)
    with session_scope() as session:
        after = requests.get_request(session, market.pro, request_id=request_id, now=NOW)
    assert (before.customer_phone, after.customer_phone) == ('', '+919845012345')
