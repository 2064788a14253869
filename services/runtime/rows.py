"""Frozen rows of the runtime: a scheduled job's run, and whether the duties run (`manage.py jobs status`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class JobRunRow:
    job: str
    period: str
    started_at: datetime
    finished_at: datetime | None
    attempts: int
    summary: str
    last_error: str

    @property
    def outcome(self) -> str:
        if self.finished_at:
            return f'done: {self.summary}'
        return f'NOT FINISHED (attempt {self.attempts}) {self.last_error}'.strip()


@dataclass(frozen=True, slots=True)
class DutiesHealth:
    """Whether some process (the app's embedded runner, or Celery beat with a worker) ticks the schedule."""

    last_tick: datetime | None  # None: it never ticked
    every_seconds: int
    running: bool
