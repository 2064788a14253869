"""Bookings made with an Idempotency-Key (the API's POST /requests): the same key from the same customer again, within
a day, returns that request instead of booking a second one; the fingerprint of what was asked refuses the same key
for a different booking."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class IdempotentBooking(Base):
    __tablename__ = 'idempotent_booking'

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey('user.id', ondelete='CASCADE'))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the booking's fields
    request_id: Mapped[int] = mapped_column(ForeignKey('service_request.id', ondelete='CASCADE'))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint('user_id', 'key'),)
