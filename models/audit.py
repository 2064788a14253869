"""The audit trail: who did what to which target, when and why."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class AuditEvent(Base):
    __tablename__ = 'audit_event'

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey('user.id', ondelete='SET NULL'))
    actor_label: Mapped[str] = mapped_column(String(400))  # 'name <email>', kept when the actor row is gone
    action: Mapped[str] = mapped_column(String(60))  # e.g. 'user.block', 'service.create'
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(String(500))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # before/after values

    # the audit log lists newest first by (occurred_at, id), alone or filtered by action, actor or target: each
    # filter has an index that ends in the sort key, so a page reads its rows in order and stops (no sort)
    __table_args__ = (
        Index(None, 'occurred_at', 'id'),
        Index(None, 'action', 'occurred_at', 'id'),
        Index(None, 'actor_id', 'occurred_at', 'id'),
        Index(None, 'target_type', 'occurred_at', 'id'),
        Index(None, 'target_type', 'target_id', 'occurred_at', 'id'),
    )
