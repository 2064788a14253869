"""An admin adds a webhook endpoint in real Chromium, copies its secret from the dialog that shows it once, and sends
a test event to a receiver that is down: the page shows the delivery tried again and failed, live; the receiver comes
back, Retry sends it, and the receiver verifies the signature with the secret the dialog showed."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from standardwebhooks import Webhook

from tests.browser.conftest import Page, Server
from tests.browser.steps import confirm_dialog, demo_password, press
from tests.servers import HttpSink

pytestmark = pytest.mark.browser
ATTEMPTS = 3


def test_a_receiver_goes_down_and_comes_back_and_the_page_shows_it(
    server: Server, page: Page, http_sink: HttpSink
) -> None:
    http_sink.reset()
    http_sink.answer('/hooks', 500)  # down
    email, password = demo_password(server.manage('seed-demo').stdout, 'admin')
    server.restart(
        HSA_EMBEDDED_JOBS='1',  # deliveries run in the app process, as with `make run`
        HSA_TICK_SECONDS='1',
        HSA_OUTBOX_RETRY_SECONDS='1',
        HSA_OUTBOX_MAX_ATTEMPTS=str(ATTEMPTS),
        HSA_WEBHOOK_ALLOWED_NETWORKS='127.0.0.1/32',  # the receiver is on loopback
    )
    page.driver.set_window_size(390, 844)
    page.open('/login?redirect_to=%2Fadmin%2Fwebhooks')
    page.fill('Email', email)
    page.fill('Password', password)
    page.click('Sign in')
    page.wait_for_path('/admin/webhooks')
    page.wait_for_text('No endpoint yet')

    press(page, 'Add an endpoint')
    page.fill('URL', f'{http_sink.url}/hooks/crm')
    page.fill('Description (optional)', 'Our CRM')
    page.choose('Events', 'A customer booked a request')
    page.driver.find_element(By.TAG_NAME, 'body').send_keys(Keys.ESCAPE)  # the select's menu, not the dialog
    confirm_dialog(page, 'Add endpoint')
    secret_box = page.driver.find_element(By.XPATH, "//label[.//div[normalize-space()='Signing secret']]//textarea")
    secret = secret_box.get_property('value')
    assert secret.startswith('whsec_')
    page.screenshot('webhooks-secret-shown-once')
    confirm_dialog(page, 'Done')

    press(page, 'Send test event')
    failed = "//*[contains(@class,'q-badge')][normalize-space()='failed']"
    _wait(
        lambda: page.driver.find_elements(By.XPATH, failed),
        lambda: f'the delivery never showed as failed ({len(http_sink.to("/hooks/crm"))} attempts got there)',
        page,
    )
    assert len(http_sink.to('/hooks/crm')) == ATTEMPTS
    assert f'{ATTEMPTS} attempts' in page.driver.find_element(By.TAG_NAME, 'body').text
    assert 'Last error: HTTP 500 from 127.0.0.1' in page.driver.find_element(By.TAG_NAME, 'body').text
    delivery = page.driver.find_element(By.XPATH, failed)
    page.driver.execute_script('arguments[0].scrollIntoView({block: "center"})', delivery)
    page.screenshot('webhooks-receiver-down')

    http_sink.answer('/hooks', 200)  # back
    toasts = "//*[contains(concat(' ', @class, ' '), ' q-notification ')]"
    _wait(lambda: not page.driver.find_elements(By.XPATH, toasts), lambda: 'the toast never left', page)  # on Retry
    press(page, 'Retry')
    sent = "//*[contains(@class,'q-badge')][normalize-space()='sent']"
    _wait(lambda: page.driver.find_elements(By.XPATH, sent), lambda: 'the retried delivery never showed as sent', page)
    page.screenshot('webhooks-receiver-back')
    last = http_sink.to('/hooks/crm')[-1]
    assert Webhook(secret).verify(last.raw, last.headers)['type'] == 'webhook.test'
    assert len({r.headers['webhook-id'] for r in http_sink.to('/hooks/crm')}) == 1  # one delivery, four attempts


def _wait(condition: Callable[[], object], message: Callable[[], str], page: Page, timeout: float = 90) -> None:
    """Until `condition()` holds; a loaded machine (the suite's other worker, Chromium) runs the app's ticks late."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            page.screenshot('webhooks-failed-waiting')
            shown = page.driver.find_element(By.TAG_NAME, 'body').text
            raise AssertionError(f'{message()}; the page shows:\n{shown}')
        time.sleep(0.2)
