"""Frozen rows of sign-in and sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.core.rows import Actor


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session: the raw token goes into the browser's storage and nowhere else."""

    token: str
    actor: Actor


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One of the viewer's live sign-ins, as the account page lists it."""

    id: int
    user_agent: str  # as the browser sent it (display text only)
    client_ip: str
    created_at: datetime
    last_seen_at: datetime
    is_current: bool  # the session this page was opened with
