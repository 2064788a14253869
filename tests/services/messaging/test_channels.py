from __future__ import annotations

import pytest

from models.enums import NotificationChannel
from services import Actor, PermissionDenied, ValidationError, messaging, people, session_scope
from services.messaging import ChannelPreference
from tests.factories import block, make_admin, make_customer, make_professional

WEBHOOK = 'https://chat.googleapis.com/v1/spaces/AAAA1234/messages?key=abc&token=xyz'


def set_channel(actor: Actor, channel: object, webhook_url: object = None) -> None:
    with session_scope(write=True) as session:
        messaging.set_channel(session, actor, channel=channel, webhook_url=webhook_url)


def channel_of(actor: Actor) -> ChannelPreference:
    with session_scope() as session:
        return messaging.get_channel(session, actor)


@pytest.mark.parametrize('make', [make_customer, make_professional, make_admin])
def test_everyone_starts_on_email(make) -> None:
    assert channel_of(make()).channel is NotificationChannel.EMAIL


def test_user_chooses_google_chat_with_a_webhook() -> None:
    customer = make_customer()
    set_channel(customer, 'google_chat', f'  {WEBHOOK}  ')
    assert channel_of(customer) == ChannelPreference(NotificationChannel.GOOGLE_CHAT, WEBHOOK, '')


def test_the_webhook_is_kept_when_going_back_to_email() -> None:
    customer = make_customer()
    set_channel(customer, NotificationChannel.GOOGLE_CHAT, WEBHOOK)
    set_channel(customer, 'email', 'ignored for email')
    assert channel_of(customer) == ChannelPreference(NotificationChannel.EMAIL, WEBHOOK, '')


@pytest.mark.parametrize(
    'url',
    [
        None,
        '',
        'http://chat.googleapis.com/v1/spaces/A/messages',  # not https
        'https://chat.googleapis.com/',  # nothing after the host
        'https://chat.googleapis.com.evil.example/v1/spaces/A',  # another host
        'https://evil.example/?https://chat.googleapis.com/',
        'https://chat.googleapis.com:8443/v1/spaces/A',
        'https://user@chat.googleapis.com/v1/spaces/A',
        'HTTPS://CHAT.GOOGLEAPIS.COM/v1/spaces/A',
        'https://chat.googleapis.com/v1/spaces/A B',
        'https://chat.googleapis.com/v1\\spaces',
        'https://chat.googleapis.com/v1/spaces/A\nB',
        'https://chat.googleapis.com/v1/\x00',
        'javascript:alert(1)//https://chat.googleapis.com/',
        'https://chat.googleapis.com/' + 'a' * 500,  # too long
        42,
    ],
)
def test_google_chat_needs_a_webhook_on_chat_googleapis_com(url: object) -> None:
    customer = make_customer()
    with pytest.raises(ValidationError) as refused:
        set_channel(customer, 'google_chat', url)
    assert refused.value.field == 'webhook_url'
    assert channel_of(customer) == ChannelPreference(NotificationChannel.EMAIL, '', '')


def test_sms_needs_a_profile_phone() -> None:
    customer = make_customer(phone='')
    with pytest.raises(ValidationError, match='profile phone') as refused:
        set_channel(customer, 'sms')
    assert refused.value.field == 'channel'
    assert channel_of(customer).channel is NotificationChannel.EMAIL


def test_sms_goes_to_the_profile_phone() -> None:
    professional = make_professional(phone='+919811122233')
    set_channel(professional, 'sms')
    assert channel_of(professional) == ChannelPreference(NotificationChannel.SMS, '', '+919811122233')


def test_with_sms_chosen_the_phone_cannot_be_removed() -> None:
    customer = make_customer(phone='+919811122233')
    set_channel(customer, 'sms')
    with session_scope(write=True) as session, pytest.raises(ValidationError) as refused:
        people.update_profile(session, customer, name='Same', phone='', address='1 Road', pincode='560001')
    assert refused.value.field == 'phone'
    assert channel_of(customer).phone == '+919811122233'


@pytest.mark.parametrize('channel', ['fax', '', None, 'EMAIL', 3])
def test_unknown_channel_is_refused(channel: object) -> None:
    customer = make_customer()
    with pytest.raises(ValidationError) as refused:
        set_channel(customer, channel)
    assert refused.value.field == 'channel'


def test_blocked_or_signed_out_users_change_nothing() -> None:
    customer = make_customer()
    block(customer)
    with pytest.raises(PermissionDenied):
        set_channel(customer, 'email')
    with pytest.raises(PermissionDenied):
        set_channel(None, 'email')
