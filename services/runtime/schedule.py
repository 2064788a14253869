"""What runs when (design.md §4): each scheduled job names its period at any moment. A daily job's period is the
local date of its latest occurrence (so a restart, a second scheduler or a rerun finds the same period, and a day
missed while everything was down is caught up once); a sweep's period is its slice of UTC time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.reports import month_text, previous_month
from settings import Settings, clock_time

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Unit = Callable[[datetime, str], str]  # (now, period) -> what it did, in words


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    """A job the schedule runs: every `interval_setting` seconds, or daily at the local time in `time_setting`
    (`monthly`: on the 1st at that time, for the month before)."""

    name: str
    unit: Unit
    interval_setting: str = ''
    time_setting: str = ''
    monthly: bool = False

    def period(self, now: datetime, settings: Settings) -> str:
        """The period that is due at `now` (the latest one that has begun)."""
        if self.monthly:
            return monthly_period(now, getattr(settings, self.time_setting), settings)
        if self.time_setting:
            return daily_period(now, getattr(settings, self.time_setting), settings)
        return interval_period(now, getattr(settings, self.interval_setting))

    def period_now(self, now: datetime, settings: Settings) -> str:
        """The period an operator means by "now": a daily job's local today (even before its time of day), a monthly
        job's last month."""
        today = now.astimezone(settings.zone).date()
        if self.monthly:
            return month_text(previous_month(today.replace(day=1)))
        if self.time_setting:
            return today.isoformat()
        return self.period(now, settings)


def daily_period(now: datetime, at: str, settings: Settings) -> str:
    """The local date whose `at` o'clock is the latest that has passed. A time that does not exist that day (the
    spring gap) counts from the same wall time before the change, an hour later; a time that happens twice (the
    autumn repeat) counts from its first occurrence: either way the date, and so the period, is the same."""
    zone = settings.zone
    today = now.astimezone(zone).date()
    occurrence = datetime.combine(today, clock_time(at), zone)
    day = today if occurrence.astimezone(UTC) <= now else today - timedelta(days=1)
    return day.isoformat()


def monthly_period(now: datetime, at: str, settings: Settings) -> str:
    """The month reported by the latest 1st-of-the-month at `at` o'clock that has passed (local time): on 1 December
    at 08:00 the period becomes '2026-11'. A time the clocks skip or repeat is handled as in `daily_period`."""
    zone = settings.zone
    first = now.astimezone(zone).date().replace(day=1)
    occurrence = datetime.combine(first, clock_time(at), zone)
    due = first if occurrence.astimezone(UTC) <= now else previous_month(first)
    return month_text(previous_month(due))


def interval_period(now: datetime, seconds: int) -> str:
    """The start of the `seconds`-long slice of UTC time `now` falls in, e.g. '2026-12-06T18:03:00Z'."""
    elapsed = (now - EPOCH) // timedelta(seconds=1)
    start = EPOCH + timedelta(seconds=elapsed - elapsed % seconds)
    return start.strftime('%Y-%m-%dT%H:%M:%SZ')
