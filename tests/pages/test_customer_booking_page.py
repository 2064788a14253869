"""`/customer/book/{service_id}`: a day chip, then a free time chip; address, pincode, an optional professional and
remarks; the price, the chosen slot and Confirm in the bar at the bottom; checked in the form, then again by the service
layer (a slot or service gone meanwhile says so). The day chips, greyed times and the phone: test_customer_booking_*."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from nicegui.testing import User
from sqlalchemy import select

from components.booking import ChipButton, long_day
from components.words import local_time
from models import ServiceRequest
from models.db import set_publisher
from services import catalog, clock, people, requests, session_scope
from settings import get_settings
from tests.factories import OPERATOR, make_approved_professional, make_customer, make_service
from tests.pages.support import drawer_settled, open_as, path_of

PHONE = '+919845012345'


def tomorrows_slots(minutes: int = 60) -> tuple[str, list[datetime]]:
    zone = get_settings().zone
    day = clock.now().astimezone(zone).date() + timedelta(days=1)
    return day.isoformat(), requests.available_slots(day, minutes)


def label(start: datetime) -> str:
    return local_time(start, get_settings().zone)


def time_of(start: datetime) -> str:
    """A time chip's label: its local start time (the day is chosen above, in the strip of day chips)."""
    return f'{start.astimezone(get_settings().zone):%H:%M}'


def slot_button(user: User, start: datetime) -> ChipButton:
    return user.find(kind=ChipButton, content=time_of(start)).elements.pop()


def requests_of(customer_id: int) -> list[ServiceRequest]:
    with session_scope() as session:
        return list(session.scalars(select(ServiceRequest).where(ServiceRequest.customer_id == customer_id)))


async def choose_tomorrow(user: User, index: int = 0) -> datetime:
    """Press the Tomorrow chip and its `index`-th free time; returns that slot's start."""
    _, starts = tomorrows_slots()
    user.find(marker='slot-day', content='Tomorrow').click()
    await user.should_see(long_day(starts[0].astimezone(get_settings().zone).date()))  # its times are shown
    user.find(marker='slot-button', content=time_of(starts[index])).click()
    await user.should_see(f'Chosen: {label(starts[index])}')
    return starts[index]


def text_of(user: User, marker: str) -> str:
    return user.find(marker=marker).elements.pop().text


def error_of(user: User, marker: str) -> str | None:
    element = user.find(marker=marker).elements.pop()
    return element.props.get('error-message') if element.props.get('error') else None


async def test_customer_books_a_slot_at_their_address(user: User) -> None:
    service = make_service(name='Plumbing', base_price=49900, time_required=60)
    make_approved_professional(service_id=service.id)
    customer = make_customer(address='12 MG Road', pincode='560001')
    await open_as(user, customer, f'/customer/book/{service.id}?pincode=560001', 'booking-confirm')
    await drawer_settled(user)
    await user.should_see('Book Plumbing')
    assert text_of(user, 'booking-price') == '₹499.00'
    assert text_of(user, 'booking-slot') == 'Choose a time'
    assert user.find(marker='booking-address').elements.pop().value == '12 MG Road'
    assert user.find(marker='booking-pincode').elements.pop().value == '560001'

    start = await choose_tomorrow(user, index=2)
    assert slot_button(user, start).props['aria-pressed'] == 'true'
    others = [b for b in user.find(marker='slot-button').elements if b.props['aria-pressed'] == 'true']
    assert others == [slot_button(user, start)]
    ends = start + timedelta(minutes=60)
    assert text_of(user, 'booking-slot') == f'Tomorrow, {time_of(start)} to {time_of(ends)}'
    user.find(marker='booking-phone').type('+91 98450 12345')
    user.find(marker='booking-remarks').type('Kitchen tap drips')
    user.find(marker='booking-confirm').click()

    await user.should_see(marker='booked-notice')
    [stored] = requests_of(customer.id)
    assert path_of(user) == f'/customer/requests/{stored.id}'
    await user.should_see('Booked. We will tell you when a professional accepts it.')
    assert (stored.scheduled_at, stored.address, stored.pincode, stored.remarks, stored.price) == (
        start,
        '12 MG Road',
        '560001',
        'Kitchen tap drips',
        49900,
    )
    assert stored.requested_professional_id is None
    with session_scope() as session:
        assert people.get_profile(session, customer).phone == '+919845012345'  # asked once: now on file


async def test_a_professional_chosen_in_the_search_results_is_asked_first(user: User) -> None:
    service = make_service()
    make_approved_professional(service_id=service.id, name='Someone Else')
    ravi = make_approved_professional(service_id=service.id, name='Ravi Kumar')
    customer = make_customer(phone=PHONE)
    page = f'/customer/book/{service.id}?pincode=560001&professional_id={ravi.id}'
    await open_as(user, customer, page, 'booking-confirm')
    await drawer_settled(user)
    chooser = user.find(marker='booking-requested_professional_id').elements.pop()
    assert chooser.value == str(ravi.id)
    assert 'Ravi Kumar · New: no reviews yet · 5 years' in chooser.options.values()
    await choose_tomorrow(user)
    user.find(marker='booking-confirm').click()
    await user.should_see(marker='booked-notice')
    [stored] = requests_of(customer.id)
    assert stored.requested_professional_id == ravi.id


