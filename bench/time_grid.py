"""Time in the seeder: microsecond units, the exact text UTCDateTime stores, and the local slot grid."""

from __future__ import annotations

import bisect
import math
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from sqlalchemy.dialects import sqlite as sqlite_dialect

from models.base import UTCDateTime
from settings import Settings, clock_time

US = 1_000_000
MINUTE, HOUR, DAY = 60 * US, 3600 * US, 86_400 * US
EPOCH_DAY = date(1970, 1, 1)


def stamp(moment: int) -> str:
    """Microseconds since the epoch (UTC) as the text UTCDateTime stores on SQLite: 'YYYY-MM-DD HH:MM:SS.ffffff'."""
    day, rest = divmod(moment, DAY)
    prefix = _DAY_TEXT.get(day)
    if prefix is None:
        prefix = _DAY_TEXT[day] = f'{(EPOCH_DAY + timedelta(days=day)).isoformat()} '
    seconds, micro = divmod(rest, US)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f'{prefix}{hours:02d}:{minutes:02d}:{seconds:02d}.{micro:06d}'


_DAY_TEXT: dict[int, str] = {}


def micros(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def check_stamp_format() -> None:
    """Our text must be byte-for-byte what the app writes, or ordering and cursors break: compare with the type."""
    bind = UTCDateTime().dialect_impl(sqlite_dialect.dialect()).bind_processor(sqlite_dialect.dialect())
    for moment in (datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), datetime(2031, 12, 31, 23, 59, 59, 7, tzinfo=UTC)):
        ours, theirs = stamp(micros(moment)), bind(moment)
        if ours != theirs:
            raise SystemExit(f'datetime text differs from UTCDateTime: {ours!r} != {theirs!r}')


def stamp_or_none(moment: int | None) -> str | None:
    return None if moment is None else stamp(moment)


class Grid:
    """The local slot grid (services/requests/slots.py) for every day of the seeded period, as UTC microseconds."""

    def __init__(self, settings: Settings, first: date, last: date) -> None:
        zone, step = settings.zone, timedelta(minutes=settings.slot_minutes)
        self.first, self.step = first, settings.slot_minutes
        self.days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        self.midnights = [micros(datetime.combine(d, clock.min, zone)) for d in [*self.days, last + timedelta(1)]]
        self.starts: list[list[int]] = []
        self.day_ends: list[int] = []
        for day in self.days:
            start = datetime.combine(day, clock_time(settings.day_start), zone)
            end = datetime.combine(day, clock_time(settings.day_end), zone)
            starts = []
            while start < end:
                starts.append(micros(start))
                start = (start.astimezone(UTC) + step).astimezone(zone)
            self.starts.append(starts)
            self.day_ends.append(micros(end))
        self.per_day = max(len(s) for s in self.starts)
        self._last: dict[int, list[int]] = {}

    def last_start(self, minutes: int) -> list[int]:
        """Per day, the index of the last start that still ends by day_end (-1: none)."""
        found = self._last.get(minutes)
        if found is None:
            length = minutes * MINUTE
            found = self._last[minutes] = [
                max((k for k, s in enumerate(starts) if s + length <= end), default=-1)
                for starts, end in zip(self.starts, self.day_ends, strict=True)
            ]
        return found

    def snap(self, moment: int, minutes: int) -> tuple[int, int] | None:
        """The first grid start at or after `moment` that fits a job of `minutes`, as (day, index)."""
        day = bisect.bisect_right(self.midnights, moment) - 1
        last = self.last_start(minutes)
        while 0 <= day < len(self.days):
            starts = self.starts[day]
            k = bisect.bisect_left(starts, moment)
            if k <= last[day]:
                return day, k
            day, moment = day + 1, 0
        return None

    def slots_needed(self, minutes: int) -> int:
        return math.ceil(minutes / self.step)
