"""Webhooks through the outbox to a real local HTTP receiver: written in the unit of the change, signed so that the
Standard Webhooks library verifies them, carrying what a receiver needs, retried then failed, signed with the secret
as it is at send time, and never sent to an address that is not public."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from models import AuditEvent, OutboxMessage
from models.enums import OutboxState
from services import Actor, PermissionDenied, ValidationError, messaging, requests, session_scope, webhooks
from tests.conftest import Outside
from tests.factories import (
    accept_request,
    book_request,
    make_admin,
    make_approved_professional,
    make_customer,
    make_service,
    slot,
)

NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def receiver(outside: Outside, monkeypatch: pytest.MonkeyPatch) -> Outside:
    """The test's receiver listens on loopback: that one network is allowed, as an operator would allow theirs."""
    monkeypatch.setenv('HSA_WEBHOOK_ALLOWED_NETWORKS', '127.0.0.1/32')
    return outside


def add(admin: Actor, url: str, *events: str) -> webhooks.NewSecret:
    with session_scope(write=True) as session:
        return webhooks.add_endpoint(session, admin, url=url, event_types=list(events), description='CRM')


def deliveries() -> list[OutboxMessage]:
    with session_scope() as session:
        found = list(session.scalars(select(OutboxMessage).where(OutboxMessage.webhook_endpoint_id.is_not(None))))
        session.expunge_all()
    return found


def booked_and_accepted() -> tuple[int, Actor, Actor]:
    service = make_service(name='Deep Cleaning')
    customer = make_customer(name='Meera Iyer', phone='+919876543210')
    professional = make_approved_professional(name='Ravi Kumar', phone='+919812345678', service_id=service.id)
    request_id = book_request(customer, service.id, now=NOW)
    accept_request(professional, request_id, now=NOW)
    return request_id, customer, professional


def test_a_wanted_event_arrives_signed_with_names_phones_and_slot(receiver: Outside) -> None:
    admin = make_admin()
    endpoint = add(admin, f'{receiver.http.url}/hooks/crm', 'request.booked', 'request.accepted')
    request_id, _, _ = booked_and_accepted()
    report = messaging.deliver_due()
    assert len(report.sent) == 2
    booked, accepted = receiver.http.to('/hooks/crm')
    verified = Webhook(endpoint.secret).verify(accepted.raw, accepted.headers)
    assert verified['type'] == 'request.accepted'
    request = verified['data']['request']
    assert request['id'] == request_id
    assert request['status'] == 'assigned'
    assert request['service']['name'] == 'Deep Cleaning'
    assert request['customer'] == {'id': request['customer']['id'], 'name': 'Meera Iyer', 'phone': '+919876543210'}
    assert request['professional']['name'] == 'Ravi Kumar'
    assert request['professional']['phone'] == '+919812345678'
    assert request['slot']['starts_at'].endswith('+05:30')
    assert request['price'] == {'amount': 49900, 'currency': 'INR'}
    assert Webhook(endpoint.secret).verify(booked.raw, booked.headers)['data']['request']['professional'] is None
    assert booked.headers['webhook-id'] != accepted.headers['webhook-id']


def test_only_active_endpoints_that_asked_for_the_event_get_it(receiver: Outside) -> None:
    admin = make_admin()
    add(admin, f'{receiver.http.url}/hooks/booked', 'request.booked')
    wants_accepted = add(admin, f'{receiver.http.url}/hooks/accepted', 'request.accepted')
    switched_off = add(admin, f'{receiver.http.url}/hooks/off', 'request.booked', 'request.accepted')
    with session_scope(write=True) as session:
        webhooks.switch_endpoint(session, admin, endpoint_id=switched_off.endpoint.id, on=False)
    booked_and_accepted()
    messaging.deliver_due()
    assert [r.body['type'] for r in receiver.http.to('/hooks/booked')] == ['request.booked']
    assert [r.body['type'] for r in receiver.http.to('/hooks/accepted')] == ['request.accepted']
    assert receiver.http.to('/hooks/off') == []
    assert {d.webhook_endpoint_id for d in deliveries()} == {wants_accepted.endpoint.id, wants_accepted.endpoint.id - 1}


