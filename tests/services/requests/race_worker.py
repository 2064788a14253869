"""The child process of the accept races. It is spawned, so it sets the parent's HSA_* environment (the
database URL and data dir come as arguments) before it imports anything of the app."""

from __future__ import annotations

import os
import time
from typing import Any


def accept_each(
    env: dict[str, str], professional: dict[str, Any], request_ids: list[int], now_iso: str, barrier: Any, results: Any
) -> None:
    """Wait for every racer, then try to accept each request in its own write unit; report what happened."""
    os.environ.update(env)
    from datetime import datetime  # noqa: PLC0415 (after the environment is set, on purpose)

    from sqlalchemy.exc import OperationalError  # noqa: PLC0415

    from models.enums import ApprovalState, Role  # noqa: PLC0415
    from services import Actor, ServiceError, requests, session_scope  # noqa: PLC0415

    actor = Actor(role=Role.PROFESSIONAL, approval_state=ApprovalState.APPROVED, **professional)
    now, won, refused, errors = datetime.fromisoformat(now_iso), [], [], []
    barrier.wait(timeout=60)
    started = time.monotonic()  # CLOCK_MONOTONIC is system-wide on Linux: comparable across processes
    for request_id in request_ids:
        try:
            with session_scope(write=True) as session:
                requests.accept(session, actor, request_id=request_id, now=now)
            won.append(request_id)
        except ServiceError as refusal:
            refused.append(type(refusal).__name__)
        except OperationalError as error:
            errors.append(str(error.orig))
    results.put(
        {
            'professional_id': actor.id,
            'won': won,
            'refused': refused,
            'errors': errors,
            'started': started,
            'finished': time.monotonic(),
        }
    )