async def test_another_pincode_lists_its_own_professionals(user: User) -> None:
    service = make_service()
    make_approved_professional(service_id=service.id, name='Near Home', pincodes='560001')
    make_approved_professional(service_id=service.id, name='In Delhi', pincodes='110001')
    await open_as(user, make_customer(pincode='560001'), f'/customer/book/{service.id}', 'booking-confirm')
    await drawer_settled(user)
    chooser = user.find(marker='booking-requested_professional_id').elements.pop()
    assert any('Near Home' in option for option in chooser.options.values())
    pincode = user.find(marker='booking-pincode')
    pincode.clear()
    pincode.type('110001')
    for _ in range(100):
        if any('In Delhi' in option for option in chooser.options.values()):
            break
        await asyncio.sleep(0.02)
    assert not any('Near Home' in option for option in chooser.options.values())
    pincode.clear()
    pincode.type('110099')
    await user.should_see('Nobody serves this pincode yet: your request would wait, and expire if nobody accepts it')
    assert chooser.enabled is False


async def test_the_form_says_what_is_missing_before_asking_the_service(user: User) -> None:
    service = make_service()
    customer = make_customer()
    await open_as(user, customer, f'/customer/book/{service.id}', 'booking-confirm')
    await drawer_settled(user)
    user.find(marker='booking-address').clear()
    user.find(marker='booking-pincode').clear()
    user.find(marker='booking-pincode').type('012345')
    user.find(marker='booking-confirm').click()
    await user.should_see('Choose a time slot first.')
    await user.should_see('Check the form: some details are missing.')
    assert error_of(user, 'booking-address') == 'Enter the address.'
    assert error_of(user, 'booking-pincode') == 'A pincode is 6 digits and does not start with 0.'
    user.find(marker='booking-pincode').clear()
    user.find(marker='booking-pincode').type('560001')
    assert error_of(user, 'booking-pincode') is None  # fixed: the error goes as it is fixed
    assert requests_of(customer.id) == []


async def test_what_only_the_service_layer_refuses_is_shown_on_its_field(user: User) -> None:
    service = make_service()
    customer = make_customer(phone=PHONE)
    await open_as(user, customer, f'/customer/book/{service.id}', 'booking-confirm')
    await drawer_settled(user)
    await choose_tomorrow(user)
    user.find(marker='booking-remarks').type('x' * 1001)  # a browser stops at maxlength; a crafted client does not
    user.find(marker='booking-confirm').click()
    await user.should_see('Remarks must be at most 1000 characters.')
    assert error_of(user, 'booking-remarks') == 'Remarks must be at most 1000 characters.'
    assert requests_of(customer.id) == []


async def test_a_slot_that_became_invalid_meanwhile_is_refused_and_the_day_offered_afresh(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = make_service()
    customer = make_customer(phone=PHONE)
    await open_as(user, customer, f'/customer/book/{service.id}', 'booking-confirm')
    await drawer_settled(user)
    await choose_tomorrow(user)
    monkeypatch.setenv('HSA_MIN_LEAD_HOURS', '72')  # the site now needs three days' notice: tomorrow is too soon
    user.find(marker='booking-confirm').click()
    await user.should_see(marker='slot-error')
    await user.should_see('Book at least 72 hours ahead.')
    await user.should_see('No slot chosen yet.')
    await user.should_see('No free slots left on this day. Choose another day.')
    await user.should_not_see(marker='slot-button')  # every time of the day greyed: too soon now
    assert len(user.find(marker='slot-off').elements) == 12  # 08:00 to 19:00, still shown
    assert requests_of(customer.id) == []


async def test_a_service_retired_meanwhile_is_refused(user: User) -> None:
    service = make_service()
    customer = make_customer(phone=PHONE)
    await open_as(user, customer, f'/customer/book/{service.id}', 'booking-confirm')
    await drawer_settled(user)
    await choose_tomorrow(user)
    set_publisher(None)  # the retirement's event is still on its way (another process, Redis) when the click comes
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=service.id)
    user.find(marker='booking-confirm').click()
    await user.should_see('This service can no longer be booked: it was retired a moment ago.')
    assert requests_of(customer.id) == []


async def test_a_retired_or_missing_service_cannot_be_opened(user: User) -> None:
    service = make_service()
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=service.id)
    await open_as(user, make_customer(), f'/customer/book/{service.id}', 'notice')
    await user.should_see('That service is no longer offered.')
    await user.should_not_see(marker='booking-confirm')
    for missing in ('999999', 'abc'):
        await user.open(f'/customer/book/{missing}')
        await user.should_see('That service does not exist.')


async def test_no_free_slot_at_all_is_said_and_nothing_is_booked(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('HSA_MIN_LEAD_HOURS', '48')
    monkeypatch.setenv('HSA_HORIZON_DAYS', '1')  # nothing is both two days ahead and at most one day ahead
    service = make_service()
    customer = make_customer()
    await open_as(user, customer, f'/customer/book/{service.id}', 'slot-none')
    await drawer_settled(user)
    await user.should_see('No free slots in the coming weeks.')
    user.find(marker='booking-confirm').click()
    await user.should_see('Check the form: some details are missing.')
    assert requests_of(customer.id) == []


async def test_the_cancel_rule_of_the_chosen_slot_is_said_before_confirming(user: User) -> None:
    service = make_service(name='Plumbing', time_required=60)
    make_approved_professional(service_id=service.id)
    customer = make_customer(address='12 MG Road', pincode='560001')
    await open_as(user, customer, f'/customer/book/{service.id}?pincode=560001', 'booking-confirm')
    await drawer_settled(user)
    await user.should_not_see(marker='slot-rule')
    start = await choose_tomorrow(user, index=-1)
    rule = user.find(marker='slot-rule').elements.pop().text
    assert rule == requests.booking_cancel_rule(start)
    assert rule.startswith(('You can cancel at any time until a professional accepts', 'This slot is less than 24'))
    assert {b.text for b in user.find(marker='slot-button').elements} == {time_of(s) for s in tomorrows_slots()[1]}
