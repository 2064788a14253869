"""Messages to people: in-app notifications (written in the unit of the change that causes them) and the channel
each user chose for messages outside the app."""

from services.messaging.channels import get_channel, set_channel
from services.messaging.notifications import (
    NOTIFICATIONS_PER_PAGE,
    count_unread,
    list_notifications,
    mark_all_read,
    mark_read,
    notify,
)
from services.messaging.rows import ChannelPreference, NotificationRow

__all__ = [
    'NOTIFICATIONS_PER_PAGE',
    'ChannelPreference',
    'NotificationRow',
    'count_unread',
    'get_channel',
    'list_notifications',
    'mark_all_read',
    'mark_read',
    'notify',
    'set_channel',
]
