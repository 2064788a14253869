"""The one source of "now" (UTC, aware); time-dependent services take `now=` so tests can pass their own."""

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
