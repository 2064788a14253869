"""Delivers what units collected, after they commit: domain events to subscribers, job requests to the job runner."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from services.core.events import DomainEvent, JobRequest

log = logging.getLogger(__name__)
ANY = '*'


class Bus:
    """Delivers committed events to subscribers (by name, or '*' for all) and to the relay (Redis pub/sub, which
    carries them to every app process), and job requests to the job runner, in the thread that committed. A
    failing subscriber is logged and skipped."""

    def __init__(
        self,
        run_job: Callable[[JobRequest], None] | None = None,
        relay: Callable[[DomainEvent], None] | None = None,
    ) -> None:
        self._subscribers: dict[str, list[Callable[[DomainEvent], None]]] = defaultdict(list)
        self._lock = threading.Lock()
        self._run_job = run_job
        self._relay = relay

    def subscribe(self, name: str, subscriber: Callable[[DomainEvent], None]) -> Callable[[], None]:
        """Returns the function that unsubscribes."""
        with self._lock:
            self._subscribers[name].append(subscriber)
        return lambda: self._unsubscribe(name, subscriber)

    def deliver(self, items: list[Any]) -> None:
        for item in items:
            if isinstance(item, JobRequest):
                self._submit(item)
            elif isinstance(item, DomainEvent):
                self._announce(item)

    def _announce(self, event: DomainEvent) -> None:
        with self._lock:
            subscribers = [*self._subscribers.get(event.name, ()), *self._subscribers.get(ANY, ())]
        if self._relay is not None:
            subscribers.append(self._relay)
        for subscriber in subscribers:
            try:
                subscriber(event)
            except Exception:  # one broken subscriber must not starve the others
                log.exception('subscriber %r failed on %s', subscriber, event.name)

    def _submit(self, request: JobRequest) -> None:
        if self._run_job is None:
            log.warning('job %s requested but no job runner is registered', request.name)
            return
        self._run_job(request)

    def _unsubscribe(self, name: str, subscriber: Callable[[DomainEvent], None]) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._subscribers[name].remove(subscriber)
