"""An endpoint an admin registered to receive the marketplace's events (services.webhooks); each delivery to it is
an outbox message (channel `webhook`, `webhook_endpoint_id` set) signed with the endpoint's secret at send time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class WebhookEndpoint(Base):
    __tablename__ = 'webhook_endpoint'

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(String(200), default='')
    event_types: Mapped[list[str]] = mapped_column(JSON)  # the events it receives, as named by services.webhooks
    secret: Mapped[str] = mapped_column(String(80))  # 'whsec_' + base64 of 32 random bytes: it signs, so it is kept
    is_active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[int] = mapped_column(ForeignKey('user.id', ondelete='CASCADE'))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    secret_rotated_at: Mapped[datetime]

    __table_args__ = (Index(None, 'is_active'),)
