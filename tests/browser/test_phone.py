"""Every page of every role on a phone (390 x 844 CSS px, a phone's pixel ratio, user agent and touch), walked by the
same tour as the content security policy test (tests/browser/tour.py), so a new page is covered without editing this.

On each page, once it is drawn and the visit's action is done, one pass in the page (phone_audit.js) finds:
- document overflow: the page is wider than the phone (it would scroll sideways);
- hidden sideways: a box showing only part of its content across (a table that scrolls under the finger, text cut
  off), unless it is one of ALLOWED_SCROLLERS;
- small target: something to tap under 44 x 44 px (a link inside a sentence: under 24 px tall), unless EXEMPT;
- no autocomplete: a field asking for a name, email, phone, address, postal code or password that does not tell the
  browser what it is (components/forms.py FIELD_HINTS is the app's table of these);
- icon font: an icon the app's Material Icons subset cannot draw (it shows as its name), or NiceGUI's full icon font
  fetched (the subset stands in for it: components/theme.py, tests/pages/test_icon_font.py).
A screenshot of each page goes to screenshots/phone-<role>-<route>.png and every finding to
screenshots/phone-findings.txt (bench/tap_targets.py counts them).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from components.forms import FIELD_HINTS
from components.theme import ICON_FONT
from scripts.subset_icons import drawn_icon_names, original_font
from tests.browser.conftest import SCREENSHOTS, Page, Server
from tests.browser.tour import Tour, Visit, drawn, seeded_for_the_tour, walk_every_page

pytestmark = pytest.mark.browser

PHONE = {'width': 390, 'height': 844, 'deviceScaleFactor': 3, 'mobile': True}
PHONE_AGENT = (
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) '
    'Chrome/156.0.0.0 Mobile Safari/537.36'
)
FINGER, TEXT_LINK = 44, 24  # CSS px: WCAG 2.5.5 for what is tapped, 2.5.8 for a link inside running text
AUDIT = (Path(__file__).parent / 'phone_audit.js').read_text()
FINDINGS = SCREENSHOTS / 'phone-findings.txt'
RULES = (
    'action failed',
    'document overflow',
    'hidden sideways',
    'small target',
    'no autocomplete',
    'icon font',
    'unstyled class',
    'unknown component',
)
ICON_NAMES = sorted(drawn_icon_names(ICON_FONT))

# Boxes that may hide content sideways, because swiping them is how they are read (only the box itself: what is
# cut off inside one is found).
ALLOWED_SCROLLERS = (
    (
        '.app-list, .app-list > .q-table__middle',
        'a list of records (components/tables.py): cards on a phone, a table that may scroll on wider screens',
    ),
    ('.chip-strip', "the booking form's strip of days (components/booking.py): a row of chips swiped sideways"),
)
# Targets not measured themselves.
EXEMPT = (
    (
        '.q-field__control input, .q-field__control textarea',
        'the native field inside a Quasar field: the whole .q-field__control around it takes the tap, and is measured',
    ),
)
# The words of a label that ask the browser to fill the field in: FIELD_HINTS' fields with an autocomplete, and
# the other words people use for them.
AUTOFILL_WORDS = [name for name, hints in FIELD_HINTS.items() if 'autocomplete=' in hints] + ['postal', 'mobile']


@pytest.fixture
def phone(browser: WebDriver, server: Server) -> Page:
    """Chromium as a phone: its screen, pixel ratio and user agent (Quasar reads it: body.mobile), and touch."""
    browser.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', PHONE)
    browser.execute_cdp_cmd('Emulation.setUserAgentOverride', {'userAgent': PHONE_AGENT, 'platform': 'Android'})
    browser.execute_cdp_cmd('Emulation.setTouchEmulationEnabled', {'enabled': True, 'maxTouchPoints': 5})
    return Page(browser, server.url)


def test_every_page_of_every_role_fits_a_phone(server: Server, phone: Page, tmp_path: Path) -> None:
    seeded = seeded_for_the_tour(server)
    tour = Tour(phone, check=phone_layout)
    walk_every_page(tour, seeded, tmp_path)
    found = sorted(tour.findings, key=rule_of)  # stable: by rule, then in the tour's order
    FINDINGS.write_text(''.join(f'{line}\n' for line in found))
    assert not found, f'{len(found)} things do not fit a phone:\n' + '\n'.join(found)
    assert tour.unvisited() == set(), 'pages the tour never opened on a phone'


def rule_of(finding: str) -> int:
    return next(number for number, rule in enumerate(RULES) if f': {rule}: ' in finding)


def phone_layout(page: Page, visit: Visit) -> list[str]:
    """What on the page does not fit a phone; the screenshot shows it."""
    assert page.driver.execute_script('return document.documentElement.clientWidth') == PHONE['width'], visit
    page.screenshot(f'phone-{visit.slug}')  # also waits out Quasar's transitions
    found = page.driver.execute_script(
        AUDIT,
        [s for s, _ in ALLOWED_SCROLLERS],
        [s for s, _ in EXEMPT],
        AUTOFILL_WORDS,
        FINGER,
        TEXT_LINK,
        ICON_NAMES,
        original_font().name,
    )
    return [f'{visit}: {rule}: {what}' for rule, what in found]


# Each rule on made-up elements, with one that passes beside each that fails (names start with "probe").
PROBES = """
<div id="probes" style="padding: 8px">
  <button style="width: 30px; height: 30px; padding: 0">probe small</button>
  <button style="width: 48px; height: 48px; padding: 0">probe big</button>
  <button style="display: none">probe not displayed</button>
  <button style="visibility: hidden">probe invisible</button>
  <a href="#" style="display: inline-block; height: 30px">probe lone link</a>
  <p style="font-size: 14px">Read the <a href="#">probe terms</a> first.</p>
  <p style="font-size: 16px">Read the <a href="#" style="padding: 4px 0">probe rules</a> now.</p>
  <div style="width: 600px">probe wide</div>
  <div style="overflow-x: auto; width: 200px"><div style="width: 800px">probe scroller</div></div>
  <div class="chip-strip" style="overflow-x: auto; width: 200px"><div style="width: 800px">probe days</div></div>
  <div class="gap-2">probe spelled class</div>
  <div class="gap-[13px]">probe made class</div>
  <input aria-label="probe phone" style="height: 48px; width: 200px">
  <input aria-label="probe email" autocomplete="email" style="height: 48px; width: 200px">
  <input aria-label="probe password" type="password" autocomplete="on" style="height: 48px; width: 200px">
  <input aria-label="probe secret" type="password" autocomplete="current-password" style="height: 48px; width: 200px">
  <input aria-label="probe colour" style="height: 48px; width: 200px">
  <i class="q-icon material-icons" aria-label="probe drawn icon">chevron_right</i>
  <i class="q-icon material-icons" aria-label="probe missing icon">wifi</i>
  <q-rating aria-label="probe unknown rating"></q-rating>
