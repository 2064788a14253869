"""The catalogue entry a customer books: `Service`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Service(Base):
    __tablename__ = 'service'

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    name_key: Mapped[str] = mapped_column(String(320), unique=True)  # casefolded name: unique regardless of case
    category: Mapped[str] = mapped_column(String(60), index=True)
    base_price: Mapped[int]  # minor units (paise)
    time_required: Mapped[int]  # minutes
    description: Mapped[str] = mapped_column(Text, default='')
    is_active: Mapped[bool] = mapped_column(default=True)  # False = retired (soft)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)  # optimistic concurrency between admins

    __mapper_args__ = {'version_id_col': version}  # noqa: RUF012
    __table_args__ = (
        CheckConstraint('base_price >= 0', name='base_price_not_negative'),
        CheckConstraint('time_required > 0', name='time_required_positive'),
    )
