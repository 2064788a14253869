"""Messages to people: in-app notifications (written in the unit of the change that causes them), each user's
channel for messages outside the app, and the outbox that sends them there (email, Google Chat, SMS) at least once:
queued in the deciding unit, batched for notifications, delivered after commit with retries, watched by admins."""

from services.messaging.channels import get_channel, set_channel
from services.messaging.delivery import DeliveryReport, RunClock, backoff, deliver_due
from services.messaging.digest import dispatch_notifications
from services.messaging.notifications import (
    NOTIFICATIONS_PER_PAGE,
    UNREAD_CHANGED,
    count_unread,
    list_notifications,
    mark_all_read,
    mark_read,
    notify,
)
from services.messaging.outbox import DELIVER_JOB, OUTBOX_CHANGED, queue, queue_webhook
from services.messaging.outbox_admin import (
    count_by_state,
    list_outbox,
    retry_all_failed,
    retry_message,
    send_test_message,
    shown_url,
    test_channels,
)
from services.messaging.render import Attachment, Message, render
from services.messaging.rows import ChannelPreference, NotificationRow, OutboxPage, OutboxRow, TestChannels

__all__ = [
    'DELIVER_JOB',
    'NOTIFICATIONS_PER_PAGE',
    'OUTBOX_CHANGED',
    'UNREAD_CHANGED',
    'Attachment',
    'ChannelPreference',
    'DeliveryReport',
    'Message',
    'NotificationRow',
    'OutboxPage',
    'OutboxRow',
    'RunClock',
    'TestChannels',
    'backoff',
    'count_by_state',
    'count_unread',
    'deliver_due',
    'dispatch_notifications',
    'get_channel',
    'list_notifications',
    'list_outbox',
    'mark_all_read',
    'mark_read',
    'notify',
    'queue',
    'queue_webhook',
    'render',
    'retry_all_failed',
    'retry_message',
    'send_test_message',
    'set_channel',
    'shown_url',
    'test_channels',
]
