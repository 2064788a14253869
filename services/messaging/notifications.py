"""Notifications: written by the domain in the unit that causes them; each user reads only their own."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from models import Notification
from services.core import clock, events, validation
from services.core.access import require_signed_in
from services.core.errors import NotFound, ValidationError
from services.core.rows import Actor
from services.messaging.rows import NotificationRow

MAX_MESSAGE = 500
UNREAD_CHANGED = 'notification.changed'  # {user_id}: the bell's count may have changed
NOTIFICATIONS_PER_PAGE = 50
MAX_PAGE = 2**31 - 1  # a larger page size is the same as the largest: NOTIFICATIONS_PER_PAGE
STALE = 'That page link is no longer valid. Start from the newest notifications.'
INSERT = insert(Notification)


def notify(
    session: Session,
    user_id: int,
    kind: str,
    message: str,
    *,
    request_id: int | None = None,
    now: datetime | None = None,
    dispatched: bool = False,
) -> None:
    """Tell `user_id` about something; committed (or rolled back) with the change itself. `dispatched`: a message
    of its own says it outside the app already, so the digest does not send it again."""
    now = now or clock.now()
    row = {
        'user_id': user_id,
        'kind': kind,
        'message': message[:MAX_MESSAGE],
        'request_id': request_id,
        'created_at': now,
        'dispatched_at': now if dispatched else None,
    }
    session.flush()  # the request it points at may still be pending in the unit
    session.connection().execute(INSERT, row)  # past the ORM's unit of work: nothing reads it back in this unit
    events.publish(session, UNREAD_CHANGED, user_id=user_id)


def list_notifications(
    session: Session, actor: Actor, *, before_id: Any = None, limit: Any = NOTIFICATIONS_PER_PAGE
) -> list[NotificationRow]:
    """The viewer's newest notifications first; `before_id` (an id, or its digits from the URL) continues after the
    last one shown, and anything else is a stale link."""
    user = require_signed_in(session, actor)
    size = validation.whole_number(limit, field='limit', label='Page size', minimum=1, maximum=MAX_PAGE)
    query = select(Notification).where(Notification.user_id == user.id)
    if before_id not in (None, ''):
        query = query.where(Notification.id < _cursor_id(before_id))
    rows = session.scalars(query.order_by(Notification.id.desc()).limit(min(size, NOTIFICATIONS_PER_PAGE)))
    return [NotificationRow(n.id, n.kind, n.message, n.request_id, n.created_at, n.read_at is not None) for n in rows]


def count_unread(session: Session, actor: Actor) -> int:
    """How many of the viewer's notifications are unread (the frame's bell)."""
    user = require_signed_in(session, actor)
    return session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def mark_read(session: Session, actor: Actor, *, notification_id: Any, now: datetime | None = None) -> None:
    """Mark one of the viewer's notifications read; someone else's (or no id at all) does not exist for them."""
    user = require_signed_in(session, actor)
    wanted = validation.to_id(notification_id, Notification.id)
    found = (
        wanted is not None
        and session.execute(
            update(Notification)
            .where(Notification.id == wanted, Notification.user_id == user.id)
            .values(read_at=func.coalesce(Notification.read_at, now or clock.now()))
        ).rowcount
    )
    if found != 1:
        raise NotFound('That notification does not exist.')
    events.publish(session, UNREAD_CHANGED, user_id=user.id)


def mark_all_read(session: Session, actor: Actor, *, now: datetime | None = None) -> int:
    """Mark every unread notification of the viewer read; returns how many."""
    user = require_signed_in(session, actor)
    marked = session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now or clock.now())
    ).rowcount
    if marked:
        events.publish(session, UNREAD_CHANGED, user_id=user.id)
    return marked


def _cursor_id(before_id: Any) -> int:
    """The id a page of notifications continues after (see `validation.to_id`); junk is a stale link, not a crash."""
    wanted = validation.to_id(before_id, Notification.id)
    if wanted is None:
        raise ValidationError(STALE, field='before_id')
    return wanted
