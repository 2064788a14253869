"""Checklist L7 (ASVS V2.2.3, V2.5.5): a changed or reset password is told to the account's email, over real SMTP on
loopback, whatever channel the person chose for other messages, and the notice never carries a password."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import OutboxMessage
from models.enums import NotificationChannel
from services import Actor, ValidationError, identity, messaging, session_scope
from tests.conftest import Outside
from tests.factories import OPERATOR, PASSWORD, make_customer, sign_in

NEW_PASSWORD = 'a brand new secret phrase'
WEBHOOK = 'https://chat.googleapis.com/v1/spaces/AAAA1234/messages?key=secret-key&token=secret-token'


def change(actor: Actor, current: str = PASSWORD) -> None:
    signed_in = sign_in(actor)
    identity.change_password(actor, current_password=current, new_password=NEW_PASSWORD, key=signed_in.key)


def reset(actor: Actor) -> None:
    with session_scope(write=True) as session:
        identity.reset_password(session, OPERATOR, email=actor.email, new_password=NEW_PASSWORD)


def the_one_notice(outside: Outside, actor: Actor) -> str:
    """Deliver the outbox and return the text of the single email the person got (subject and both parts)."""
    messaging.deliver_due()
    [email] = outside.smtp.to(actor.email)
    parts = [email['Subject'], email.get_body(('plain',)).get_content(), email.get_body(('html',)).get_content()]
    return '\n'.join(parts)


def assert_says_changed_without_passwords(notice: str) -> None:
    assert 'Your Household Services password was changed on' in notice
    assert 'If this was not you' in notice
    assert PASSWORD not in notice
    assert NEW_PASSWORD not in notice


def outbox_count() -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def test_a_password_change_emails_one_notice_without_the_passwords(outside: Outside) -> None:
    customer = make_customer()
    change(customer)
    assert_says_changed_without_passwords(the_one_notice(outside, customer))


def test_an_operator_reset_emails_one_notice_without_the_passwords(outside: Outside) -> None:
    customer = make_customer()
    reset(customer)
    notice = the_one_notice(outside, customer)
    assert_says_changed_without_passwords(notice)
    assert 'by an administrator' in notice


def test_a_wrong_current_password_queues_no_notice_and_the_right_one_then_does(outside: Outside) -> None:
    customer = make_customer()
    with pytest.raises(ValidationError):
        change(customer, current='not the password at all')
    assert outbox_count() == 0
    change(customer)
    assert outbox_count() == 1
    assert_says_changed_without_passwords(the_one_notice(outside, customer))


@pytest.mark.parametrize('act', [change, reset], ids=['change', 'reset'])
def test_the_notice_goes_by_email_even_to_someone_on_google_chat(outside: Outside, act) -> None:
    customer = make_customer()
    with session_scope(write=True) as session:
        messaging.set_channel(session, customer, channel=NotificationChannel.GOOGLE_CHAT.value, webhook_url=WEBHOOK)
    act(customer)
    assert_says_changed_without_passwords(the_one_notice(outside, customer))
    assert outside.http.to('/chat/') == []
