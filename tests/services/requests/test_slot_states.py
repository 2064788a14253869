"""Issue 19: a local day's whole slot grid for the booking form, each start with why it cannot be booked ('' when it
can): already past, too soon, too far ahead, or taken by the customer's own open request for that service then."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from services import Actor, PermissionDenied, ValidationError, requests, session_scope
from settings import get_settings
from tests.factories import OPERATOR, book_request, make_approved_professional, make_customer, make_service
from tests.services.request_support import NOW, make_market

ZONE = get_settings().zone
TODAY = NOW.astimezone(ZONE).date()  # Monday; NOW is 09:00 local


def states(actor: Actor | None, service_id: object, day: object, *, now: datetime = NOW) -> dict[str, str]:
    """'HH:MM' -> why not ('' = bookable), in the order of the grid."""
    with session_scope() as session:
        found = requests.slot_states(session, actor, service_id=service_id, day=day, now=now)
    return {f'{state.start.astimezone(ZONE):%H:%M}': state.why_not for state in found}


def test_today_shows_the_whole_grid_with_past_and_too_soon_starts_saying_why() -> None:
    market = make_market(time_required=60)
    today = states(market.customer, market.service.id, TODAY)
    assert list(today) == [f'{hour:02d}:00' for hour in range(8, 20)]  # 08:00 to 19:00: every start of the grid
    assert today['08:00'] == today['09:00'] == 'Already past'  # 09:00 starts right now
    assert today['10:00'] == 'Too soon to book: book at least 2 hours ahead'
    assert today['11:00'] == ''  # exactly two hours ahead
    assert all(why == '' for time, why in today.items() if time >= '11:00')


def test_a_slot_the_customer_booked_for_this_service_is_taken_but_not_for_others() -> None:
    market = make_market(time_required=60)
    tomorrow = TODAY + timedelta(days=1)
    ten = datetime.combine(tomorrow, datetime.min.time().replace(hour=10), ZONE)
    book_request(market.customer, market.service.id, now=NOW, at=ten)
    mine = states(market.customer, market.service.id, tomorrow)
    assert mine['10:00'] == 'Taken: you already booked this service for this time'
    assert [time for time, why in mine.items() if why] == ['10:00']
    assert states(make_customer(), market.service.id, tomorrow)['10:00'] == ''  # another customer: free
    assert states(market.customer, make_service(time_required=60).id, tomorrow)['10:00'] == ''  # another service


def test_a_cancelled_booking_frees_its_slot_again() -> None:
    market = make_market(time_required=60)
    start = datetime.combine(TODAY + timedelta(days=1), datetime.min.time().replace(hour=10), ZONE)
    request_id = book_request(market.customer, market.service.id, now=NOW, at=start)
    with session_scope(write=True) as session:
        requests.cancel(session, market.customer, request_id=request_id, reason='Wrong day', now=NOW)
    assert states(market.customer, market.service.id, start.date())['10:00'] == ''


def test_the_last_day_of_the_horizon_says_which_starts_are_too_far_ahead() -> None:
    market = make_market(time_required=60)
    last = TODAY + timedelta(days=get_settings().horizon_days)
    found = states(market.customer, market.service.id, last)
    days = get_settings().horizon_days
    assert found['08:00'] == ''  # before 09:00 on the last day: within the horizon
    assert found['10:00'] == f'Too far ahead: book at most {days} days ahead'


def test_the_grid_follows_the_time_the_service_takes() -> None:
    market = make_market(time_required=180)
    found = states(market.customer, market.service.id, TODAY + timedelta(days=1))
    assert list(found)[-1] == '17:00'  # 17:00 + 3 hours = 20:00, the end of the working day


@pytest.mark.parametrize('day', [TODAY - timedelta(days=1), TODAY + timedelta(days=61), date(1, 1, 1), '2030-03-05', 7])
def test_a_day_outside_the_bookable_range_or_not_a_day_is_refused(day: object) -> None:
    market = make_market()
    with pytest.raises(ValidationError, match='Choose a day from the list'):
        states(market.customer, market.service.id, day)


def test_a_retired_or_missing_service_is_refused() -> None:
    customer = make_customer()
    for service_id in (999_999, 'x', None):
        with pytest.raises(ValidationError, match='Choose a service from the list'):
            states(customer, service_id, TODAY)


@pytest.mark.parametrize('who', ['professional', 'operator', 'anonymous'])
def test_only_customers_see_the_booking_grid(who: str) -> None:
    service = make_service()
    actor = {'professional': make_approved_professional(service_id=service.id), 'operator': OPERATOR}.get(who)
    with pytest.raises(PermissionDenied):
        states(actor, service.id, TODAY)
