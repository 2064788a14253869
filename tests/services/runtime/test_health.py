"""Whether the duties run, as `manage.py jobs status` tells it from the database: the schedule ticked recently."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services import runtime
from settings import get_settings

NOW = datetime(2030, 3, 4, 12, 30, tzinfo=UTC)


def test_the_duties_run_while_the_schedule_ticks_and_not_once_it_stops() -> None:
    assert runtime.duties_health(NOW) == runtime.DutiesHealth(None, get_settings().tick_seconds, running=False)
    runtime.tick(NOW)
    assert runtime.duties_health(NOW + timedelta(seconds=30)).running
    assert runtime.duties_health(NOW + timedelta(seconds=30)).last_tick == NOW
    settings = get_settings()
    late = timedelta(seconds=2 * settings.tick_seconds + settings.outbox_lease_seconds + 1)
    assert not runtime.duties_health(NOW + late).running
