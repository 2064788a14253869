"""The embedded job runner for one process (`jobs.enqueue` in services/core/jobs.py asks it for jobs).

With no Redis configured, `EmbeddedRunner` runs requested jobs on a small thread pool and its duties (the schedule's
tick: expire, auto-close, notifications, the outbox, the daily reminders) at start-up and then every `tick_seconds`.
Each job opens its own units; the database is the record, so running a job twice must be harmless.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from services.core.events import JobRequest

log = logging.getLogger(__name__)
Job = Callable[..., Any]


class EmbeddedRunner:
    """Jobs and periodic duties in this process: requested jobs on worker threads, duties on a timer that first
    runs at start-up (the recovery sweep: what a crash left leased or unfinished is taken up again)."""

    def __init__(self, jobs: dict[str, Job], duties: list[Callable[[], Any]], *, every_seconds: float) -> None:
        self._jobs, self._duties, self._every = jobs, duties, every_seconds
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix='hsa-job')
        self._stop = threading.Event()
        self._timer: threading.Thread | None = None

    def submit(self, request: JobRequest) -> None:
        job = self._jobs.get(request.name)
        if job is None:
            log.error('no job called %r', request.name)
            return
        self._pool.submit(self._run, request.name, job, request.ids)

    def start(self) -> None:
        self._timer = threading.Thread(target=self._tick_forever, name='hsa-duties', daemon=True)
        self._timer.start()

    def is_running(self) -> bool:
        """Whether the duties' timer runs (started, not stopped)."""
        return self._timer is not None and self._timer.is_alive() and not self._stop.is_set()

    def stop(self) -> None:
        self._stop.set()
        if self._timer is not None:
            self._timer.join(timeout=10)
        self._pool.shutdown(wait=True, cancel_futures=False)

    def run_duties(self) -> None:
        """Every periodic duty once, now (also what the timer does)."""
        for duty in self._duties:
            self._run(getattr(duty, '__name__', 'duty'), duty, {})

    def _tick_forever(self) -> None:
        self.run_duties()
        while not self._stop.wait(self._every):
            self.run_duties()

    @staticmethod
    def _run(name: str, job: Job, ids: dict[str, int]) -> None:
        try:
            job(**ids)
        except Exception:  # a job's failure is logged; the next run (or a retry) picks up from the database
            log.exception('job %s(%s) failed', name, ids)
