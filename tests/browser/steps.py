"""Steps the browser stories share: clicking what Quasar renders, dialogs, and the sign-ups and admin actions that
more than one story takes (same people, same words)."""

from __future__ import annotations

import re

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import Page, Server
from tests.factories import PASSWORD

RAVI = ('ravi@example.com', 'fixes every leak')  # a plumber in 560001 and 560034
MEERA = ('meera@example.com', 'my home my rules')  # a customer in 560001


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


def press(page: Page, label: str) -> None:
    """A button (or a link styled as one) by its visible words, once it can be clicked."""
    words = f"[.//*[normalize-space()='{label}'] or normalize-space()='{label}']"
    button = f'//button{words} | //a[contains(@class, "q-btn")]{words}'
    WebDriverWait(page.driver, 30).until(expected_conditions.element_to_be_clickable((By.XPATH, button))).click()


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


def wait_for_document_image(page: Page) -> None:
    """The professional's document, shown in the admin's page, has loaded through the route that checks who asks."""
    image = page.driver.find_element(By.CSS_SELECTOR, 'img[src^="/documents/"]')
    loaded = 'return arguments[0].complete && arguments[0].naturalWidth'
    WebDriverWait(page.driver, 30).until(lambda driver: driver.execute_script(loaded, image))


def add_service(page: Page, name: str, category: str, rupees: str, minutes: str) -> None:
    """As a signed-in admin."""
    page.open('/admin/services')
    press(page, 'Add service')
    fill_dialog(page, 'Name', name)
    fill_dialog(page, 'Category', category)
    fill_dialog(page, 'Base price (rupees)', rupees)
    fill_dialog(page, 'Time required (minutes)', minutes)
    confirm_dialog(page, 'Save')
    page.wait_for_text(f'{name} added.')


def sign_up_ravi(page: Page) -> None:
    """Ravi signs up as a plumber and lands on his page, awaiting approval."""
    page.open('/register')
    page.click('I offer a service')
    page.wait_for_label('Service you offer')  # the professional form is in place before we type into it
    page.fill('Full name', 'Ravi Kumar')
    page.fill('Email', RAVI[0])
    page.fill('Phone', '+91 98765 43210')
    page.fill('Password', RAVI[1])
    page.choose('Service you offer', 'Plumbing')
    page.fill('Experience (years)', '7')
    page.fill('About your work', 'Leaks, taps and geysers.')
    page.fill('Pincodes you serve', '560001 560034')
    page.click('Create professional account')
    page.wait_for_path('/professional')
    page.wait_for_text('Your profile is awaiting approval')


def sign_up_meera(page: Page) -> None:
    """Meera signs up as a customer in 560001 and lands on her page."""
    page.open('/register')
    page.fill('Full name', 'Meera Customer')
    page.fill('Email', MEERA[0])
    page.fill('Password', MEERA[1])
    page.fill('Address', '12 MG Road, Bengaluru')
    page.fill('Pincode', '560001')
    page.click('Create customer account')
    page.wait_for_path('/customer')


# --- live pages -------------------------------------------------------------------------------------------------------

SLOT = r'^\s*\d{2}:\d{2}\s*$'  # a time chip: its start time, '10:00' (the day is chosen above, in the strip of chips)
# The first time chip that can be booked: a greyed one (past, too soon, taken) is aria-disabled, and a tap only says why
FIRST_SLOT = (
    'return [...document.querySelectorAll("button:not([aria-disabled=true])")]'
    '.find(b => RegExp(arguments[0]).test(b.innerText.trim()))'
)
OPEN_COUNTER = "//a[@href='/admin/requests?status=requested']/div[1]"
LIVE_WITHIN = 2.0  # seconds, from the customer's click to the admin's screen


def sign_in_as(page: Page, email: str, then: str) -> None:
    """Sign in with the test password (tests.factories) through the login page, which goes on to `then`."""
    page.open(f'/login?redirect_to={then.replace("/", "%2F")}')
    page.fill('Email', email)
    page.fill('Password', PASSWORD)
    page.click('Sign in')
    page.wait_for_path(then)


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the login page and wait until it has sent the viewer on (to their home)."""
    page.open('/login')
    page.fill('Email', email)
    page.fill('Password', password)
    page.click('Sign in')
    WebDriverWait(page.driver, 30).until(lambda driver: '/login' not in driver.current_url)


def sign_in_as_demo_admin(server: Server, page: Page) -> None:
    """Seed the demo data and sign in as its admin (on the dashboard)."""
    sign_in(page, *demo_password(server.manage('seed-demo').stdout, 'admin'))
    page.wait_for_path('/admin')


def open_requests(driver: WebDriver) -> str:
    """The admin dashboard's Open requests counter, as shown."""
    return driver.find_element(By.XPATH, OPEN_COUNTER).text.strip()
