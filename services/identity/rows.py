"""Frozen rows of sign-in and sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.core.rows import Actor


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session. The raw token is for a client that presents it (an API client); a browser's server-side storage
    keeps only `key`, the token's SHA-256 (what the database keeps too), which no client can present: a leaked
    storage file or database is no token. (Using a leaked key would take forging the browser's signed cookie, i.e.
    the storage secret too: in production that comes from the environment, not from data_dir.)"""

    token: str
    key: str
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
