"""The whole marketplace story in real Chromium on an empty database: the issue's "done when" for the customer
and professional workspaces. The app's clock is moved past the slot (a restart with `clock_shift_minutes`) so the
professional can complete the job."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import Page, Server
from tests.browser.steps import (
    FIRST_SLOT,
    MEERA,
    RAVI,
    SLOT,
    add_service,
    click_link,
    press,
    sign_up_meera,
    sign_up_ravi,
    wait_for_document_image,
)
from tests.factories import PNG_BYTES

pytestmark = pytest.mark.browser

ADMIN = ('admin@example.com', 'a long admin passphrase')
THREE_DAYS = str(3 * 24 * 60)  # minutes: every slot offered a moment ago has started and ended by then


def sign_in(page: Page, who: tuple[str, str], home: str) -> None:
    page.open('/logout')
    WebDriverWait(page.driver, 30).until(expected_conditions.url_contains('/login'))
    # Once more: a page left open across a server restart reloads itself when the server is back, and a reload that
    # overtakes the sign-out lands on '/login?redirect_to=<that page>' (which the sign-in honours) or on that page.
    page.open('/logout')
    WebDriverWait(page.driver, 30).until(expected_conditions.url_to_be(page.base + '/login'))
    page.fill('Email', who[0])
    page.fill('Password', who[1])
    page.click('Sign in')
    page.wait_for_path(home)


def test_a_service_is_booked_done_and_reviewed_from_an_empty_database(
    server: Server, page: Page, tmp_path: Path
) -> None:
    server.manage('create-admin', '--email', ADMIN[0], '--name', 'Asha Admin', stdin=f'{ADMIN[1]}\n')
    admin_adds_plumbing(page)
    professional_signs_up_with_an_id(page, tmp_path)
    admin_approves_the_professional(page)
    customer_signs_up_searches_and_books(page)
    professional_accepts(page)
    server.restart(HSA_CLOCK_SHIFT_MINUTES=THREE_DAYS, HSA_ENV='development')
    professional_completes(page)
    customer_closes_with_a_review(page)
    admin_sees_it_closed_with_the_rating(page)


def admin_adds_plumbing(page: Page) -> None:
    sign_in(page, ADMIN, '/admin')
    add_service(page, 'Plumbing', 'Repairs', '499', '60')


def professional_signs_up_with_an_id(page: Page, tmp_path: Path) -> None:
    page.open('/logout')
    sign_up_ravi(page)
    page.choose('Kind of document', 'ID proof')
    card = tmp_path / 'aadhaar.png'
    card.write_bytes(PNG_BYTES)
    page.driver.find_element(By.CSS_SELECTOR, '.q-uploader input[type=file]').send_keys(str(card))
    page.wait_for_text('aadhaar.png')
    page.screenshot('story-professional-home')


def admin_approves_the_professional(page: Page) -> None:
    sign_in(page, ADMIN, '/admin')
    click_link(page, 'Pending approvals')
    click_link(page, 'Ravi Kumar')
    wait_for_document_image(page)
    press(page, 'Approve')
    page.wait_for_text('Approved: they can take requests now')


def customer_signs_up_searches_and_books(page: Page) -> None:
    page.open('/logout')
    sign_up_meera(page)
    page.fill('What do you need?', 'plumb')
    press(page, 'Search')
    page.wait_for_text('Ravi Kumar')  # the professional serving 560001, with rating and experience
    page.screenshot('story-customer-search')
    press(page, 'Book Plumbing')
    page.wait_for_text('Confirm booking')
    first_slot = WebDriverWait(page.driver, 30).until(lambda driver: driver.execute_script(FIRST_SLOT, SLOT))
    first_slot.click()
    page.fill('Phone', '+91 98450 12345')  # none on file yet: the professional who accepts must be able to call
    page.fill('Remarks (optional)', 'The kitchen tap drips.')
    press(page, 'Confirm booking')
    WebDriverWait(page.driver, 30).until(expected_conditions.url_contains('/customer/requests/'))
    page.wait_for_text('The kitchen tap drips.')
    page.screenshot('story-customer-booked')


def professional_accepts(page: Page) -> None:
    sign_in(page, RAVI, '/professional')
    page.open('/professional/inbox')
    page.wait_for_text('The kitchen tap drips.')
    page.screenshot('story-professional-inbox')
    press(page, 'Accept')
    page.wait_for_text('Accepted: it is in your jobs now')


def professional_completes(page: Page) -> None:
    sign_in(page, RAVI, '/professional')
    page.open('/professional/jobs')
    page.wait_for_text('12 MG Road, Bengaluru')  # the address, now that the job is theirs
    page.wait_for_text('+919845012345')  # and the phone Meera gave when she booked
    press(page, 'Complete')
    page.wait_for_text('done')
    page.screenshot('story-professional-jobs')


def customer_closes_with_a_review(page: Page) -> None:
    sign_in(page, MEERA, '/customer')
    page.open('/customer/requests')
    request_link = (By.CSS_SELECTOR, 'a[href^="/customer/requests/"]')
    WebDriverWait(page.driver, 30).until(expected_conditions.element_to_be_clickable(request_link)).click()
    page.wait_for_text('How did it go?')
    page.driver.find_element(By.XPATH, "//*[@role='radio'][.//*[normalize-space()='5 (excellent)']]").click()
    page.fill('Remarks (optional)', 'Quick and tidy.')
    press(page, 'Close with review')
    page.wait_for_text('closed')
    page.screenshot('story-customer-closed')


def admin_sees_it_closed_with_the_rating(page: Page) -> None:
    sign_in(page, ADMIN, '/admin')
    page.wait_for_text('Requests by status')
    page.screenshot('story-admin-dashboard')
    page.open('/admin/requests?status=closed')
    page.wait_for_text('closed · rated 5/5')
    page.screenshot('story-admin-closed')
