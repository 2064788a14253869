"""axe-core in real Chromium over every role's main pages, light and dark, desktop and phone width.

axe is vendored (tests/browser/vendor/axe.min.js, see its README) so the run needs no network.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import Page, Server
from tests.browser.steps import demo_password, sign_in

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / 'vendor' / 'axe.min.js').read_text()
WIDTHS = ((1280, 900), (390, 844))  # desktop, phone
BLOCKING = {'serious', 'critical'}
# Colours are checked as they end up, not halfway through Quasar's 0.3 s fades
NO_TRANSITIONS = """
const style = document.createElement('style');
style.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
document.head.appendChild(style);
"""
FOCUSED = """
const e = document.activeElement, style = getComputedStyle(e);
return [e.getAttribute('aria-label') || e.innerText.trim(), `${style.outlineStyle} ${style.outlineWidth}`];
"""
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))),
  e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
"""


@pytest.fixture
def seeded(server: Server) -> str:
    """What `manage.py seed-demo` printed: the demo sign-ins."""
    return server.manage('seed-demo').stdout


def test_sign_in_and_sign_up_pass_axe_and_show_the_keyboard_focus(page: Page) -> None:
    found = audit(page, '/login', dark_too=False) + audit(page, '/register', dark_too=False)  # no dark toggle there
    assert not found, '\n'.join(found)
    page.open('/login')
    wait_until_drawn(page)  # the email field has the focus already
    focused = [press_tab(page) for _ in range(3)]
    assert [text for text, _ in focused] == ['Password', 'Sign in', 'Create an account'], focused
    assert all(outline.startswith('solid 2px') for _, outline in focused[1:]), focused  # fields show it their way


def press_tab(page: Page) -> tuple[str, str]:
    """Press Tab; what has the focus now (its label or text) and its outline."""
    ActionChains(page.driver).send_keys(Keys.TAB).perform()
    return tuple(page.driver.execute_script(FOCUSED))


def test_admin_pages_pass_axe(seeded: str, page: Page) -> None:
    sign_in(page, *demo_password(seeded, 'admin'))
    found = []
    for path in (
        '/admin',
        '/admin/requests',
        '/admin/users',
        '/admin/services',
        '/admin/audit',
        first_link(page, '/admin/users', '/admin/users/'),
        first_link(page, '/admin/requests', '/admin/requests/'),
        '/account',
    ):
        found += audit(page, path)
    assert not found, '\n'.join(found)


def test_customer_pages_pass_axe(seeded: str, page: Page) -> None:
    sign_in(page, *demo_password(seeded, 'customer'))
    search = '/customer?text=clean&pincode=560001'
    found = []
    for path in (
        '/customer',
        search,
        first_link(page, search, '/customer/book/'),
        '/customer/requests',
        first_link(page, '/customer/requests', '/customer/requests/'),
        '/notifications',
        '/account',
    ):
        found += audit(page, path)
    assert not found, '\n'.join(found)


def test_approved_and_pending_professional_pages_pass_axe(seeded: str, page: Page) -> None:
    email, password = demo_password(seeded, 'professional')
    sign_in(page, email, password)
    found = []
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
    assert len(modes) == (2 if dark_too else 1), f'{path}: the dark mode toggle did not switch the mode'
    page.driver.set_window_size(*WIDTHS[0])
    return found


def is_dark(page: Page) -> bool:
    return page.driver.execute_script("return document.body.classList.contains('body--dark')")


def axe_violations(page: Page) -> list[str]:
    if not page.driver.execute_script('return !!window.axe'):
        page.driver.execute_script(AXE + NO_TRANSITIONS)
    violations = page.driver.execute_async_script(RUN_AXE)
    return [
        f'{v["impact"]} {v["id"]} ({v["help"]}): {node["target"]} -- {" ".join(node["summary"].split())}'
        for v in violations
        if v['impact'] in BLOCKING
        for node in v['nodes'] or [{'target': '', 'summary': ''}]
    ]


def wait_until_drawn(page: Page) -> None:
    """The page's heading is there, and Quasar has drawn what it draws after mounting (the viewer's mode)."""
    WebDriverWait(page.driver, 30).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, 'h1, [role=heading][aria-level="1"]'))
    )
    page.driver.execute_async_script('requestAnimationFrame(() => requestAnimationFrame(arguments[0]))')


def first_link(page: Page, path: str, prefix: str) -> str:
    """The first link on `path` that starts with `prefix` (read in the page: Vue may replace the element meanwhile)."""
    page.open(path)
    find = f'return document.querySelector(\'a[href^="{prefix}"]\')?.getAttribute("href")'
    return WebDriverWait(page.driver, 30).until(lambda driver: driver.execute_script(find))


def sign_out(page: Page) -> None:
    page.open('/logout')
    page.wait_for_path('/login')
