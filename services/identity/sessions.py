"""Sessions: a random token opened after a proven sign-in (the database keeps only its hash, the session's key, and
everything after the sign-in works with that key), checked on every
page with idle and absolute expiry, revoked on sign-out, password change and block; and the viewer's own list of
where they are signed in, with signing out one device or everywhere else."""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from models import AuthSession, ProfessionalProfile, User
from models.db import on_commit, session_scope
from models.enums import Role
from services import audit
from services.core import cache, clock, events, validation
from services.core.access import require_signed_in
from services.core.errors import NotFound, StorageFull
from services.core.rows import Actor
from services.identity.rows import SessionRow
from settings import get_settings

KEY_SHAPE = re.compile(r'[0-9a-f]{64}')
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most once a minute
MAX_LISTED = 50
SESSIONS_ENDED = 'session.ended'  # {user_id}: some session of theirs ended; their open pages check their own


def authenticate(key: object, *, now: datetime | None = None) -> Actor | None:
    """The signed-in user behind a session key (`hash_token` of the raw token), or None when it is unknown, revoked,
    idle too long, past its absolute expiry, or its user is blocked. Touches last-seen at most once a minute. A page
    asks once as it opens (and its socket when it comes back): always the database."""
    if not is_key(key):
        return None
    now = now or clock.now()
    found = _looked_up(key, now=now)
    return found.actor if found is not None else None


def authenticate_remembered(key: object, *, now: datetime | None = None) -> Actor | None:
    """`authenticate` for a client that calls many times a second (the API): who a key belongs to is remembered for
    two seconds (cache.VIEWERS), forgotten at once when a session ends or a user is blocked, approved or changed.
    What acting needs is re-read by every service anyway (access.py: the role and the block); what is remembered is
    that the session is live. A look-up is a read unit of its own, before the call's unit: a bad token never waits
    for SQLite's write lock, and the last-seen touch is written whatever the call then does."""
    if not is_key(key):
        return None
    now = now or clock.now()
    found = cache.cached(cache.VIEWERS, '', key, lambda: _looked_up(key, now=now))
    if found is not None and found.until <= now:  # idle or expired meanwhile: look again
        found = _looked_up(key, now=now)
    return found.actor if found is not None else None


def _looked_up(key: str, *, now: datetime) -> LiveViewer | None:
    """In a unit of its own; the touch, when one is due, is written right after it commits."""
    with session_scope() as session:
        return _live_viewer(session, key, now=now)


@dataclass(frozen=True, slots=True)
class LiveViewer:
    actor: Actor
    until: datetime  # when the session ends if nothing happens: its absolute expiry or its idle limit


def _live_viewer(session: Session, key: str, *, now: datetime) -> LiveViewer | None:
    found = _live_session(session, key, now=now)
    if found is None:
        return None
    actor, session_id, last_seen_at, expires_at = found
    if last_seen_at <= now - TOUCH_EVERY:
        on_commit(session, ('session touch', session_id), lambda: _touch(session_id, now))
        last_seen_at = now
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    return LiveViewer(actor, until=min(expires_at, last_seen_at + idle))


def _touch(session_id: int, now: datetime) -> None:
    """On a full disk the touch is skipped: the viewer is still who they are, and their pages still open."""
    with contextlib.suppress(StorageFull), session_scope(write=True) as session:
        session.execute(
            update(AuthSession)
            .where(AuthSession.id == session_id, AuthSession.last_seen_at <= now - TOUCH_EVERY)
            .values(last_seen_at=now)
        )


ENDED = 'Your session ended (signed out, expired or changed elsewhere). Sign in again to go on.'
ENDED_BECAUSE = {
    'blocked': 'An admin blocked this account, so you were signed out. Contact support if you think this is a mistake.',
    'password changed': 'Your password was changed, so you were signed out here. Sign in with the new password.',
    'password reset': 'Your password was reset, so you were signed out. Sign in with the new password.',
}


def ended_notice(key: object) -> str:
    """Why the session with this key is over, in words for the sign-in page it was sent to: blocked, a new password,
    or the general notice (signed out, idle, expired, or a key it does not know)."""
    if not is_key(key):
        return ENDED
    with session_scope() as session:
        found = session.execute(
            select(AuthSession.revoked_reason, User.is_blocked)
            .join(User, User.id == AuthSession.user_id)
            .where(AuthSession.token_hash == key)
        ).one_or_none()
    if found is None:
        return ENDED
    reason, blocked = found
    return ENDED_BECAUSE['blocked'] if blocked else ENDED_BECAUSE.get(reason or '', ENDED)


def sign_out(session: Session, key: object, *, now: datetime | None = None) -> None:
    """End the session with this key on the server: its token is dead even if someone kept a copy."""
    if is_key(key):
        ended = session.execute(
            update(AuthSession)
            .where(AuthSession.token_hash == key, AuthSession.revoked_at.is_(None))
            .values(revoked_at=now or clock.now(), revoked_reason='signed out')
            .returning(AuthSession.user_id)
        ).scalar_one_or_none()
        if ended is not None:
            events.publish(session, SESSIONS_ENDED, user_id=ended)


