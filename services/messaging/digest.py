"""Transactional messages: the in-app notifications (accepted, withdrawn, cancelled, completed, addressed to you,
approved, rejected, blocked...) also go out on each person's channel, batched: a burst of notifications becomes one
message once it has been quiet for `notify_quiet_seconds` (or its oldest has waited `notify_max_delay_seconds`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from models import Notification, User
from models.enums import Role
from services.core import clock
from services.messaging import outbox
from services.messaging.render import render
from settings import get_settings

N = Notification
REQUEST_PAGES = {
    Role.CUSTOMER: '/customer/requests/{}',
    Role.PROFESSIONAL: '/professional/requests/{}',
    Role.ADMIN: '/admin/requests/{}',
}
MAX_ITEMS = 20  # per message; the rest wait for the next run


def dispatch_notifications(session: Session, *, now: datetime | None = None) -> int:
    """Queue one message per person whose undelivered notifications are due, and mark those notifications
    dispatched. Notifications older than `notify_max_age_hours` are marked without sending. Returns how many
    messages were queued."""
    now = now or clock.now()
    _skip_stale(session, now)
    return sum(_dispatch_to(session, user_id, now) for user_id in _due_recipients(session, now))


def _skip_stale(session: Session, now: datetime) -> None:
    too_old = now - timedelta(hours=get_settings().notify_max_age_hours)
    session.execute(update(N).where(N.dispatched_at.is_(None), N.created_at < too_old).values(dispatched_at=now))


def _due_recipients(session: Session, now: datetime) -> list[int]:
    settings = get_settings()
    quiet = now - timedelta(seconds=settings.notify_quiet_seconds)
    waited = now - timedelta(seconds=settings.notify_max_delay_seconds)
    query = (
        select(N.user_id)
        .where(N.dispatched_at.is_(None))
        .group_by(N.user_id)
        .having(or_(func.max(N.created_at) <= quiet, func.min(N.created_at) <= waited))
        .order_by(N.user_id)
    )
    return list(session.scalars(query))


def _dispatch_to(session: Session, user_id: int, now: datetime) -> int:
    user = session.get(User, user_id)
    query = select(N).where(N.user_id == user_id, N.dispatched_at.is_(None)).order_by(N.id).limit(MAX_ITEMS)
    notes = list(session.scalars(query.with_for_update()))
    if user is None or not notes:
        return 0
    items = [{'message': note.message, 'link': _link(user, note)} for note in notes]
    message = render('notifications', name=user.name, items=items)
    key = f'notifications:{user_id}:{notes[0].id}-{notes[-1].id}'
    queued = outbox.queue(session, user_id=user_id, kind='notifications', key=key, message=message, now=now)
    session.execute(update(N).where(N.id.in_([note.id for note in notes])).values(dispatched_at=now))
    return int(queued)


def _link(user: User, note: Notification) -> str | None:
    if note.request_id is None:
        return None
    return get_settings().public_url + REQUEST_PAGES[user.role].format(note.request_id)
