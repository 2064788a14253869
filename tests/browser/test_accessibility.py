"""axe-core in real Chromium over every role's main pages, light and dark, desktop and phone width.

axe is vendored (tests/browser/vendor/axe.min.js, see its README) so the run needs no network.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import Page, Server
from tests.browser.test_admin_workspace import demo_password

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / 'vendor' / 'axe.min.js').read_text()
WIDTHS = ((1280, 900), (390, 844))  # desktop, phone
BLOCKING = {'serious', 'critical'}
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))),
  e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
"""


def test_every_roles_main_pages_pass_axe_in_light_and_dark_at_desktop_and_phone_width(
    server: Server, page: Page
) -> None:
    seeded = server.manage('seed-demo').stdout
    page.driver.set_script_timeout(30)
    found: list[str] = []
    for path in ('/login', '/register'):  # nobody is signed in: no dark mode toggle there
        found += audit(page, path, dark_too=False)

    sign_in(page, *demo_password(seeded, 'admin'))
    user_detail = first_link(page, '/admin/users', '/admin/users/')
    request_detail = first_link(page, '/admin/requests', '/admin/requests/')
    for path in ('/admin', '/admin/requests', '/admin/users', '/admin/services', '/admin/audit'):
        found += audit(page, path)
    found += audit(page, user_detail) + audit(page, request_detail) + audit(page, '/account')
    sign_out(page)

    sign_in(page, *demo_password(seeded, 'customer'))
    search = '/customer?text=clean&pincode=560001'
    book = first_link(page, search, '/customer/book/')
    request = first_link(page, '/customer/requests', '/customer/requests/')
    for path in ('/customer', search, book, '/customer/requests', request, '/account'):
        found += audit(page, path)
    sign_out(page)

    email, password = demo_password(seeded, 'professional')
    sign_in(page, email, password)
    for path in ('/professional', '/professional/inbox', '/professional/jobs', '/professional/reviews'):
        found += audit(page, path)
    sign_out(page)

    pending = re.search(r'(\S+@demo\.example) awaits approval', seeded)
    assert pending, seeded
    sign_in(page, pending[1], password)
    found += audit(page, '/professional') + audit(page, '/account')

    assert not found, '\n'.join(found)


def audit(page: Page, path: str, *, dark_too: bool = True) -> list[str]:
    """Open `path` once and run axe at both widths, then (toggling the frame's dark mode) again in the other mode."""
    page.open(path)
    wait_until_drawn(page)
    found, modes = [], set()
    for _ in range(2 if dark_too else 1):
        dark = is_dark(page)
        modes.add(dark)
        for width, height in WIDTHS:
            page.driver.set_window_size(width, height)
            found += [f'{path} {"dark" if dark else "light"} {width}px: {line}' for line in axe_violations(page)]
        if dark_too:
            page.press('Toggle dark mode')
            WebDriverWait(page.driver, 10).until(lambda _, was=dark: is_dark(page) != was)
            settle(page)  # Quasar fades colours over 0.3 s
    assert len(modes) == (2 if dark_too else 1), f'{path}: the dark mode toggle did not switch the mode'
    page.driver.set_window_size(*WIDTHS[0])
    return found


def is_dark(page: Page) -> bool:
    return page.driver.execute_script("return document.body.classList.contains('body--dark')")


def axe_violations(page: Page) -> list[str]:
    if not page.driver.execute_script('return !!window.axe'):
        page.driver.execute_script(AXE)
    violations = page.driver.execute_async_script(RUN_AXE)
    return [
        f'{v["impact"]} {v["id"]} ({v["help"]}): {node["target"]} -- {" ".join(node["summary"].split())}'
        for v in violations
        if v['impact'] in BLOCKING
        for node in v['nodes'] or [{'target': '', 'summary': ''}]
    ]


def wait_until_drawn(page: Page) -> None:
    """The page's heading is there and Quasar has applied the viewer's mode and finished its transitions."""
    WebDriverWait(page.driver, 30).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, 'h1, [role=heading][aria-level="1"]'))
    )
    settle(page)


def settle(page: Page) -> None:
    page.driver.execute_async_script('setTimeout(arguments[0], 400)')


def first_link(page: Page, path: str, prefix: str) -> str:
    """The first link on `path` that starts with `prefix` (read in the page: Vue may replace the element meanwhile)."""
    page.open(path)
    find = f'return document.querySelector(\'a[href^="{prefix}"]\')?.getAttribute("href")'
    return WebDriverWait(page.driver, 30).until(lambda driver: driver.execute_script(find))


def sign_in(page: Page, email: str, password: str) -> None:
    page.open('/login')
    page.fill('Email', email)
    page.fill('Password', password)
    page.click('Sign in')
    WebDriverWait(page.driver, 30).until(lambda driver: '/login' not in driver.current_url)


def sign_out(page: Page) -> None:
    page.open('/logout')
    page.wait_for_path('/login')
