"""A CSV export a person asked for: the record of the job that writes it (progress, file, outcome)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, enum_column
from models.enums import ExportState


class Export(Base):
    __tablename__ = 'export'

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey('user.id', ondelete='CASCADE'))  # who asked; the only reader
    kind: Mapped[str] = mapped_column(String(40))  # 'closed-requests'
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # as validated when it was asked for
    state: Mapped[ExportState] = mapped_column(enum_column(ExportState, 'export_state'))
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int | None]  # counted when the run starts
    stored_name: Mapped[str | None] = mapped_column(String(80), unique=True)  # random, under data_dir/exports/
    size: Mapped[int | None]  # bytes of the finished file
    error: Mapped[str | None] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]  # moved on with every progress unit: a run that stops moving has died
    finished_at: Mapped[datetime | None]

    __table_args__ = (
        Index(None, 'owner_id', 'created_at', 'id'),  # my exports, newest first
        Index(None, 'state', 'heartbeat_at'),  # runs that died
        Index(None, 'created_at'),  # old ones to delete
    )
