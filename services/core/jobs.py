"""The jobs port: a unit asks for a job by name with ids; it runs only once the unit commits."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.db import after_commit
from services.core.events import JobRequest

_ASKED = 'hsa_jobs_asked'  # session.info key: the (name, ids) this unit asked for already


def enqueue(session: Session, name: str, **ids: int) -> None:
    """Ask for job `name` to run with these ids once this unit commits (never if it rolls back). Asking again in
    the same unit changes nothing: a unit that queues a hundred messages asks for one delivery run."""
    asked = session.info.setdefault(_ASKED, set())
    wanted = (name, tuple(sorted(ids.items())))
    if wanted in asked:
        return
    asked.add(wanted)
    after_commit(session, JobRequest(name, ids))
