"""The one source of "now" (UTC, aware); time-dependent services take `now=` so tests can pass their own.

In development `clock_shift_minutes` runs the whole app ahead of the real clock, so a person (or a browser test
driving a real server) can reach time-based steps such as completing a job whose slot has started."""

from datetime import UTC, datetime, timedelta

from settings import get_settings


def now() -> datetime:
    return datetime.now(UTC) + timedelta(minutes=get_settings().clock_shift_minutes)
