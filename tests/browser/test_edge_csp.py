"""Every page of every role in real Chromium under the app's Content-Security-Policy (pages/edge.py): each loads,
talks to the server over its WebSocket, does something, and the browser reports no violation of the policy.

The pages are the app's own (read from the page modules), so a page added later without a visit here
fails the test until it gets one.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from nicegui import Client
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

import pages
from tests.browser.conftest import Page, Server
from tests.browser.steps import click_link, demo_password, fill_dialog, press
from tests.factories import PNG_BYTES

pytestmark = pytest.mark.browser

# Chromium fires securitypolicyviolation for everything the policy blocks; this copies each into the console, whose
# log outlives the page. Installed through DevTools before any script of every page (so the policy cannot stop it).
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (e) => console.error(
  `CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
"""
INJECT_INLINE_SCRIPT = """
const script = document.createElement('script');
script.textContent = 'window.injectedScriptRan = true';
document.head.append(script);
"""
POLICY_WORDS = ('CSP violation', 'Content Security Policy', 'Content-Security-Policy', 'Permissions-Policy')
PDF_BYTES = (
    b'%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n'
    b'trailer <</Root 1 0 R>>\n%%EOF\n'
)
DRAWN_AND_CONNECTED = "return document.querySelector('#app').childElementCount > 0 && !!window.socket?.connected"
TRANSPORT = 'return window.socket.io.engine.transport.name'


class Tour:
    """Opens pages, remembers which routes it saw, and gathers what the browser said about the policy."""

    def __init__(self, page: Page) -> None:
        self.page, self.routes, self.violations = page, set[str](), list[str]()
        page.driver.execute_cdp_cmd('Page.addScriptToEvaluateOnNewDocument', {'source': REPORT_VIOLATIONS})

    def visit(self, route: str, url: str | None = None, then: Callable[[Page], None] | None = None) -> None:
        """Open `url` (the route itself when it has no parameters), wait until it is drawn and on its WebSocket,
        do `then` (or toggle the frame's dark mode, a round trip through the server), and read the console."""
        self.page.open(url or route)
        drawn(self.page)
        if then is not None:
            then(self.page)
        elif self.page.driver.find_elements(By.CSS_SELECTOR, '[aria-label="Toggle dark mode"]'):
            toggle_dark_mode(self.page)
        self.routes.add(route)
        self.read_console(url or route)

    def policy_in_force(self) -> None:
        """An inline script without the nonce is blocked, and the violation is heard: the policy is there and this
        test would see it being too strict."""
        self.page.driver.execute_script(INJECT_INLINE_SCRIPT)
        self.read_console('(injected)')
        assert self.page.driver.execute_script('return window.injectedScriptRan') is None, 'an inline script ran'
        assert any('script-src-elem blocked inline' in seen for seen in self.violations), self.violations
        self.violations.clear()

    def read_console(self, where: str) -> None:
        self.page.driver.execute_async_script('requestAnimationFrame(() => requestAnimationFrame(arguments[0]))')
        for entry in self.page.driver.get_log('browser'):
            if any(word in entry['message'] for word in POLICY_WORDS):
                self.violations.append(f'{where}: {entry["message"]}')


def test_every_page_of_every_role_works_under_the_content_security_policy(
    server: Server, page: Page, tmp_path: Path
) -> None:
    seeded = server.manage('seed-demo').stdout
    server.restart(HSA_EMBEDDED_JOBS='1')  # the export job runs in the app, as with `make run`
    pending = re.search(r'(\S+@demo\.example) awaits approval', seeded)
    assert pending, seeded
    tour = Tour(page)
    public_pages(tour)
    name = pending_professional_pages(tour, pending[1], demo_password(seeded, 'professional')[1], tmp_path)
    admin_pages(tour, *demo_password(seeded, 'admin'), name, tmp_path)  # reviews the PDF just uploaded, in its frame
    customer_pages(tour, *demo_password(seeded, 'customer'))
    professional_pages(tour, *demo_password(seeded, 'professional'))
    assert not tour.violations, '\n'.join(tour.violations)
    assert page_routes() - tour.routes == set(), 'pages nobody opened under the policy'


