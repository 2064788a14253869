"""`/admin/webhooks`: the endpoints with their deliveries; adding one shows its secret once and a refused URL keeps
the dialog open with the reason; switching off, a new secret and removing go through the service layer and are
audited; only admins get in."""

from __future__ import annotations

import pytest
from nicegui.testing import User
from sqlalchemy import select

from models import AuditEvent, WebhookEndpoint
from models.enums import OutboxState
from services import Actor, messaging, session_scope, webhooks
from tests.factories import make_admin, make_customer
from tests.pages.support import path_of
from tests.pages.test_admin_services_page import open_page, wait_for
from tests.servers import HttpSink

PAGE = '/admin/webhooks'


@pytest.fixture
def receiver(http_sink: HttpSink, monkeypatch: pytest.MonkeyPatch) -> HttpSink:
    http_sink.reset()
    monkeypatch.setenv('HSA_WEBHOOK_ALLOWED_NETWORKS', '127.0.0.1/32')
    monkeypatch.setenv('HSA_OUTBOX_RETRY_SECONDS', '0')
    return http_sink


def endpoints() -> list[WebhookEndpoint]:
    with session_scope() as session:
        found = list(session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))
        session.expunge_all()
    return found


def added(admin: Actor, url: str) -> int:
    with session_scope(write=True) as session:
        return webhooks.add_endpoint(session, admin, url=url, event_types=['request.booked']).endpoint.id


async def test_adding_an_endpoint_shows_its_secret_once(user: User, receiver: HttpSink) -> None:
    admin = make_admin()
    await open_page(user, admin, PAGE, 'webhook-empty')
    user.find(marker='webhook-add').click()
    await user.should_see(marker='webhook-form-url')
    user.find(marker='webhook-form-url').type(f'{receiver.url}/hooks/crm')
    user.find(marker='webhook-form-description').type('Our CRM')
    user.find(marker='webhook-form-events').elements.pop().value = ['request.booked', 'request.accepted']
    user.find(marker='webhook-form-save').click()
    await user.should_see(marker='webhook-secret', retries=50)
    [endpoint] = endpoints()
    assert user.find(marker='webhook-secret').elements.pop().value == endpoint.secret
    assert (endpoint.url, endpoint.description, endpoint.event_types) == (
        f'{receiver.url}/hooks/crm',
        'Our CRM',
        ['request.booked', 'request.accepted'],
    )
    user.find(marker='webhook-secret-done').click()
    await user.should_see(marker=f'webhook-{endpoint.id}')
    await user.should_see('Receives: A customer booked a request, A professional accepted a request')
    await user.should_not_see(endpoint.secret)


async def test_a_private_address_is_refused_in_the_dialog_and_nothing_is_added(user: User) -> None:
    await open_page(user, make_admin(), PAGE, 'webhook-empty')
    user.find(marker='webhook-add').click()
    await user.should_see(marker='webhook-form-url')
    user.find(marker='webhook-form-url').type('http://169.254.169.254/latest/meta-data')
    user.find(marker='webhook-form-events').elements.pop().value = ['user.blocked']
    user.find(marker='webhook-form-save').click()
    await user.should_see('169.254.169.254 is a link-local address: webhooks go to public addresses only.', retries=50)
    await user.should_see(marker='webhook-form-save')  # the dialog stays, with what was typed
    assert endpoints() == []


async def test_a_failed_delivery_shows_its_error_and_retry_sends_it(
    user: User, receiver: HttpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('HSA_OUTBOX_MAX_ATTEMPTS', '1')
    admin = make_admin()
    endpoint_id = added(admin, f'{receiver.url}/hooks/down')
    receiver.answer('/hooks/down', 503)
    with session_scope(write=True) as session:
        webhooks.send_test_event(session, admin, endpoint_id=endpoint_id)
    [failed] = messaging.deliver_due().failed
    await open_page(user, admin, PAGE, f'delivery-{failed}-retry')
    error = user.find(marker=f'delivery-{failed}-error').elements.pop().text
    assert error.startswith(f'Last error: HTTP 503 from 127.0.0.1:{receiver.port}')
    receiver.answer('/hooks/down', 200)
    user.find(marker=f'delivery-{failed}-retry').click()
    await user.should_see('Queued again from the first attempt.', retries=50)
    assert messaging.deliver_due().sent == [failed]
    with session_scope() as session:
        [delivery] = webhooks.list_deliveries(session, admin, endpoint_id=endpoint_id)
    assert delivery.state is OutboxState.SENT


async def test_switch_off_new_secret_and_remove_are_audited(user: User, receiver: HttpSink) -> None:
    admin = make_admin()
    endpoint_id = added(admin, f'{receiver.url}/hooks/crm')
    before = endpoints()[0].secret
    await open_page(user, admin, PAGE, f'webhook-{endpoint_id}-switch')
    user.find(marker=f'webhook-{endpoint_id}-switch').click()
    await wait_for(lambda: not endpoints()[0].is_active)
    await user.should_see('Switch on', retries=50)  # the list was drawn again
    user.find(marker=f'webhook-{endpoint_id}-rotate').click()
    await user.should_see(marker='webhook-rotate-confirm')
    user.find(marker='webhook-rotate-confirm').click()
    await user.should_see(marker='webhook-secret', retries=50)
    assert endpoints()[0].secret not in (before, '')
    user.find(marker='webhook-secret-done').click()
    await user.should_not_see(marker='webhook-secret-done')
    user.find(marker=f'webhook-{endpoint_id}-remove').click()
    await user.should_see(marker='webhook-remove-confirm')
    user.find(marker='webhook-remove-confirm').click()
    await wait_for(lambda: endpoints() == [])
    with session_scope() as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == endpoint_id)).all()
    assert [a for a in actions if a.startswith('webhook.')] == [
        'webhook.add',
        'webhook.switch_off',
        'webhook.rotate_secret',
        'webhook.remove',
    ]


async def test_others_are_sent_to_their_own_home(user: User) -> None:
    await open_page(user, make_customer(), '/customer', 'frame-user-name')
    await user.open(PAGE)
    await user.should_see(marker='frame-user-name')
    assert path_of(user) == '/customer'


async def test_editing_keeps_the_secret_and_changes_the_url_and_events(user: User, receiver: HttpSink) -> None:
    admin = make_admin()
    endpoint_id = added(admin, f'{receiver.url}/hooks/old')
    secret = endpoints()[0].secret
    await open_page(user, admin, PAGE, f'webhook-{endpoint_id}-edit')
    user.find(marker=f'webhook-{endpoint_id}-edit').click()
    await user.should_see(marker='webhook-form-url', retries=50)
    url = user.find(marker='webhook-form-url').elements.pop()
    assert url.value == f'{receiver.url}/hooks/old'
    url.value = f'{receiver.url}/hooks/new'
    user.find(marker='webhook-form-events').elements.pop().value = ['user.blocked', 'user.unblocked']
    user.find(marker='webhook-form-save').click()
    await user.should_see('Saved.', retries=50)
    [endpoint] = endpoints()
    assert (endpoint.url, endpoint.event_types, endpoint.secret) == (
        f'{receiver.url}/hooks/new',
        ['user.blocked', 'user.unblocked'],
        secret,
    )
    await user.should_see(f'{receiver.url}/hooks/new')
