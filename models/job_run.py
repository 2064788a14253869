"""One row per scheduled job and period: a unique key, so nothing runs twice for the same period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class JobRun(Base):
    __tablename__ = 'job_run'

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))  # e.g. 'daily-reminders', 'seed-demo'
    period: Mapped[str] = mapped_column(String(40))  # e.g. '2026-11-25', '2026-11', 'once'
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint('job', 'period'),)