def test_a_change_that_rolls_back_sends_nothing(receiver: Outside) -> None:
    add(make_admin(), f'{receiver.http.url}/hooks/crm', 'request.booked')
    service, customer = make_service(), make_customer()
    with pytest.raises(RuntimeError), session_scope(write=True) as session:
        requests.book(session, customer, service_id=service.id, scheduled_at=slot(NOW), now=NOW)
        raise RuntimeError('the unit fails after the booking')
    assert deliveries() == []


def test_a_receiver_that_fails_gets_retries_then_failed_then_a_retry_from_the_admin(
    receiver: Outside, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('HSA_OUTBOX_MAX_ATTEMPTS', '3')
    admin = make_admin()
    add(admin, f'{receiver.http.url}/hooks/down', 'request.booked')
    receiver.http.answer('/hooks/down', 500)
    book_request(make_customer(), make_service().id, now=NOW)
    outcomes = [messaging.deliver_due() for _ in range(3)]
    assert [bool(o.retrying) for o in outcomes] == [True, True, False]
    [delivery] = deliveries()
    assert (delivery.state, delivery.attempts) == (OutboxState.FAILED, 3)
    assert delivery.last_error.startswith('HTTP 500 from 127.0.0.1')
    posts = receiver.http.to('/hooks/down')
    assert len(posts) == 3
    assert {p.headers['webhook-id'] for p in posts} == {delivery.idempotency_key}  # one id for every attempt
    receiver.http.answer('/hooks/down', 200)  # the receiver is back
    with session_scope(write=True) as session:
        messaging.retry_message(session, admin, message_id=delivery.id)
    assert messaging.deliver_due().sent == [delivery.id]
    assert deliveries()[0].state is OutboxState.SENT


def test_a_delivery_is_signed_with_the_secret_as_it_is_when_sent(receiver: Outside) -> None:
    admin = make_admin()
    endpoint = add(admin, f'{receiver.http.url}/hooks/crm', 'request.booked')
    book_request(make_customer(), make_service().id, now=NOW)
    with session_scope(write=True) as session:
        rotated = webhooks.rotate_secret(session, admin, endpoint_id=endpoint.endpoint.id)
    messaging.deliver_due()
    [received] = receiver.http.to('/hooks/crm')
    assert Webhook(rotated).verify(received.raw, received.headers)['type'] == 'request.booked'
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(received.raw, received.headers)


def test_an_address_that_stopped_being_allowed_is_refused_at_send(
    receiver: Outside, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(make_admin(), f'{receiver.http.url}/hooks/crm', 'request.booked')
    book_request(make_customer(), make_service().id, now=NOW)
    monkeypatch.setenv('HSA_WEBHOOK_ALLOWED_NETWORKS', '')  # as if the name now resolved to a private address
    assert messaging.deliver_due().failed
    [delivery] = deliveries()
    assert delivery.state is OutboxState.FAILED
    assert 'loopback' in delivery.last_error
    assert receiver.http.to('/hooks/crm') == []


@pytest.mark.parametrize(
    ('url', 'why'),
    [
        ('http://127.0.0.1:8080/hook', 'loopback'),
        ('http://localhost/hook', 'loopback'),
        ('http://[::1]/hook', 'loopback'),
        ('http://[::ffff:127.0.0.1]/hook', 'loopback'),
        ('http://[::7f00:1]/hook', 'loopback'),  # IPv4-compatible
        ('http://[64:ff9b::a00:1]/hook', 'private'),  # NAT64 to 10.0.0.1
        ('http://[2002:a00:1::]/hook', 'private'),  # 6to4 from 10.0.0.1
        ('http://[fd00::1]/hook', 'private'),
        ('http://[fe80::1]/hook', 'link-local'),
        ('http://10.1.2.3/hook', 'private'),
        ('http://192.168.1.10/hook', 'private'),
        ('http://169.254.169.254/latest/meta-data', 'link-local'),
        ('http://0.0.0.0/hook', 'unspecified'),
        ('http://224.0.0.1/hook', 'multicast'),
        ('ftp://example.com/hook', 'https://'),
        ('https://user:secret@example.com/hook', 'no user name'),
        ('https:///hook', 'host name'),
        ('https://example.com:99999/hook', 'not a URL'),
        ('https://example.com/a path', 'percent-encoded'),
    ],
)
def test_an_address_that_is_not_public_is_refused_when_registered(url: str, why: str) -> None:
    admin = make_admin()
    with pytest.raises(ValidationError, match=why), session_scope(write=True) as session:
        webhooks.add_endpoint(session, admin, url=url, event_types=['request.booked'])
    with session_scope() as session:
        assert webhooks.list_endpoints(session, admin) == ()


def test_production_takes_https_only(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = make_admin()
    monkeypatch.setenv('HSA_ENV', 'production')
    with pytest.raises(ValidationError, match='https://'), session_scope(write=True) as session:
        webhooks.add_endpoint(session, admin, url='http://hooks.example.com/in', event_types=['request.booked'])


@pytest.mark.parametrize('events', [[], 'request.booked', ['request.booked', 'request.teleported'], None])
def test_the_events_must_be_a_list_of_known_ones(receiver: Outside, events: object) -> None:
    with pytest.raises(ValidationError, match='event'), session_scope(write=True) as session:
        webhooks.add_endpoint(session, make_admin(), url=f'{receiver.http.url}/h', event_types=events)


def test_only_admins_manage_endpoints(receiver: Outside) -> None:
    endpoint = add(make_admin(), f'{receiver.http.url}/hooks/crm', 'request.booked').endpoint
    for actor in (make_customer(), make_approved_professional()):
        with session_scope(write=True) as session:
            for call in (
                webhooks.list_endpoints,
                lambda s, a: webhooks.add_endpoint(s, a, url=f'{receiver.http.url}/x', event_types=['request.booked']),
                lambda s, a: webhooks.rotate_secret(s, a, endpoint_id=endpoint.id),
                lambda s, a: webhooks.remove_endpoint(s, a, endpoint_id=endpoint.id),
                lambda s, a: webhooks.list_deliveries(s, a, endpoint_id=endpoint.id),
                lambda s, a: webhooks.send_test_event(s, a, endpoint_id=endpoint.id),
            ):
                with pytest.raises(PermissionDenied):
                    call(session, actor)


def test_every_change_to_an_endpoint_is_audited_and_removing_it_removes_its_deliveries(receiver: Outside) -> None:
    admin = make_admin()
    endpoint = add(admin, f'{receiver.http.url}/hooks/crm', 'request.booked').endpoint
    with session_scope(write=True) as session:
        webhooks.edit_endpoint(
            session, admin, endpoint_id=endpoint.id, url=f'{receiver.http.url}/hooks/v2', event_types=['user.blocked']
        )
        webhooks.send_test_event(session, admin, endpoint_id=endpoint.id)
        webhooks.rotate_secret(session, admin, endpoint_id=endpoint.id)
        webhooks.switch_endpoint(session, admin, endpoint_id=endpoint.id, on=False)
    assert len(deliveries()) == 1
    with session_scope(write=True) as session:
        webhooks.remove_endpoint(session, admin, endpoint_id=endpoint.id)
    with session_scope() as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == 'webhook_endpoint')).all()
    assert actions == [
        'webhook.add',
        'webhook.edit',
        'webhook.test',
        'webhook.rotate_secret',
        'webhook.switch_off',
        'webhook.remove',
    ]
    assert deliveries() == []


def test_a_test_event_reaches_the_endpoint(receiver: Outside) -> None:
    admin = make_admin()
    endpoint = add(admin, f'{receiver.http.url}/hooks/crm', 'user.blocked')
    with session_scope(write=True) as session:
        sent_id = webhooks.send_test_event(session, admin, endpoint_id=endpoint.endpoint.id)
    messaging.deliver_due()
    [received] = receiver.http.to('/hooks/crm')
    assert received.headers['webhook-id'] == sent_id
    assert Webhook(endpoint.secret).verify(received.raw, received.headers)['type'] == 'webhook.test'


def test_a_payload_says_what_the_change_made_and_who_it_was(receiver: Outside) -> None:
    """The lifecycle writes past the unit's copy of the request (UPDATE ... RETURNING): the payload reads it again.
    A withdrawal names the professional who withdrew, though the request names nobody after it."""
    add(make_admin(), f'{receiver.http.url}/hooks/crm', 'request.edited', 'request.withdrawn')
    service = make_service()
    customer = make_customer()
    professional = make_approved_professional(name='Ravi Kumar', service_id=service.id)
    edited_id = book_request(customer, service.id, now=NOW)
    with session_scope(write=True) as session:
        requests.edit(session, customer, request_id=edited_id, address='42 New Street, Pune', now=NOW)
    withdrawn_id = book_request(customer, service.id, now=NOW, at=slot(NOW, index=1))
    accept_request(professional, withdrawn_id, now=NOW)
    with session_scope(write=True) as session:
        requests.withdraw(session, professional, request_id=withdrawn_id, reason='My van broke down', now=NOW)
    messaging.deliver_due()
    edited, withdrawn = (r.body['data']['request'] for r in receiver.http.to('/hooks/crm'))
    assert (edited['id'], edited['address']) == (edited_id, '42 New Street, Pune')
    assert (withdrawn['id'], withdrawn['status'], withdrawn['professional']['name']) == (
        withdrawn_id,
        'requested',
        'Ravi Kumar',
    )


def test_a_receiver_that_answers_a_byte_at_a_time_is_cut_off_at_the_timeout(
    receiver: Outside, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each read gets a byte before the socket's timeout, but the whole answer would take ten seconds: the send ends
    at delivery_timeout_seconds, so it stays within the lease the outbox budgets for it."""
    monkeypatch.setenv('HSA_DELIVERY_TIMEOUT_SECONDS', '1')
    listener = socket.create_server(('127.0.0.1', 0))
    port = listener.getsockname()[1]

    def dribble() -> None:
        connection, _ = listener.accept()
        with connection, contextlib.suppress(OSError):
            connection.recv(65536)
            for byte in b'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n':
                connection.sendall(bytes([byte]))
                time.sleep(0.25)

    threading.Thread(target=dribble, daemon=True).start()
    admin = make_admin()
    endpoint = add(admin, f'http://127.0.0.1:{port}/slow', 'request.booked')
    with session_scope(write=True) as session:
        webhooks.send_test_event(session, admin, endpoint_id=endpoint.endpoint.id)
    started = time.monotonic()
    report = messaging.deliver_due()
    assert time.monotonic() - started < 3
    assert report.retrying
    listener.close()


def test_what_waited_while_an_endpoint_was_off_goes_out_when_it_is_switched_on(receiver: Outside) -> None:
    admin = make_admin()
    endpoint = add(admin, f'{receiver.http.url}/hooks/crm', 'request.booked').endpoint
    book_request(make_customer(), make_service().id, now=NOW)
    with session_scope(write=True) as session:
        webhooks.switch_endpoint(session, admin, endpoint_id=endpoint.id, on=False)
    assert messaging.deliver_due().not_configured  # claimed while off: it waits
    assert receiver.http.to('/hooks/crm') == []
    with session_scope(write=True) as session:
        webhooks.switch_endpoint(session, admin, endpoint_id=endpoint.id, on=True)
    assert messaging.deliver_due().sent
    assert [r.body['type'] for r in receiver.http.to('/hooks/crm')] == ['request.booked']


def test_an_endpoint_gone_before_the_unit_writes_its_delivery_does_not_stop_the_change(receiver: Outside) -> None:
    """Another admin removed it after this unit read the endpoints: no delivery, no foreign-key failure."""
    with session_scope(write=True) as session:
        written = messaging.queue_webhook(
            session,
            endpoint_id=10**6,
            owner_id=make_admin().id,
            url='https://x.example/',
            event_type='t',
            payload='{}',
            now=NOW,
        )
    assert written is None
    assert deliveries() == []
