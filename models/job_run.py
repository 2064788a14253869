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
    started_at: Mapped[datetime]  # moved forward when a run left unfinished is taken up again
    finished_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=1, server_default='1')
    summary: Mapped[str | None] = mapped_column(String(200))  # what it did, e.g. '12 reminders queued'
    last_error: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (UniqueConstraint('job', 'period'),)
