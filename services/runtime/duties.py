"""Jobs and periodic duties as units of work: the embedded runner (and later Celery) calls these.

Each opens its own write unit, reads the clock itself and is safe to run twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from models.db import session_scope
from services import requests
from services.core import clock

log = logging.getLogger(__name__)


def expire_requests() -> int:
    """Requests nobody accepted before their slot started become expired."""
    with session_scope(write=True) as session:
        expired = requests.expire_due(session, now=clock.now())
    if expired:
        log.info('expired %d request(s)', expired)
    return expired


def auto_close_requests() -> int:
    """Completed requests left without a review for auto_close_days are closed."""
    with session_scope(write=True) as session:
        closed = requests.auto_close_due(session, now=clock.now())
    if closed:
        log.info('auto-closed %d request(s)', closed)
    return closed


JOBS: dict[str, Callable[..., Any]] = {}  # requested by name through jobs.enqueue
DUTIES: list[Callable[[], Any]] = [expire_requests, auto_close_requests]  # every duty_interval_seconds
