"""Touch targets on a phone, measured in real Chromium: every control is at least 44x44 CSS px (a link inside a
sentence at least 24 px tall, WCAG 2.2's 2.5.8) and no two neighbouring controls are closer than 8 px; the two sign-up
choices fit a 320 px phone; the filters of a list fold behind a button. Screenshots go to screenshots/targets-*.png.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import Page, Server
from tests.browser.steps import demo_password, sign_in

pytestmark = pytest.mark.browser

PHONE, SMALL_PHONE, TABLET = (390, 844), (320, 640), (768, 1024)
MIN_SIZE, MIN_INLINE_HEIGHT, MIN_GAP = 44, 24, 8
# What is not measured, and why (a selector the element matches, or sits inside)
EXEMPT = {
    '.q-field__native, .q-field__input': 'the text box inside a field: the field around it is the target',
    '.q-menu .q-item:not([role^=menuitem])': "a select's options: Quasar's list of full-width 48 px rows",
}
# Every visible control in `root`: what is too small, and which neighbours are too close. Two controls are
# neighbours when they face each other: side by side (their rects share some height) or stacked (some width);
# the gap is the distance between the facing edges. A control inside another (a field's clear button) is not the
# other's neighbour, nor is one in a bar fixed over the page (the header, a sticky footer) the neighbour of the page
# scrolling under it. A link whose box is inline among other words is text (24 px tall is enough). A list item is
# a target when it can be clicked (Quasar makes it focusable).
MEASURE = """
const [rootSelector, exempt, minSize, minInline, minGap] = arguments;
const root = document.querySelector(rootSelector);
const SELECTOR = 'button, [role=button], a[href], input:not([type=hidden]), textarea, select, .q-field, .q-tab, ' +
  '.q-chip, .q-item.q-focusable, [role=checkbox], [role=radio], [role=switch], [role^=menuitem], [role=tab]';
const plane = (el) => el.closest('.q-header, .q-footer, .q-drawer, .q-page-sticky, .fixed, .sticky');
const shown = (el) => {
  const r = el.getBoundingClientRect(), s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && r.right > 0 && r.left < innerWidth
    && !el.closest('[aria-hidden=true]');  // a picture of a state (the menu's switch), not a control
};
const exempted = (el) => exempt.some((selector) => el.closest(selector));
const inline = (el) => el.tagName === 'A' && getComputedStyle(el).display === 'inline'
  && el.parentElement.innerText.trim() !== el.innerText.trim();
const name = (el) => `${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 2).join('.')} ` +
  `"${(el.getAttribute('aria-label') || el.innerText || el.value || '').trim().slice(0, 30)}"`;