def public_pages(tour: Tour) -> None:
    tour.visit('/login', then=lambda page: page.fill('Email', 'someone@example.com'))
    tour.policy_in_force()
    tour.visit('/register', then=choose_to_offer_a_service)
    tour.visit('/unsubscribe/{token}', '/unsubscribe/not-a-real-token')
    tour.visit('/', then=lambda page: page.wait_for_path('/login'))
    tour.visit('/no/such/page', then=lambda page: page.wait_for_text('404'))


def admin_pages(tour: Tour, email: str, password: str, pending: str, folder: Path) -> None:
    sign_in(tour, email, password, '/admin')
    tour.visit('/admin', then=charts_drawn)
    tour.visit('/admin/requests', then=start_an_export)
    tour.visit('/exports', then=lambda page: download_the_export(page, folder))
    tour.visit('/admin/requests/{request_id}', first_link(tour.page, '/admin/requests', '/admin/requests/'))
    tour.visit('/admin/users')
    review = link_of(tour.page, '/admin/users?status=pending', pending)
    tour.visit('/admin/users/{user_id}', review, then=pdf_shown_in_its_frame)
    tour.visit('/admin/services', then=open_and_cancel_the_add_service_dialog)
    tour.visit('/admin/audit')
    tour.visit('/admin/outbox')
    tour.visit('/account')
    tour.visit('/notifications')
    tour.visit('/logout', then=lambda page: page.wait_for_path('/login'))


def customer_pages(tour: Tour, email: str, password: str) -> None:
    sign_in(tour, email, password, '/customer')
    tour.visit('/customer', then=search_for_cleaning)
    search = '/customer?text=clean&pincode=560001'
    tour.visit('/customer/book/{service_id}', first_link(tour.page, search, '/customer/book/'))
    tour.visit('/customer/requests')
    tour.visit('/customer/requests/{request_id}', first_link(tour.page, '/customer/requests', '/customer/requests/'))
    tour.visit('/customer/reports', then=open_the_first_month)
    tour.visit('/customer/reports/{month}', tour.page.driver.current_url.removeprefix(tour.page.base))
    tour.visit('/notifications')
    tour.visit('/account')
    tour.visit('/logout', then=lambda page: page.wait_for_path('/login'))


def professional_pages(tour: Tour, email: str, password: str) -> None:
    sign_in(tour, email, password, '/professional')
    tour.visit('/professional')
    tour.visit('/professional/inbox')
    tour.visit('/professional/jobs')
    tour.visit(
        '/professional/requests/{request_id}', first_link(tour.page, '/professional/reviews', '/professional/requests/')
    )
    tour.visit('/professional/reviews')
    tour.visit('/exports')
    tour.visit('/notifications')
    tour.visit('/account')
    tour.visit('/logout', then=lambda page: page.wait_for_path('/login'))


def pending_professional_pages(tour: Tour, email: str, password: str, folder: Path) -> str:
    """The professional's name, as their profile shows it."""
    sign_in(tour, email, password, '/professional')
    image, pdf = folder / 'id-card.png', folder / 'certificate.pdf'
    image.write_bytes(PNG_BYTES)
    pdf.write_bytes(PDF_BYTES)
    tour.visit('/professional', then=lambda page: upload_documents(page, image, pdf))
    name = re.search(rf'^(.+) · {re.escape(email)}$', tour.page.driver.find_element(By.TAG_NAME, 'body').text, re.M)
    assert name, 'the profile shows no name'
    tour.visit('/account')
    tour.visit('/logout', then=lambda page: page.wait_for_path('/login'))
    return name[1]


# --- what is done on a page ------------------------------------------------------------------------------------------


def sign_in(tour: Tour, email: str, password: str, home: str) -> None:
    tour.visit('/login', then=lambda page: (page.fill('Email', email), page.fill('Password', password)))
    tour.page.click('Sign in')
    tour.page.wait_for_path(home)


def drawn(page: Page) -> None:
    """Vue has drawn the page and it talks to the server over its WebSocket (connect-src lets it)."""
    WebDriverWait(page.driver, 30).until(lambda driver: driver.execute_script(DRAWN_AND_CONNECTED))
    assert page.driver.execute_script(TRANSPORT) == 'websocket'


