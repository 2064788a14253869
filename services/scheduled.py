"""Jobs and periodic duties as units of work: the embedded runner (and later Celery) calls these.

Each opens its own write unit, reads the clock itself and is safe to run twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

JOBS: dict[str, Callable[..., Any]] = {}  # requested by name through jobs.enqueue
DUTIES: list[Callable[[], Any]] = []  # run every duty_interval_seconds
