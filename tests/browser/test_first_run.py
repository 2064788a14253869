"""The first run of a fresh install, in real Chromium: the foundation's "done when" story."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Page, Server

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
    page.open('/register')
    page.click('I offer a service')
    page.wait_for_label('Service you offer')  # the professional form is in place before we type into it
    page.fill('Full name', 'Ravi Kumar')
    page.fill('Email', 'ravi@example.com')
    page.fill('Phone', '+91 98765 43210')
    page.fill('Password', 'fixes every leak')
    page.choose('Service you offer', 'Plumbing')
    page.fill('Experience (years)', '7')
    page.fill('About your work', 'Leaks, taps and geysers.')
    page.fill('Pincodes you serve', '560001 560034')
    page.click('Create professional account')
    page.wait_for_path('/professional')
    page.wait_for_text('Your profile is awaiting approval')
    page.screenshot('foundation-professional-pending')
    page.open('/logout')

    page.open('/register')
    page.fill('Full name', 'Meera Customer')
    page.fill('Email', 'meera@example.com')
    page.fill('Password', 'my home my rules')
    page.fill('Address', '12 MG Road, Bengaluru')
    page.fill('Pincode', '560001')
    page.click('Create customer account')
    page.wait_for_path('/customer')
    page.wait_for_text('Hello, Meera Customer.')
    page.screenshot('foundation-customer-home')

    server.manage('block', '--email', 'meera@example.com', '--reason', 'Fake bookings')
    page.press('Toggle dark mode')  # the blocked customer's next click
    page.wait_for_path('/login?redirect_to=%2Fcustomer&ended=1')
    page.wait_for_text('Your session ended')
    page.fill('Email', 'meera@example.com')
    page.fill('Password', 'my home my rules')
    page.click('Sign in')
    page.wait_for_text('This account is blocked')
    page.screenshot('foundation-blocked-customer')
