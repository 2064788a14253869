"""Domain events and job requests: collected on the session, delivered after commit.

Services call `events.publish(session, ...)` and `jobs.enqueue(session, ...)`; nothing leaves before the
unit commits, and nothing leaves if it rolls back. The composition root creates one `runtime.Bus` at
start-up and registers it with `models.db.set_publisher`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from models.db import after_commit
from services.core import cache

log = logging.getLogger(__name__)
_PUBLISHED = 'hsa_published'
_recorder: Callable[[Session, str, dict[str, Any]], None] | None = None


@dataclass(frozen=True, slots=True)
class DomainEvent:
    name: str  # e.g. 'request.accepted'
    data: dict[str, Any] = field(default_factory=dict)  # ids and small values only


@dataclass(frozen=True, slots=True)
class JobRequest:
    name: str  # e.g. 'export'
    ids: dict[str, int] = field(default_factory=dict)


def publish(session: Session, name: str, **data: Any) -> None:
    """Announce a change once this unit commits (once per unit, however often the unit says it), after the cache
    has forgotten what the change makes stale."""
    seen = session.info.setdefault(_PUBLISHED, set())
    key = (name, repr(sorted(data.items())))
    if key in seen:
        return
    seen.add(key)
    cache.forget_on_commit(session, name, data)
    if _recorder is not None:
        _recorder(session, name, data)
    after_commit(session, DomainEvent(name, data))


def record_with(recorder: Callable[[Session, str, dict[str, Any]], None] | None) -> None:
    """What writes an event into this very unit as well (the webhooks' deliveries, so that they commit with the
    change or not at all). The service layer's face sets it once; the kernel imports no domain."""
    global _recorder  # noqa: PLW0603 (one slot, filled once by the service layer's face)
    _recorder = recorder
