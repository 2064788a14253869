from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from models.db import set_publisher
from services import runtime, session_scope
from services.core import events, jobs
from services.core.events import DomainEvent, JobRequest
from services.runtime import Bus


@pytest.fixture
def bus() -> Iterator[Bus]:
    bus = Bus()
    set_publisher(bus.deliver)
    yield bus
    set_publisher(None)


def collect(bus: Bus, name: str = runtime.ANY) -> list[DomainEvent]:
    seen: list[DomainEvent] = []
    bus.subscribe(name, seen.append)
    return seen


def test_events_are_delivered_only_after_the_unit_commits(bus: Bus) -> None:
    seen = collect(bus)
    with session_scope() as session:
        events.publish(session, 'request.accepted', request_id=7)
        assert seen == []
    assert seen == [DomainEvent('request.accepted', {'request_id': 7})]


def test_events_of_a_rolled_back_unit_are_dropped(bus: Bus) -> None:
    seen = collect(bus)
    with pytest.raises(RuntimeError), session_scope() as session:
        events.publish(session, 'request.accepted', request_id=7)
        raise RuntimeError('boom')
    with session_scope():
        pass
    assert seen == []


def test_subscribers_get_only_their_event_names(bus: Bus) -> None:
    accepted, everything = collect(bus, 'request.accepted'), collect(bus)
    with session_scope() as session:
        events.publish(session, 'request.accepted', request_id=1)
        events.publish(session, 'request.cancelled', request_id=2)
    assert [e.name for e in accepted] == ['request.accepted']
    assert [e.name for e in everything] == ['request.accepted', 'request.cancelled']


def test_a_failing_subscriber_neither_stops_the_others_nor_undoes_the_unit(bus: Bus, caplog) -> None:
    bus.subscribe(runtime.ANY, lambda event: 1 / 0)
    seen = collect(bus)
    with session_scope() as session:
        events.publish(session, 'x')
    assert [e.name for e in seen] == ['x']
    assert 'subscriber' in caplog.text


def test_unsubscribe_stops_delivery(bus: Bus) -> None:
    seen: list[DomainEvent] = []
    unsubscribe = bus.subscribe('x', seen.append)
    unsubscribe()
    with session_scope() as session:
        events.publish(session, 'x')
    assert seen == []


def test_enqueued_jobs_run_after_commit_on_the_embedded_runner() -> None:
    done = threading.Event()
    received: list[dict[str, int]] = []

    def export(**ids: int) -> None:
        received.append(ids)
        done.set()

    runner = runtime.EmbeddedRunner({'export': export}, [], every_seconds=60)
    set_publisher(Bus(run_job=runner.submit).deliver)
    try:
        with pytest.raises(RuntimeError), session_scope() as session:
            jobs.enqueue(session, 'export', export_id=1)
            raise RuntimeError('rolled back')
        with session_scope() as session:
            jobs.enqueue(session, 'export', export_id=2)
        assert done.wait(5)
    finally:
        set_publisher(None)
        runner.stop()
    assert received == [{'export_id': 2}]


def test_the_embedded_runner_runs_duties_on_its_timer_and_survives_a_failing_one() -> None:
    ticks = threading.Semaphore(0)

    def failing() -> None:
        raise RuntimeError('broken duty')

    runner = runtime.EmbeddedRunner({}, [failing, ticks.release], every_seconds=0.02)
    runner.start()
    try:
        assert ticks.acquire(timeout=5)
        assert ticks.acquire(timeout=5)  # still ticking after the failure
    finally:
        runner.stop()


def test_an_unknown_job_is_logged_not_raised(caplog) -> None:
    runner = runtime.EmbeddedRunner({}, [], every_seconds=60)
    runner.submit(JobRequest('nope', {}))
    runner.stop()
    assert "no job called 'nope'" in caplog.text
