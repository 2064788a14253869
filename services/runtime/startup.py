"""The start-up of an app process as named steps (the database, the demo data, the job runner), done in order, each
once. A step that fails (the disk is full, the database is not there yet) does not leave the process half-started and
silent: it is logged, and retried in the background with the steps after it until all are done. `missing()` says
what is not running (the app's /healthz).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)
RETRY_SECONDS = 5.0
REPEAT_LOG_SECONDS = 60.0  # a step that keeps failing is said again at most this often
StartUpStep = tuple[str, Callable[[], Any]]  # (what it starts, in words; how)


class StartUp:
    """`run(steps)` does the steps now; from the first that fails, a thread retries every `retry_seconds`. Checks
    (`watch`) name what must keep running once started (the job runner's timer)."""

    def __init__(self, *, retry_seconds: float = RETRY_SECONDS) -> None:
        self._every = retry_seconds
        self._pending: list[StartUpStep] = []
        self._checks: list[tuple[str, Callable[[], bool]]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failures = 0
        self._said_at = 0.0

    def watch(self, name: str, running: Callable[[], bool]) -> None:
        self._checks.append((name, running))

    def run(self, steps: list[StartUpStep]) -> None:
        self._pending = list(steps)
        if self._advance():
            return
        self._thread = threading.Thread(target=self._retry, name='hsa-start-up', daemon=True)
        self._thread.start()

    def missing(self) -> list[str]:
        """What this process should be doing and is not: steps not done yet, started parts that stopped."""
        with self._lock:
            pending = [name for name, _ in self._pending]
        return pending + [name for name, running in self._checks if name not in pending and not running()]

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _retry(self) -> None:
        while not self._stop.wait(self._every):
            if self._advance():
                log.warning('start-up complete after %d failed attempt(s): everything runs now', self._failures)
                return

    def _advance(self) -> bool:
        """Do the pending steps in order; False at the first that fails (it stays first in line)."""
        while True:
            with self._lock:
                if not self._pending:
                    return True
                name, step = self._pending[0]
            try:
                step()
            except Exception as error:  # any failure: the step is retried, the process stays up and says so
                self._say_failed(name, error)
                return False
            with self._lock:
                self._pending.pop(0)
            if self._failures:
                log.info('start-up: %s done after all', name)

    def _say_failed(self, name: str, error: Exception) -> None:
        self._failures += 1
        if self._failures > 1 and time.monotonic() - self._said_at < REPEAT_LOG_SECONDS:
            return
        self._said_at = time.monotonic()
        waiting = ', '.join(name for name, _ in self._pending)
        log.warning(
            'start-up: %s failed (%s); not running yet: %s. Trying again every %g s',
            name,
            error,
            waiting,
            self._every,
            exc_info=self._failures == 1,
        )
