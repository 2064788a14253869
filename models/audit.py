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
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey('user.id', ondelete='SET NULL'), index=True)
    actor_label: Mapped[str] = mapped_column(String(400))  # 'name <email>', kept when the actor row is gone
    action: Mapped[str] = mapped_column(String(60), index=True)  # e.g. 'user.block', 'service.create'
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(String(500))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # before/after values

    __table_args__ = (Index(None, 'target_type', 'target_id', 'occurred_at'),)
