"""The admin runs the marketplace in real Chromium, on the demo data: the admin workspace's "done when" story."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import Page, Server
from tests.browser.steps import (
    add_service,
    click_link,
    confirm_dialog,
    fill_dialog,
    sign_in_as_demo_admin,
    wait_for_document_image,
)

pytestmark = pytest.mark.browser


def table_texts(page: Page) -> list[str]:
    """Each row's text, read in one go: Vue may draw the rows anew between finding them and reading each."""
    script = 'return [...document.querySelectorAll(".q-table tbody tr")].map((row) => row.innerText)'
    return page.driver.execute_script(script)


def test_admin_vets_a_professional_adds_a_service_blocks_a_customer_and_finds_a_request(
    server: Server, page: Page
) -> None:
    sign_in_as_demo_admin(server, page)
    dashboard_drawn(page)
    approve_the_pending_professional_after_seeing_their_document(page)
    add_service(page, 'Window Cleaning', 'Cleaning', '349', '90')
    block_a_customer(page)
    find_requests_by_filters_and_cancel_one(page)
    page.open('/admin/audit')
    page.wait_for_text('Blocked')
    page.screenshot('admin-audit-log')


def dashboard_drawn(page: Page) -> None:
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
    wait_for_document_image(page)
    page.screenshot('admin-professional-with-document')
    page.click('Approve')
    page.wait_for_text('Approved: they can take requests now')


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
