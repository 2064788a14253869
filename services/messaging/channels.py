"""Where a user's messages go besides the app: email, a Google Chat webhook, or SMS to their profile phone."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.enums import PERSONAL_CHANNELS, NotificationChannel
from services.core import validation
from services.core.access import require_signed_in
from services.core.errors import ValidationError
from services.core.rows import Actor
from services.messaging.rows import ChannelPreference


def get_channel(session: Session, actor: Actor) -> ChannelPreference:
    """The viewer's channel for messages outside the app, with what the other channels would use."""
    user = require_signed_in(session, actor)
    return ChannelPreference(user.notification_channel, user.chat_webhook_url or '', user.phone or '')


def set_channel(session: Session, actor: Actor, *, channel: object, webhook_url: object = None) -> None:
    """Email is always possible; Google Chat needs a webhook URL on https://chat.googleapis.com/ (kept for later
    when another channel is chosen); SMS goes to the profile phone, so it needs one."""
    user = require_signed_in(session, actor)
    if not isinstance(channel, str) or channel not in PERSONAL_CHANNELS:  # a webhook is an admin's endpoint
        raise ValidationError('Choose email, Google Chat or SMS.', field='channel')
    chosen = NotificationChannel(channel)
    if chosen is NotificationChannel.GOOGLE_CHAT:
        user.chat_webhook_url = validation.chat_webhook_url(webhook_url)
    if chosen is NotificationChannel.SMS and not user.phone:
        raise ValidationError('SMS goes to your profile phone: add one to your profile first.', field='channel')
    user.notification_channel = chosen
