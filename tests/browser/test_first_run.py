"""The first run of a fresh install, in real Chromium: the foundation's "done when" story."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Page, Server
from tests.browser.steps import MEERA, sign_up_meera, sign_up_ravi

pytestmark = pytest.mark.browser


def test_operator_admin_professional_and_customer_first_run(server: Server, page: Page) -> None:
    page.open('/')
    page.wait_for_path('/login')

    server.manage(
        'create-admin', '--email', 'admin@example.com', '--name', 'Asha Admin', stdin='a long admin passphrase\n'
    )
    page.fill('Email', 'admin@example.com')
    page.fill('Password', 'a long admin passphrase')
    page.click('Sign in')
    page.wait_for_path('/admin')
    page.wait_for_text('Welcome, Asha Admin.')
    page.screenshot('foundation-admin-home')
    page.open('/logout')
    page.wait_for_path('/login')

    server.manage('add-service', '--name', 'Plumbing', '--category', 'Repairs', '--price', '499', '--minutes', '60')
    sign_up_ravi(page)
    page.screenshot('foundation-professional-pending')
    page.open('/logout')

    sign_up_meera(page)
    page.wait_for_text('Hello, Meera Customer.')
    page.screenshot('foundation-customer-home')

    server.manage('block', '--email', MEERA[0], '--reason', 'Fake bookings')
    page.press('Toggle dark mode')  # the blocked customer's next click
    page.wait_for_path('/login?redirect_to=%2Fcustomer&ended=1')
    page.wait_for_text('An admin blocked this account, so you were signed out.')
    page.fill('Email', MEERA[0])
    page.fill('Password', MEERA[1])
    page.click('Sign in')
    page.wait_for_text('This account is blocked')
    page.screenshot('foundation-blocked-customer')
