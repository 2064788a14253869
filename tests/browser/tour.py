"""The tour of every page of every role in real Chromium (public, a professional awaiting approval, the admin, a
customer, an approved professional): each page is opened, drawn, talks to the server over its WebSocket and has
something done on it; then the test's own check reads it (tests/browser/test_edge_csp.py: the browser heard no
violation of the content security policy; test_phone.py: the page fits a phone).

The pages are the app's own (read from the page modules): a page added later without a visit here leaves
`Tour.unvisited()` non-empty, and every test walking the tour fails until it gets one.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from nicegui import Client
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

import pages
from tests.browser.conftest import Page, Server
from tests.browser.steps import click_link, confirm_dialog, demo_password, fill_dialog, press
from tests.factories import PNG_BYTES

PDF_BYTES = (
    b'%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n'
    b'trailer <</Root 1 0 R>>\n%%EOF\n'
)
DRAWN_AND_CONNECTED = "return document.querySelector('#app').childElementCount > 0 && !!window.socket?.connected"
TRANSPORT = 'return window.socket.io.engine.transport.name'
# The frame's dark mode switch, or the menu holding it (Page.press opens the menu first)
DARK_MODE_OR_ITS_MENU = '[aria-label="Toggle dark mode"], [aria-label^="Account menu"]'
TWO_FRAMES = 'requestAnimationFrame(() => requestAnimationFrame(arguments[0]))'


@dataclass(frozen=True)
class Visit:
    """One page of the tour: who looked (`role`), the page's route and the address opened."""

    role: str
    route: str
    url: str

    def __str__(self) -> str:
        return f'{self.role} {self.url}'

    @property
    def slug(self) -> str:
        """A file name for what was seen: 'admin-admin-users-user_id' for the admin's /admin/users/{user_id}."""
        return re.sub(r'[^a-z0-9_]+', '-', f'{self.role} {self.route}'.lower()).strip('-')


Check = Callable[[Page, Visit], list[str]]  # what is wrong with the page just visited, one line each


class Tour:
    """Opens pages, remembers which routes it saw, and gathers what `check` found on each."""

    def __init__(self, page: Page, check: Check) -> None:
        self.page, self.check = page, check
        self.role, self.routes, self.findings = 'public', set[str](), list[str]()

    def visit(self, route: str, url: str | None = None, then: Callable[[Page], None] | None = None) -> None:
        """Open `url` (the route itself when it has no parameters), wait until it is drawn and on its WebSocket,
        do `then` (or toggle the frame's dark mode, a round trip through the server), and check the page."""
        visit = Visit(self.role, route, url or route)
        self.page.open(visit.url)
        drawn(self.page)
        self.findings += self.act(visit, then)
        self.routes.add(route)
        self.page.driver.execute_async_script(TWO_FRAMES)  # what `then` changed is drawn
        self.findings += self.check(self.page, visit)

    def act(self, visit: Visit, then: Callable[[Page], None] | None) -> list[str]:
        """Do the visit's action; one that cannot be done is a finding, so the tour goes on to show the rest."""
        try:
            if then is not None:
                then(self.page)
            elif self.page.driver.find_elements(By.CSS_SELECTOR, DARK_MODE_OR_ITS_MENU):
                toggle_dark_mode(self.page)
        except (WebDriverException, AssertionError) as failure:
            self.page.screenshot(f'failed-{visit.slug}')
            return [f'{visit}: action failed: {type(failure).__name__} {" ".join(str(failure).split())[:200]}']
        return []

    def unvisited(self) -> set[str]:
        return page_routes() - self.routes


def seeded_for_the_tour(server: Server) -> str:
    """Seed the demo data and restart the app with the export job running inside it (as `make run` does); what
    `manage.py seed-demo` printed (the sign-ins)."""
    seeded = server.manage('seed-demo').stdout
    server.restart(HSA_EMBEDDED_JOBS='1')
    return seeded


def walk_every_page(tour: Tour, seeded: str, folder: Path) -> None:
    """Every page of every role, each role signing in through /login and out through /logout."""
    pending = re.search(r'(\S+@demo\.example) awaits approval', seeded)
    assert pending, seeded
    public_pages(tour)
    name = pending_professional_pages(tour, pending[1], demo_password(seeded, 'professional')[1], folder)
    admin_pages(tour, *demo_password(seeded, 'admin'), name, folder)  # reviews the PDF just uploaded, in its frame
    customer_pages(tour, *demo_password(seeded, 'customer'))
    professional_pages(tour, *demo_password(seeded, 'professional'))


def public_pages(tour: Tour) -> None:
    tour.role = 'public'
    tour.visit('/login', then=lambda page: page.fill('Email', 'someone@example.com'))
    tour.visit('/register', then=choose_to_offer_a_service)
    tour.visit('/unsubscribe/{token}', '/unsubscribe/not-a-real-token')
    tour.visit('/', then=lambda page: page.wait_for_path('/login'))
    tour.visit('/no/such/page', then=lambda page: page.wait_for_text('404'))


def admin_pages(tour: Tour, email: str, password: str, pending: str, folder: Path) -> None:
    sign_in(tour, 'admin', email, password, '/admin')
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
    tour.visit('/admin/webhooks', then=open_and_cancel_the_add_endpoint_dialog)
    tour.visit('/account')
    tour.visit('/notifications')
    tour.visit('/logout', then=lambda page: page.wait_for_path('/login'))


def customer_pages(tour: Tour, email: str, password: str) -> None:
    sign_in(tour, 'customer', email, password, '/customer')
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
    sign_in(tour, 'professional', email, password, '/professional')
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
    sign_in(tour, 'pending', email, password, '/professional')
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


def sign_in(tour: Tour, role: str, email: str, password: str, home: str) -> None:
    tour.role = role
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
    confirm_dialog(page, 'Cancel')  # not Escape: Quasar hears it only on a desktop
    WebDriverWait(page.driver, 10).until_not(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, '.q-dialog'))
    )


def open_and_cancel_the_add_endpoint_dialog(page: Page) -> None:
    press(page, 'Add an endpoint')
    fill_dialog(page, 'URL', 'https://hooks.example.com/household-services')
    confirm_dialog(page, 'Cancel')
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
