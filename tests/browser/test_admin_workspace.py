"""The admin runs the marketplace in real Chromium, on the demo data: the admin workspace's "done when" story."""

from __future__ import annotations

import re

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import Page, Server

pytestmark = pytest.mark.browser


def demo_password(seeded: str, role: str) -> tuple[str, str]:
    """(email, password) of a demo role from what `manage.py seed-demo` printed."""
    found = re.search(rf'^\s*{role}\s+(\S+)\s+password\s+(\S+)', seeded, re.MULTILINE)
    assert found, seeded
    return found[1], found[2]


def click_link(page: Page, text: str) -> None:
    """Click a link by its text, again if the page re-rendered under the click (Vue replaces table rows)."""
    link = (By.XPATH, f"//a[normalize-space()='{text}' or .//*[normalize-space()='{text}']]")
    for _ in range(3):
        try:
            WebDriverWait(page.driver, 30).until(expected_conditions.element_to_be_clickable(link)).click()
            return
        except StaleElementReferenceException:
            continue
    raise AssertionError(f'the link {text!r} kept changing under the click')


def confirm_dialog(page: Page, action: str) -> None:
    """Press the dialog's own `action` button (the page behind it may have a button of the same name)."""
    button = f"//div[contains(@class,'q-dialog')]//button[.//*[normalize-space()='{action}']]"
    WebDriverWait(page.driver, 30).until(expected_conditions.element_to_be_clickable((By.XPATH, button))).click()


def fill_dialog(page: Page, label: str, text: str) -> None:
    field = (
        f"//div[contains(@class,'q-dialog')]//label[.//div[normalize-space()='{label}']]"
        '//*[self::input or self::textarea]'
    )
    WebDriverWait(page.driver, 30).until(expected_conditions.visibility_of_element_located((By.XPATH, field)))
    page.driver.find_element(By.XPATH, field).send_keys(text)


def table_texts(page: Page) -> list[str]:
    return [row.text for row in page.driver.find_elements(By.CSS_SELECTOR, '.q-table tbody tr')]


def test_admin_vets_a_professional_adds_a_service_blocks_a_customer_and_finds_a_request(
    server: Server, page: Page
) -> None:
    sign_in_as_demo_admin(server, page)
    approve_the_pending_professional_after_seeing_their_document(page)
    add_a_service(page)
    block_a_customer(page)
    find_requests_by_filters_and_cancel_one(page)
    page.open('/admin/audit')
    page.wait_for_text('Blocked')
    page.screenshot('admin-audit-log')


def sign_in_as_demo_admin(server: Server, page: Page) -> None:
    email, password = demo_password(server.manage('seed-demo').stdout, 'admin')
    page.open('/login')
    page.fill('Email', email)
    page.fill('Password', password)
    page.click('Sign in')
    page.wait_for_path('/admin')
    page.wait_for_text('Requests by status')
    assert len(page.driver.find_elements(By.CSS_SELECTOR, 'canvas')) >= 4  # the four charts are drawn
    page.screenshot('admin-dashboard')
    page.driver.set_window_size(390, 900)
    page.screenshot('admin-dashboard-phone')
    page.driver.set_window_size(1280, 900)


def approve_the_pending_professional_after_seeing_their_document(page: Page) -> None:
    click_link(page, 'Pending approvals')
    page.wait_for_path('/admin/users?status=pending')
    click_link(page, 'Deepak Verma')
    page.wait_for_text('Professional profile')
    image = page.driver.find_element(By.CSS_SELECTOR, 'img[src^="/documents/"]')
    loaded = 'return arguments[0].complete && arguments[0].naturalWidth'
    WebDriverWait(page.driver, 30).until(lambda driver: driver.execute_script(loaded, image))
    page.screenshot('admin-professional-with-document')
    page.click('Approve')
    page.wait_for_text('Approved: they can take requests now')


def add_a_service(page: Page) -> None:
    page.open('/admin/services')
    page.click('Add service')
    fill_dialog(page, 'Name', 'Window Cleaning')
    fill_dialog(page, 'Category', 'Cleaning')
    fill_dialog(page, 'Base price (rupees)', '349')
    fill_dialog(page, 'Time required (minutes)', '90')
    confirm_dialog(page, 'Save')
    page.wait_for_text('Window Cleaning added.')


def block_a_customer(page: Page) -> None:
    page.open('/admin/users?text=meera')
    click_link(page, 'Meera Iyer')
    page.wait_for_text('Default address')
    page.click('Block')
    fill_dialog(page, 'Reason', 'Fake bookings reported by two professionals')
    confirm_dialog(page, 'Block')
    page.wait_for_text('Blocked: their sessions ended.')


def find_requests_by_filters_and_cancel_one(page: Page) -> None:
    """Meera's requests, cancelled by the block, found through the form; then one of Farhan's still waiting."""
    page.open('/admin/requests')
    page.fill('Customer name or email', 'meera')
    page.choose('Status', 'cancelled')
    page.click('Apply filters')
    WebDriverWait(page.driver, 30).until(expected_conditions.url_contains('customer=meera'))
    page.wait_for_text('Meera Iyer')
    rows = table_texts(page)
    assert rows and all('Meera Iyer' in row and 'cancelled' in row for row in rows), rows
    page.screenshot('admin-requests-filtered')

    page.open('/admin/requests?customer=farhan&status=requested')
    page.wait_for_text('Farhan Ali')
    page.screenshot('admin-requests')
    page.driver.find_element(By.CSS_SELECTOR, '.q-table tbody tr a').click()
    page.wait_for_text('History')
    page.wait_for_text('Booked')
    page.screenshot('admin-request-detail')
    page.click('Cancel this request')
    fill_dialog(page, 'Reason', 'Duplicate of an earlier booking')
    confirm_dialog(page, 'Cancel request')
    page.wait_for_text('Reason: Duplicate of an earlier booking')
