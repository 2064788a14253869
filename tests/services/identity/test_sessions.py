from __future__ import annotations

from datetime import timedelta

import pytest

from services import Actor, NotFound, PermissionDenied, clock, identity, session_scope
from services.identity import SessionRow
from settings import get_settings
from tests.factories import PASSWORD, block, make_customer, make_professional, sign_in


def live(actor: Actor, token: str, **kwargs) -> list[SessionRow]:
    with session_scope() as session:
        return identity.list_sessions(session, actor, key=token, **kwargs)


def test_user_sees_their_live_sessions_with_this_device_first() -> None:
    customer = make_customer()
    phone = sign_in(customer, client_ip='10.0.0.7', user_agent='Phone browser')
    laptop = sign_in(customer, client_ip='10.0.0.8', user_agent='Laptop browser')
    sign_in(make_customer(), client_ip='10.0.0.9')  # someone else's
    rows = live(customer, phone.key)
    assert [(r.user_agent, r.client_ip, r.is_current) for r in rows] == [
        ('Phone browser', '10.0.0.7', True),
        ('Laptop browser', '10.0.0.8', False),
    ]
    assert rows[0].created_at <= rows[0].last_seen_at
    assert [r.is_current for r in live(customer, laptop.key)] == [True, False]


def test_ended_idle_and_expired_sessions_are_not_listed() -> None:
    customer = make_customer()
    now = clock.now()
    kept = sign_in(customer, now=now)
    signed_out = sign_in(customer, now=now)
    with session_scope(write=True) as session:
        identity.sign_out(session, signed_out.key, now=now)
    sign_in(customer, now=now - timedelta(minutes=get_settings().session_idle_minutes + 1))  # idle too long
    sign_in(customer, now=now - timedelta(hours=get_settings().session_max_hours + 1))  # past its expiry
    assert [r.is_current for r in live(customer, kept.key, now=now)] == [True]


def test_sign_out_everywhere_else_keeps_this_session() -> None:
    customer = make_customer()
    here, elsewhere, also = sign_in(customer), sign_in(customer), sign_in(customer)
    other_user = sign_in(make_customer())
    with session_scope(write=True) as session:
        assert identity.sign_out_everywhere_else(session, customer, key=here.key) == 2
    assert identity.authenticate(here.key).id == customer.id
    assert identity.authenticate(elsewhere.key) is None
    assert identity.authenticate(also.key) is None
    assert identity.authenticate(other_user.key) is not None
    assert [r.is_current for r in live(customer, here.key)] == [True]


def test_user_signs_out_one_other_session() -> None:
    customer = make_customer()
    here, elsewhere = sign_in(customer), sign_in(customer)
    other_id = next(r.id for r in live(customer, here.key) if not r.is_current)
    with session_scope(write=True) as session:
        identity.sign_out_session(session, customer, session_id=other_id)
    assert identity.authenticate(elsewhere.key) is None
    assert identity.authenticate(here.key) is not None
    with session_scope(write=True) as session, pytest.raises(NotFound):
        identity.sign_out_session(session, customer, session_id=other_id)  # ended already


def test_someone_elses_session_does_not_exist_for_you() -> None:
    owner, intruder = make_customer(), make_professional()
    owners = sign_in(owner)
    sign_in(intruder)
    owners_id = live(owner, owners.key)[0].id
    for session_id in (owners_id, 999_999, 'abc', None, -1):
        with session_scope(write=True) as session, pytest.raises(NotFound):
            identity.sign_out_session(session, intruder, session_id=session_id)
    assert identity.authenticate(owners.key).id == owner.id


def test_blocked_or_anonymous_users_list_nothing() -> None:
    customer = make_customer()
    signed_in = sign_in(customer)
    block(customer)
    with session_scope() as session, pytest.raises(PermissionDenied):
        identity.list_sessions(session, customer, key=signed_in.key)
    with session_scope(write=True) as session, pytest.raises(PermissionDenied):
        identity.sign_out_everywhere_else(session, None, key=signed_in.key)


def test_the_sign_in_page_is_told_why_a_session_ended() -> None:
    blocked, changed, kept = make_customer(), make_customer(), make_customer()
    blocked_key, changed_key, kept_key = sign_in(blocked).key, sign_in(changed).key, sign_in(kept).key
    block(blocked)
    identity.change_password(
        changed, current_password=PASSWORD, new_password='a brand new phrase', key=sign_in(changed).key
    )
    assert identity.ended_notice(blocked_key).startswith('An admin blocked this account')
    assert identity.ended_notice(changed_key).startswith('Your password was changed')
    for anything_else in (kept_key, 'not a key', '', None, 42):
        assert identity.ended_notice(anything_else).startswith('Your session ended')


def remembered(key: str, *, now) -> Actor | None:
    return identity.authenticate_remembered(key, now=now)


def test_a_remembered_viewer_is_looked_up_again_once_the_session_would_have_gone_idle() -> None:
    customer = make_customer()
    now = clock.now()
    signed_in = sign_in(customer, now=now)
    assert remembered(signed_in.key, now=now) == signed_in.actor  # remembered from here on
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    assert remembered(signed_in.key, now=now + idle - timedelta(seconds=1)) == signed_in.actor
    assert remembered(signed_in.key, now=now + idle + timedelta(seconds=1)) is None


def test_a_remembered_viewer_is_forgotten_when_their_session_ends_or_they_are_blocked() -> None:
    customer, professional = make_customer(), make_professional()
    now = clock.now()
    mine, theirs = sign_in(customer, now=now), sign_in(professional, now=now)
    assert remembered(mine.key, now=now) == mine.actor and remembered(theirs.key, now=now) == theirs.actor
    with session_scope(write=True) as session:
        identity.sign_out(session, mine.key, now=now)
    assert remembered(mine.key, now=now) is None
    block(professional)
    assert remembered(theirs.key, now=now) is None
