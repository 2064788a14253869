"""`/customer/book/{service_id}` (issue 19): the days as a strip of chips (Today, Tomorrow, then 'Wed 9'), the chosen
day's whole grid of times as chips (those that cannot be booked greyed, saying why when tapped) and the bar at the
bottom saying the chosen slot. The site's clock is set to 09:00 local, so today still has slots and some past ones."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from nicegui.testing import User

from components.booking import long_day
from services import clock
from settings import get_settings
from tests.factories import make_customer, make_service
from tests.pages.support import drawer_settled, open_as

GRID = [f'{hour:02d}:00' for hour in range(8, 20)]  # a one-hour job: 08:00 to 19:00


@pytest.fixture
def nine_in_the_morning(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Run the site's clock ahead to the next 09:00 local (clock_shift_minutes, a real setting); returns that now."""
    zone = get_settings().zone
    local = clock.now().astimezone(zone)
    nine = datetime.combine(local.date(), time(9), zone)
    nine += timedelta(days=1) if nine <= local + timedelta(minutes=1) else timedelta()
    monkeypatch.setenv('HSA_CLOCK_SHIFT_MINUTES', str(int((nine - local).total_seconds() // 60)))
    return clock.now().astimezone(zone)


def texts(user: User, marker: str) -> list[str]:
    return [element.text for element in sorted(user.find(marker=marker).elements, key=lambda e: e.id)]


async def open_booking(user: User) -> None:
    service = make_service(time_required=60)
    await open_as(user, make_customer(phone='+919845012345'), f'/customer/book/{service.id}', 'booking-confirm')
    await drawer_settled(user)


async def test_the_days_are_chips_today_tomorrow_then_weekday_and_date(
    user: User, nine_in_the_morning: datetime
) -> None:
    await open_booking(user)
    chips = texts(user, 'slot-day')
    after = nine_in_the_morning.date() + timedelta(days=2)
    assert chips[:3] == ['Today', 'Tomorrow', f'{after:%a} {after.day}']  # 'Wed 9'
    assert len(chips) == get_settings().horizon_days + 1  # every day to the horizon has a slot
    [today] = [chip for chip in user.find(marker='slot-day').elements if chip.text == 'Today']
    assert today.props['aria-pressed'] == 'true'  # the first day is chosen
    assert today.props['aria-label'] == f'Today, {long_day(nine_in_the_morning.date())}'  # 'Today, Wednesday 9 ...'
    [third] = [chip for chip in user.find(marker='slot-day').elements if chip.text == chips[2]]
    assert third.props['aria-label'] == f'{chips[2]} {after:%B %Y}'  # 'Wed 9 December 2026': the visible words first


async def test_today_greys_the_times_that_are_past_or_too_soon_and_a_tap_says_why(
    user: User, nine_in_the_morning: datetime
) -> None:
    await open_booking(user)
    assert sorted(texts(user, 'slot-off') + texts(user, 'slot-button')) == GRID  # the whole day, times alone
    assert texts(user, 'slot-off') == ['08:00', '09:00', '10:00']
    user.find(marker='slot-off', content='08:00').click()
    await user.should_see('08:00: Already past.')
    user.find(marker='slot-off', content='10:00').click()
    await user.should_see('10:00: Too soon to book: book at least 2 hours ahead.')
    assert user.find(marker='booking-slot').elements.pop().text == 'Choose a time'  # nothing was chosen

    user.find(marker='slot-button', content='11:00').click()
    await user.should_see('Chosen: ')
    await user.should_not_see('10:00: Too soon to book')  # a choice replaces the explanation
    assert user.find(marker='booking-slot').elements.pop().text == 'Today, 11:00 to 12:00'


async def test_choosing_another_day_shows_its_times_and_keeps_the_chosen_slot(
    user: User, nine_in_the_morning: datetime
) -> None:
    await open_booking(user)
    user.find(marker='slot-button', content='15:00').click()
    user.find(marker='slot-day', content='Tomorrow').click()
    await user.should_see(long_day(nine_in_the_morning.date() + timedelta(days=1)))
    assert texts(user, 'slot-button') == GRID  # tomorrow: every time free
    await user.should_not_see(marker='slot-off')
    assert all(chip.props['aria-pressed'] == 'false' for chip in user.find(marker='slot-button').elements)
    assert user.find(marker='booking-slot').elements.pop().text == 'Today, 15:00 to 16:00'  # until another is chosen
    user.find(marker='slot-button', content='08:00').click()
    assert user.find(marker='booking-slot').elements.pop().text == 'Tomorrow, 08:00 to 09:00'
    later = nine_in_the_morning.date() + timedelta(days=5)
    user.find(marker='slot-day', content=f'{later:%a} {later.day}').click()
    await user.should_see(long_day(later))
    user.find(marker='slot-button', content='19:00').click()
    assert user.find(marker='booking-slot').elements.pop().text == f'{later:%a} {later.day} {later:%b}, 19:00 to 20:00'
