"""Export tests run on a frozen clock (every `clock.now()` in the run is `EXPORT_AT`, movable by a test) and with
progress decided by rows only (never by how long a page took), so their events and heartbeats are deterministic."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from models.db import set_publisher
from services import requests, runtime
from services.core import clock
from services.core.events import DomainEvent
from services.exports import CHANGED_EVENT
from services.exports import running as export_running
from tests.services.exports.export_support import EXPORT_AT

MAX_PAGES_READ = 200  # every test reads far fewer


class Clock:
    """What `clock.now()` answers while a test runs; move it with `at`."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    frozen = Clock(EXPORT_AT)
    monkeypatch.setattr(clock, 'now', frozen.now)
    monkeypatch.setattr(export_running, 'PROGRESS_SECONDS', 10.0**9)
    return frozen


@pytest.fixture(autouse=True)
def _pages_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that keeps reading pages (a keyset that does not move on) fails its test instead of hanging it."""
    read_page, calls = requests.closed_rows, []

    def bounded(*args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        calls.append(1)
        assert len(calls) <= MAX_PAGES_READ, 'an export keeps reading pages'
        return read_page(*args, **kwargs)

    monkeypatch.setattr(requests, 'closed_rows', bounded)


@pytest.fixture
def export_events() -> Iterator[list[DomainEvent]]:
    """The 'export.changed' events delivered after commit while the test runs, in order."""
    bus, received = runtime.Bus(), []
    bus.subscribe(CHANGED_EVENT, received.append)
    set_publisher(bus.deliver)
    yield received
    set_publisher(None)