def revoke_sessions(session: Session, *, user_id: int, reason: str, now: datetime, keep_key: str = '') -> int:
    """End every live session of a user (but the one with `keep_key`); returns how many."""
    query = update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    if keep_key:
        query = query.where(AuthSession.token_hash != keep_key)
    ended = session.execute(query.values(revoked_at=now, revoked_reason=reason)).rowcount
    if ended:
        events.publish(session, SESSIONS_ENDED, user_id=user_id)
    return ended


def open_session(session: Session, user: User, *, client_ip: str, user_agent: str, now: datetime) -> str:
    """A new session for a user whose identity was just proven; returns the raw token (shown once)."""
    token = secrets.token_urlsafe(32)  # 256 bits from the OS CSPRNG
    lifetime = timedelta(hours=get_settings().session_max_hours)
    session.add(
        AuthSession(
            user_id=user.id,
            token_hash=hash_token(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
            client_ip=clean_ip(client_ip),
            user_agent=(user_agent or '')[:300],
        )
    )
    return token


def is_key(key: object) -> bool:
    """A session key's shape (64 hex digits): anything else is nobody's, before it reaches a query."""
    return isinstance(key, str) and KEY_SHAPE.fullmatch(key) is not None


def hash_token(token: str) -> str:
    """A session's key: what the database keeps of a raw session token, and all a browser's storage keeps."""
    return hashlib.sha256(token.encode('utf-8')).hexdigest()


def clean_ip(client_ip: object) -> str:
    """The client address as stored: text, at most the 45 characters of an IPv6 address."""
    return client_ip[:45] if isinstance(client_ip, str) else ''


def actor_for(user: User) -> Actor:
    profile = user.professional_profile if user.role is Role.PROFESSIONAL else None
    return Actor(
        id=user.id,
        role=user.role,
        name=user.name,
        email=user.email,
        approval_state=profile.approval_state if profile else None,
        prefers_dark=user.prefers_dark,
    )


def list_sessions(session: Session, actor: Actor, *, key: str, now: datetime | None = None) -> list[SessionRow]:
    """The viewer's live sessions (not signed out, not idle too long, not expired), the one with `key`
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
    found = [
        SessionRow(s.id, s.user_agent, s.client_ip, s.created_at, s.last_seen_at, is_key(key) and s.token_hash == key)
        for s in rows
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
    events.publish(session, SESSIONS_ENDED, user_id=user.id)
    audit.record(session, actor, 'user.sign_out_session', target_type='auth_session', target_id=session_id, now=now)


def sign_out_everywhere_else(session: Session, actor: Actor, *, key: str, now: datetime | None = None) -> int:
    """End every session of the viewer but the one with `key` (this device); returns how many ended."""
    user = require_signed_in(session, actor)
    now = now or clock.now()
    if not is_key(key):
        raise NotFound('This device has no session to keep.')
    ended = revoke_sessions(session, user_id=user.id, reason='signed out everywhere', now=now, keep_key=key)
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


# Built once (it runs before every page and every API call; building it took half of each lookup's time): plain
# columns, no ORM objects, and a professional's approval in the same statement, not a second query
LIVE_SESSION = (
    select(
        User.id,
        User.role,
        User.name,
        User.email,
        ProfessionalProfile.approval_state,
        User.prefers_dark,
        AuthSession.id,
        AuthSession.last_seen_at,
        AuthSession.expires_at,
    )
    .join(User, User.id == AuthSession.user_id)
    .outerjoin(ProfessionalProfile, ProfessionalProfile.user_id == User.id)
    .where(
        AuthSession.token_hash == bindparam('key'),
        AuthSession.revoked_at.is_(None),
        AuthSession.expires_at > bindparam('now'),
        AuthSession.last_seen_at > bindparam('idle_since'),
        User.is_blocked.is_(False),
    )
)


def _live_session(session: Session, key: str, *, now: datetime) -> tuple[Actor, int, datetime, datetime] | None:
    """The viewer behind a live session, its id, when it was last seen and when it expires."""
    idle_since = now - timedelta(minutes=get_settings().session_idle_minutes)
    row = session.connection().execute(LIVE_SESSION, {'key': key, 'now': now, 'idle_since': idle_since}).one_or_none()
    if row is None:
        return None
    user_id, role, name, email, approval_state, prefers_dark, session_id, last_seen_at, expires_at = row
    actor = Actor(
        id=user_id,
        role=role,
        name=name,
        email=email,
        approval_state=approval_state if role is Role.PROFESSIONAL else None,
        prefers_dark=prefers_dark,
    )
    return actor, session_id, last_seen_at, expires_at
