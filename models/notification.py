"""Notifications: written in the same unit as the change that causes them; read in the app."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Notification(Base):
    __tablename__ = 'notification'

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey('user.id', ondelete='CASCADE'))
    kind: Mapped[str] = mapped_column(String(40))  # e.g. 'request.accepted'
    message: Mapped[str] = mapped_column(String(500))
    request_id: Mapped[int | None] = mapped_column(ForeignKey('service_request.id', ondelete='SET NULL'))
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    dispatched_at: Mapped[datetime | None]  # when it went into an outbox message (or was judged too old to send)

    __table_args__ = (Index(None, 'user_id', 'read_at', 'created_at'), Index(None, 'dispatched_at', 'user_id'))
