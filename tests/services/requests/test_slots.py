from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services import ValidationError, requests

IST = ZoneInfo('Asia/Kolkata')
NOW = datetime(2026, 11, 25, 6, 0, tzinfo=IST).astimezone(UTC)  # 06:00 local


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=IST)


def test_slots_run_hourly_from_eight_and_the_job_ends_by_eight_in_the_evening() -> None:
    starts = [s.astimezone(IST).strftime('%H:%M') for s in requests.available_slots(date(2026, 11, 26), 90, now=NOW)]
    assert starts[0] == '08:00'
    assert starts[-1] == '18:00'  # 18:00 + 90 min = 19:30; 19:00 + 90 min would pass 20:00
    assert len(starts) == 11


def test_today_offers_only_slots_at_least_two_hours_ahead() -> None:
    starts = requests.available_slots(date(2026, 11, 25), 60, now=local(25, 9, 30).astimezone(UTC))
    assert starts[0].astimezone(IST) == local(25, 12)


def test_nothing_is_offered_past_the_horizon() -> None:
    assert requests.available_slots(date(2027, 1, 30), 60, now=NOW) == []


def test_a_valid_slot_returns_when_the_job_ends() -> None:
    assert requests.check_slot(local(26, 10), 90, now=NOW) == local(26, 11, 30).astimezone(UTC)


@pytest.mark.parametrize(
    ('start', 'message'),
    [
        (local(26, 10, 30), 'not one of the offered'),
        (local(26, 7), 'not one of the offered'),
        (local(26, 19), 'not one of the offered'),  # would end at 20:30
        (local(25, 7), 'not one of the offered'),
        (datetime(2026, 11, 26, 10), 'Choose a time slot'),  # naive
        ('2026-11-26T10:00', 'Choose a time slot'),
    ],
)
def test_invalid_slots_are_refused(start: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        requests.check_slot(start, 90, now=NOW)


def test_a_slot_less_than_two_hours_ahead_is_refused() -> None:
    assert requests.check_slot(local(25, 8), 60, now=local(25, 6).astimezone(UTC))  # exactly two hours: fine
    with pytest.raises(ValidationError, match='at least 2 hours ahead'):
        requests.check_slot(local(25, 8), 60, now=local(25, 6, 1).astimezone(UTC))


def test_a_slot_beyond_the_horizon_is_refused() -> None:
    with pytest.raises(ValidationError, match='at most 60 days ahead'):
        requests.check_slot(local(25, 10) + timedelta(days=61), 60, now=NOW)


def test_the_grid_follows_the_configured_timezone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('HSA_TIMEZONE', 'Europe/London')
    starts = requests.available_slots(date(2026, 11, 26), 60, now=NOW)
    assert starts[0] == datetime(2026, 11, 26, 8, tzinfo=UTC)


def test_bookable_days_run_from_today_while_it_has_slots_to_the_horizon() -> None:
    days = requests.bookable_days(60, now=NOW)  # 06:00 local: today's 08:00 is two hours ahead
    assert days[0] == date(2026, 11, 25)
    assert days[-1] == date(2027, 1, 23)  # the horizon is 06:00 on 24 January, before its first slot
    assert len(days) == 60


def test_bookable_days_start_tomorrow_once_today_is_full() -> None:
    evening = local(25, 18).astimezone(UTC)
    assert requests.bookable_days(60, now=evening)[0] == date(2026, 11, 26)
