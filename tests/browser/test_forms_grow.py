"""A text area opened inside a form that was hidden shows all of its text: the customer's remarks in 'Change request'
(Quasar measured it while hidden and kept one line)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import Page, Server
from tests.browser.steps import demo_password, press
from tests.browser.test_targets import sign_in

pytestmark = pytest.mark.browser

REMARKS = "//label[.//div[normalize-space()='Remarks (optional)']]//textarea"
LINES = ('Please call before coming.', 'The gate code is 4321.', 'Mind the dog.')
FITS = 'const t = arguments[0]; return [t.clientHeight, t.scrollHeight];'


def test_the_remarks_box_shows_every_line_when_the_change_form_opens(server: Server, page: Page) -> None:
    sign_in(page, *demo_password(server.manage('seed-demo').stdout, 'customer'))
    open_a_changeable_request(page)
    press(page, 'Change request')
    remarks = visible(page, REMARKS)
    remarks.send_keys(Keys.CONTROL, 'a')
    remarks.send_keys(Keys.DELETE, Keys.ENTER.join(LINES))
    press(page, 'Save changes')
    page.wait_for_text('Your changes are saved.')
    page.open(page.driver.current_url.removeprefix(page.base))  # the form drawn hidden with the three lines in it
    press(page, 'Change request')
    shown, needed = page.driver.execute_script(FITS, visible(page, REMARKS))
    page.screenshot('forms-remarks-three-lines')
    assert shown >= needed > 3 * 16, (shown, needed)  # every line, three of them


def visible(page: Page, xpath: str) -> WebElement:
    found = WebDriverWait(page.driver, 30).until(expected_conditions.visibility_of_element_located((By.XPATH, xpath)))
    page.driver.execute_async_script('setTimeout(arguments[0], 300)')  # Quasar measures in the next frame
    return found


def open_a_changeable_request(page: Page) -> None:
    page.open('/customer/requests')
    find = 'return [...document.querySelectorAll(\'a[href^="/customer/requests/"]\')].map(a => a.getAttribute("href"))'
    links = WebDriverWait(page.driver, 30).until(lambda driver: driver.execute_script(find))
    for link in dict.fromkeys(links):
        page.open(link)
        page.wait_for_text('My requests')
        if page.driver.find_elements(By.XPATH, "//button[.//*[normalize-space()='Change request']]"):
            return
    raise AssertionError('the demo customer has no request open to changes')
