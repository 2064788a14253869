"""The audit trail: one row per state change or admin action, written in the same unit as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from models import AuditEvent
from services.core import clock
from services.core.rows import Actor

SYSTEM_LABEL = 'system'
INSERT = insert(AuditEvent)


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    *,
    target_type: str,
    target_id: int | None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Who (None = the system), did what, to which target, why, with before/after values. Written at once on the
    unit's connection, past the ORM's unit of work (nothing reads an audit row back in the unit that writes it)."""
    row = {
        'occurred_at': now or clock.now(),
        'actor_id': actor.id if actor else None,
        'actor_label': _label(actor),
        'action': action,
        'target_type': target_type,
        'target_id': target_id,
        'reason': reason,
        'details': details or {},
    }
    session.connection().execute(INSERT, row)


def _label(actor: Actor | None) -> str:
    if actor is None:
        return SYSTEM_LABEL
    return actor.name if actor.is_operator else f'{actor.name} <{actor.email}>'
