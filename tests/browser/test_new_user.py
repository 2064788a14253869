"""What a new user tripped over, in real Chromium: a multi-word search survives signing in, the booking form says the
cancel rule of the chosen slot, the "Booked" notice is said once, and what the browser's session leaves on the server's
disk is owner-only and holds no token."""

from __future__ import annotations

import json
import re
import sqlite3
import stat
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import Page, Server
from tests.browser.steps import FIRST_SLOT, SLOT, press
from tests.factories import PASSWORD, make_approved_professional, make_customer, make_service
from tests.servers import wait_until

pytestmark = pytest.mark.browser


def test_a_customer_signs_in_to_their_search_books_and_is_told_once(server: Server, page: Page) -> None:
    service = make_service(name='Deep cleaning')
    make_approved_professional(service_id=service.id)
    customer = make_customer(pincode='560001', phone='+919845012345')
    page.open('/customer?text=deep+cleaning&pincode=560001')
    page.wait_for_path('/login?redirect_to=%2Fcustomer%3Ftext%3Ddeep%2Bcleaning%26pincode%3D560001')
    first_tab = page.driver.current_window_handle
    page.driver.switch_to.new_window('tab')  # another tab on the sign-in page, loaded after the first
    page.open('/login')
    page.wait_for_text('Create an account')
    page.driver.switch_to.window(first_tab)  # signing in on the first still works
    page.fill('Email', customer.email)
    page.fill('Password', PASSWORD)
    page.click('Sign in')
    page.wait_for_path('/customer?text=deep+cleaning&pincode=560001')
    page.wait_for_text('Book Deep cleaning')
    search = "(//label[.//div[normalize-space()='What do you need?']])[last()]//input"
    assert page.driver.find_element(By.XPATH, search).get_attribute('value') == 'deep cleaning'  # not 'deep+cleaning'

    press(page, 'Book Deep cleaning')
    page.wait_for_text('Confirm booking')
    WebDriverWait(page.driver, 30).until(lambda driver: driver.execute_script(FIRST_SLOT, SLOT)).click()
    rule = page.driver.find_element(
        By.XPATH,
        "//*[starts-with(normalize-space(), 'You can cancel at any time until')"
        " or starts-with(normalize-space(), 'This slot is less than')]",
    )
    assert rule.is_displayed()
    page.screenshot('new-user-booking-rule')
    press(page, 'Confirm booking')
    page.wait_for_text('Booked. We will tell you when a professional accepts it.')
    WebDriverWait(page.driver, 10).until(lambda driver: 'booked=' not in driver.current_url)
    assert re.fullmatch(rf'{server.url}/customer/requests/\d+', page.driver.current_url)
    page.driver.refresh()
    page.wait_for_text('Cancel request')
    assert 'Booked. We will tell you' not in page.driver.find_element(By.TAG_NAME, 'body').text

    data_dir = Path(server.env['HSA_DATA_DIR'])
    assert wait_until(lambda: stored_keys(data_dir), timeout=20), 'NiceGUI never wrote the user storage'
    assert stored_keys(data_dir) <= live_token_hashes(data_dir / 'hsa.db')  # the key, never the token
    assert not any('session_token' in path.read_text() for path in (data_dir / 'nicegui').glob('storage-user-*'))
    assert loose_modes(data_dir) == []


def stored_keys(data_dir: Path) -> set[str]:
    found = set()
    for path in (data_dir / 'nicegui').glob('storage-user-*.json'):
        with_key = json.loads(path.read_text() or '{}').get('session_key')
        if with_key:
            found.add(with_key)
    return found


def live_token_hashes(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        hashes = {row[0] for row in connection.execute('SELECT token_hash FROM auth_session WHERE revoked_at IS NULL')}
    assert all(re.fullmatch('[0-9a-f]{64}', value) for value in hashes)
    return hashes


def loose_modes(data_dir: Path) -> list[str]:
    """Everything under data_dir readable, writable or enterable by anyone but its owner."""
    loose = []
    for path in [data_dir, *data_dir.rglob('*')]:
        mode = path.lstat().st_mode
        if (stat.S_ISREG(mode) or stat.S_ISDIR(mode)) and stat.S_IMODE(mode) & 0o077:
            loose.append(f'{path.relative_to(data_dir)} {stat.S_IMODE(mode):o}')
    return loose