const targets = [...new Set([...root.querySelectorAll(SELECTOR)])].filter((el) => shown(el) && !exempted(el));
const rects = targets.map((el) => el.getBoundingClientRect());
const found = [];
targets.forEach((el, i) => {
  const r = rects[i], small = inline(el) ? r.height < minInline : r.height < minSize || r.width < minSize;
  if (small) found.push(`${name(el)} is ${Math.round(r.width)}x${Math.round(r.height)}`);
  targets.forEach((other, j) => {
    if (j <= i || el.contains(other) || other.contains(el) || plane(el) !== plane(other)) return;
    const o = rects[j];
    const across = Math.min(r.right, o.right) - Math.max(r.left, o.left);  // shared width (stacked)
    const along = Math.min(r.bottom, o.bottom) - Math.max(r.top, o.top);  // shared height (side by side)
    const gap = across > 0 && along > 0 ? -1 : along > 0 ? -across : across > 0 ? -along : Infinity;
    if (gap < minGap) found.push(`${name(el)} and ${name(other)} are ${Math.round(gap)} px apart`);
  });
});
return found;
"""
SHEET, MENU = '.q-dialog', '.q-menu'


def test_login_register_and_a_filtered_list_have_large_enough_targets_apart(server: Server, page: Page) -> None:
    seeded = server.manage('seed-demo').stdout
    viewport(page, *PHONE)
    found = measured(page, '/login') + measured(page, '/register')
    page.click('I offer a service')
    page.wait_for_label('Service you offer')
    found += targets_problems(page, 'body', '/register (I offer a service)')
    sign_in(page, *demo_password(seeded, 'admin'))
    found += measured(page, '/admin/requests?status=closed&pincode=560001')
    page.screenshot('targets-admin-requests-folded')
    opener = page.driver.find_element(By.XPATH, "//button[.//*[normalize-space()='Filters (2)']]")  # two filters
    opener.click()
    wait_shown(page, f'{SHEET} [aria-label="Find requests"], {SHEET} form')
    page.screenshot('targets-admin-requests-sheet')
    found += targets_problems(page, SHEET, 'the filters sheet')
    page.driver.find_element(By.CSS_SELECTOR, f'{SHEET} [aria-label="Close"]').click()
    page.driver.find_element(By.CSS_SELECTOR, '[aria-label^="Account menu"]').click()
    wait_shown(page, f'{MENU} [aria-label="Toggle dark mode"]')
    page.screenshot('targets-user-menu')
    found += targets_problems(page, MENU, 'the account menu')
    assert drawn_before(page, f'{MENU} .signed-in-as') == '"Signed in as"'  # the caption is CSS (components/theme.py)
    assert drawn_before(page, f'{MENU} [role=menuitemcheckbox]') == '"dark_mode" / ""'  # and so are the icons
    assert not found, '\n'.join(found)
    viewport(page, *TABLET)
    page.open('/admin/requests?status=closed')
    wait_shown(page, '.q-drawer a[href="/admin/users"]')  # the navigation beside the list, not behind the button
    assert page.driver.find_element(By.CSS_SELECTOR, '.q-drawer a[href="/admin/users"]').rect['x'] >= 0
    wait_shown(page, 'form [aria-label="Status"], form .q-field')  # the filters as a card again
    page.screenshot('targets-tablet-768')


def test_both_sign_up_choices_fit_a_320_px_phone(server: Server, page: Page) -> None:
    viewport(page, *SMALL_PHONE)
    page.open('/register')
    page.wait_for_label('Full name')
    card = page.driver.find_element(By.CSS_SELECTOR, '.q-card').rect
    for tab in page.driver.find_elements(By.CSS_SELECTOR, '.q-tab'):
        box, label = tab.rect, tab.find_element(By.CSS_SELECTOR, '.q-tab__label')
        assert card['x'] <= box['x'] and box['x'] + box['width'] <= card['x'] + card['width'], (tab.text, box, card)
        assert label.get_property('scrollWidth') <= label.get_property('clientWidth'), f'{tab.text!r} is cut off'
    page.screenshot('targets-register-320')
    assert not targets_problems(page, 'body', '/register at 320 px')


def drawn_before(page: Page, selector: str) -> str:
    """What CSS draws before the element's own content (its ::before), as the browser computed it."""
    script = 'return getComputedStyle(document.querySelector(arguments[0]), "::before").content'
    return page.driver.execute_script(script, selector)


def viewport(page: Page, width: int, height: int) -> None:
    metrics = {'width': width, 'height': height, 'deviceScaleFactor': 1, 'mobile': True}
    page.driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', metrics)


def measured(page: Page, path: str) -> list[str]:
    page.open(path)
    wait_shown(page, 'h1, [role=heading][aria-level="1"]')
    return targets_problems(page, 'body', path)


def targets_problems(page: Page, root: str, where: str) -> list[str]:
    page.driver.execute_async_script('setTimeout(arguments[0], 400)')  # Quasar's transitions end
    found = page.driver.execute_script(MEASURE, root, list(EXEMPT), MIN_SIZE, MIN_INLINE_HEIGHT, MIN_GAP)
    return [f'{where}: {line}' for line in found]


def wait_shown(page: Page, selector: str) -> None:
    WebDriverWait(page.driver, 30).until(expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, selector)))
