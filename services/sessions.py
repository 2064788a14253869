"""A user's own sign-ins: which are live, and ending one of them or all but this one ("sign out everywhere")."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import AuthSession
from services import audit, auth, clock, validation
from services.access import require_signed_in
from services.errors import NotFound
from services.views import Actor, SessionRow
from settings import get_settings

MAX_LISTED = 50


def list_sessions(session: Session, actor: Actor, *, token: str, now: datetime | None = None) -> list[SessionRow]:
    """The viewer's live sessions (not signed out, not idle too long, not expired), the one holding `token`
    first, then the most recently seen."""
    user = require_signed_in(session, actor)
    now = now or clock.now()
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    rows = session.scalars(
        select(AuthSession)
        .where(
            AuthSession.user_id == user.id,
            AuthSession.revoked_at.is_(None),
            AuthSession.expires_at > now,
            AuthSession.last_seen_at > now - idle,
        )
        .order_by(AuthSession.last_seen_at.desc(), AuthSession.id.desc())
        .limit(MAX_LISTED)
    )
    this = auth.hash_token(token) if token else ''
    found = [
        SessionRow(s.id, s.user_agent, s.client_ip, s.created_at, s.last_seen_at, s.token_hash == this) for s in rows
    ]
    return sorted(found, key=lambda row: not row.is_current)  # stable: the rest stay newest first


def sign_out_session(session: Session, actor: Actor, *, session_id: object, now: datetime | None = None) -> None:
    """End one of the viewer's own sessions; someone else's (or one already ended) does not exist for them."""
    user = require_signed_in(session, actor)
    now = now or clock.now()
    ended = (
        validation.is_id(session_id, AuthSession.id)
        and session.execute(
            update(AuthSession)
            .where(AuthSession.id == session_id, AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason='signed out from another device')
        ).rowcount
        == 1
    )
    if not ended:
        raise NotFound('That session does not exist or has ended already.')
    audit.record(session, actor, 'user.sign_out_session', target_type='auth_session', target_id=session_id, now=now)


def sign_out_everywhere_else(session: Session, actor: Actor, *, token: str, now: datetime | None = None) -> int:
    """End every session of the viewer but the one holding `token` (this device); returns how many ended."""
    user = require_signed_in(session, actor)
    now = now or clock.now()
    if not token:
        raise NotFound('This device has no session to keep.')
    ended = auth.revoke_sessions(session, user_id=user.id, reason='signed out everywhere', now=now, keep_token=token)
    audit.record(
        session,
        actor,
        'user.sign_out_everywhere',
        target_type='user',
        target_id=user.id,
        details={'ended': ended},
        now=now,
    )
    return ended