def choose_to_offer_a_service(page: Page) -> None:
    page.click('I offer a service')
    page.wait_for_label('Service you offer')


def toggle_dark_mode(page: Page) -> None:
    dark = 'return document.body.classList.contains("body--dark")'
    was = page.driver.execute_script(dark)
    page.press('Toggle dark mode')
    WebDriverWait(page.driver, 10).until(lambda driver: driver.execute_script(dark) != was)


def charts_drawn(page: Page) -> None:
    page.wait_for_text('Requests by status')
    WebDriverWait(page.driver, 30).until(lambda driver: len(driver.find_elements(By.CSS_SELECTOR, 'canvas')) >= 4)


def start_an_export(page: Page) -> None:
    page.click('Export closed requests (CSV)')
    page.wait_for_text('Export started.')


def download_the_export(page: Page, folder: Path) -> None:
    page.driver.execute_cdp_cmd('Page.setDownloadBehavior', {'behavior': 'allow', 'downloadPath': str(folder)})
    page.wait_for_text('Ready: ')
    click_link(page, 'Download CSV')
    WebDriverWait(page.driver, 30).until(lambda _: list(folder.glob('*.csv')))


def open_and_cancel_the_add_service_dialog(page: Page) -> None:
    press(page, 'Add service')
    fill_dialog(page, 'Name', 'Window Cleaning')  # waits until the dialog is open and shown
    ActionChains(page.driver).send_keys(Keys.ESCAPE).perform()
    WebDriverWait(page.driver, 10).until_not(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, '.q-dialog'))
    )


def search_for_cleaning(page: Page) -> None:
    page.fill('What do you need?', 'clean')
    press(page, 'Search')
    page.wait_for_text('Book ')


def upload_documents(page: Page, image: Path, pdf: Path) -> None:
    """Through the browser's own upload requests (the uploader previews an image from a blob: URL meanwhile)."""
    for kind, document in (('ID proof', image), ('Certificate', pdf)):
        page.choose('Kind of document', kind)
        page.driver.find_element(By.CSS_SELECTOR, '.q-uploader input[type=file]').send_keys(str(document))
        page.wait_for_text(f'Uploaded {document.name}.')


def pdf_shown_in_its_frame(page: Page) -> None:
    """The admin's review page frames the PDF from our /documents route (frame-src), which answers in the frame
    under its own sandboxing policy."""
    frame = WebDriverWait(page.driver, 30).until(
        lambda driver: driver.find_element(By.CSS_SELECTOR, 'iframe[src^="/documents/"]')
    )
    page.driver.switch_to.frame(frame)
    WebDriverWait(page.driver, 30).until(
        lambda driver: driver.execute_script('return document.readyState') == 'complete'
    )
    page.driver.switch_to.default_content()


def open_the_first_month(page: Page) -> None:
    """A month of the list (an item that navigates on click, not a link)."""
    WebDriverWait(page.driver, 30).until(
        expected_conditions.element_to_be_clickable(
            (By.XPATH, "//div[contains(@class, 'q-item')][contains(., 'moved')]")
        )
    ).click()
    WebDriverWait(page.driver, 30).until(expected_conditions.url_contains('/customer/reports/'))


def link_of(page: Page, path: str, text: str) -> str:
    """Where the link saying `text` on `path` goes."""
    page.open(path)
    find = 'return [...document.querySelectorAll("a")].find(a => a.innerText.trim() === arguments[0])?.href'
    href = WebDriverWait(page.driver, 30).until(lambda driver: driver.execute_script(find, text))
    return href.removeprefix(page.base)


def first_link(page: Page, path: str, prefix: str) -> str:
    """The first link on `path` that starts with `prefix` (read in the page: Vue may replace the element meanwhile)."""
    page.open(path)
    find = f'return document.querySelector(\'a[href^="{prefix}"]\')?.getAttribute("href")'
    return WebDriverWait(page.driver, 30).until(lambda driver: driver.execute_script(find))


def page_routes() -> set[str]:
    """The path of every page the app's page modules define (downloads and other plain routes are not pages)."""
    for module in pkgutil.iter_modules(pages.__path__):
        importlib.import_module(f'pages.{module.name}')
    return {path for page, path in Client.page_routes.items() if page.__module__.startswith('pages.')}
