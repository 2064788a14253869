"""Telling someone their password changed (ASVS V2.2.3, V2.5.5): if it was not them, the notice is how they learn it.
It goes to the account's email whatever channel they chose for other messages (a stolen session could have pointed
that channel somewhere else), is queued in the unit of the change (so it goes out only if the change commits) and
never carries the password."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from models.enums import NotificationChannel
from services import messaging
from settings import get_settings

KIND = 'password'


def tell_password_changed(session: Session, *, user_id: int, name: str, by_admin: bool, now: datetime) -> None:
    """Queue the notice email (one per change: the key holds its time) and say it in the app too; the in-app
    notification is marked sent outside already, so the digest does not repeat it on their chosen channel."""
    changed_on = now.astimezone(get_settings().zone).strftime('%a %d %b %Y, %H:%M %Z')
    message = messaging.render('password_changed', name=name, changed_on=changed_on, by_admin=by_admin)
    key = f'password:{user_id}:{now.isoformat()}'
    channel = NotificationChannel.EMAIL
    messaging.queue(session, user_id=user_id, kind=KIND, key=key, message=message, channel=channel, now=now)
    text = f'Your password was changed on {changed_on}. If this was not you, ask the administrator to reset it now.'
    messaging.notify(session, user_id, 'account.password_changed', text, now=now, dispatched=True)
