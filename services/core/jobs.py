"""The jobs port: a unit asks for a job by name with ids; it runs only once the unit commits."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.db import after_commit
from services.core.events import JobRequest


def enqueue(session: Session, name: str, **ids: int) -> None:
    """Ask for job `name` to run with these ids once this unit commits (never if it rolls back)."""
    after_commit(session, JobRequest(name, ids))