</div>
"""


def test_the_phone_audit_reports_each_rule_broken_and_nothing_else(phone: Page) -> None:
    phone.open('/login')
    drawn(phone)
    phone.driver.execute_script('document.body.insertAdjacentHTML("beforeend", arguments[0])', PROBES)
    found = [line for line in phone_layout(phone, Visit('probe', '/login', '/login')) if '"probe ' in line]
    assert sorted(re.sub(r'^probe /login: |( \d+x\d+)? at \(\d+,\d+\)$', '', line) for line in found) == [
        'document overflow: 608 px wide in a 390 px screen: div "probe wide" 600 px wide',  # and its 8 px padding
        'hidden sideways: div "probe scroller" shows 200 of 800 px',
        'icon font: i.q-icon "probe missing icon" shows "wifi"',  # drawn as the word: not in the subset
        'no autocomplete: input[type=password] "probe password" autocomplete="on"',
        'no autocomplete: input[type=text] "probe phone" autocomplete=""',
        'small target: a "probe lone link"',  # 30 px tall
        'small target: a "probe terms"',  # a link in a sentence, under 24 px tall ("probe rules" is 26 with padding)
        'small target: button "probe small"',
        'unknown component: q-rating "probe unknown rating": Quasar has no q-rating registered',
        'unstyled class: chip-strip on div.chip-strip "probe days": no stylesheet has a rule for it',  # not on /login
        'unstyled class: gap-[13px] on div.gap-[13px] "probe made class": no stylesheet has a rule for it',
    ], '\n'.join(found)
    assert any('button "probe small" 30x30 at ' in line for line in found), found
