"""The admin's lists in real Chromium, on the demo data (components/tables.py): on a phone (390 px) every row is a
card whose name, status and buttons are on the screen; on a tablet (768 px, the navigation beside the list) nothing
reaches or scrolls sideways; on a landscape tablet (1024 px) the list is a table showing every column, whose cells
wrap rather than scroll."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import Page, Server
from tests.browser.steps import sign_in_as_demo_admin

pytestmark = pytest.mark.browser

PAGES = ('/admin/services', '/admin/users', '/admin/requests', '/admin/audit')
PHONE, TABLET, LANDSCAPE_TABLET = (390, 844), (768, 1024), (1024, 768)
SIZES = 'return [document.documentElement.clientWidth, document.documentElement.scrollWidth]'
LISTS_DRAWN = "return document.querySelectorAll('.app-list tbody tr').length > 0"
# Each card of the page: is it laid out as one, and which of its parts reach past the screen's right edge
CARDS = """
const width = document.documentElement.clientWidth;
const inside = (cell) => cell.getBoundingClientRect().left >= 0 && cell.getBoundingClientRect().right <= width;
return [...document.querySelectorAll('.app-list')].map((list) => ({
  head: getComputedStyle(list.querySelector('thead')).display,
  roles: [...list.querySelectorAll('thead th')].map((th) => th.className),
  rows: [...list.querySelectorAll('tbody tr')].map((tr) => ({
    text: tr.innerText.slice(0, 40),
    display: getComputedStyle(tr).display,
    title: [...tr.querySelectorAll('td.list-title')].map(inside),
    status: [...tr.querySelectorAll('td.list-status')].map(inside),
    actions: [...tr.querySelectorAll('td.list-actions .q-btn')].map(
      (button) => inside(button) && button.getBoundingClientRect().height >= 44),
    outside: [...tr.querySelectorAll('td')].filter((td) => td.getClientRects().length && !inside(td))
      .map((td) => td.dataset.label),
  })),
}));
"""
# Every list's scrolling box, whether its headings show, and the labels of visible cells past the screen's edges
SIDEWAYS = """
const width = document.documentElement.clientWidth;
return [...document.querySelectorAll('.app-list')].map((list) => {
  const box = list.querySelector('.q-table__middle') || list;
  const past = (cell) => cell.getBoundingClientRect().left < 0 || cell.getBoundingClientRect().right > width;
  return {
    scroll: box.scrollWidth, client: box.clientWidth, head: getComputedStyle(list.querySelector('thead')).display,
    hidden: [...list.querySelectorAll('thead th')].filter((th) => !th.getClientRects().length)
      .map((th) => th.innerText),
    past: [...list.querySelectorAll('tbody td')].filter((td) => td.getClientRects().length && past(td))
      .map((td) => td.dataset.label),
  };
});
"""


def test_every_admin_list_is_cards_on_a_phone_and_whole_on_a_tablet(server: Server, page: Page) -> None:
    sign_in_as_demo_admin(server, page)
    for path in PAGES:
        name = path.strip('/').replace('/', '-')
        open_at(page, path, PHONE, f'phone-{name}')
        every_row_is_a_card_on_the_screen(page, path)
        open_at(page, path, TABLET, f'tablet-{name}')  # the drawer beside the list leaves it a phone's width
        nothing_reaches_sideways(page, path)
        open_at(page, path, LANDSCAPE_TABLET, f'landscape-tablet-{name}')
        nothing_reaches_sideways(page, path, table=True)


def open_at(page: Page, path: str, size: tuple[int, int], screenshot: str) -> None:
    """Headless Chromium's window has no frame: its size is the page's, less a scrollbar if one shows."""
    page.driver.set_window_size(*size)
    page.open(path)
    WebDriverWait(page.driver, 30).until(lambda driver: driver.execute_script(LISTS_DRAWN))
    page.driver.execute_script("document.querySelector('.app-list').scrollIntoView()")
    page.screenshot(screenshot)
    assert 'Something went wrong' not in page.driver.find_element(By.TAG_NAME, 'body').text, f'{path} failed'
    client, scrolled = page.driver.execute_script(SIZES)
    assert size[0] - 20 <= client <= size[0], f'{path}: the page is {client} px wide in a {size[0]} px window'
    assert scrolled <= client, f'{path}: the page is {scrolled} px wide on a {client} px screen'


def every_row_is_a_card_on_the_screen(page: Page, path: str) -> None:
    lists = page.driver.execute_script(CARDS)
    assert lists, f'{path}: no list'
    for shown in lists:
        assert shown['head'] == 'none', f'{path}: a phone shows the column headings'
        has_status = any('list-status' in roles for roles in shown['roles'])
        has_actions = any('list-actions' in roles for roles in shown['roles'])
        for row in shown['rows']:
            assert row['display'] == 'flex', f'{path}: {row["text"]!r} is not a card'
            assert row['title'] == [True], f'{path}: the name of {row["text"]!r} is off the screen'
            assert row['status'] == ([True] if has_status else []), f'{path}: the status of {row["text"]!r}'
            assert row['actions'] if has_actions else not row['actions'], f'{path}: the buttons of {row["text"]!r}'
            assert all(row['actions']), f'{path}: a button of {row["text"]!r} is off the screen or under 44 px'
            assert row['outside'] == [], f'{path}: {row["outside"]} of {row["text"]!r} reach past the screen'


def nothing_reaches_sideways(page: Page, path: str, *, table: bool = False) -> None:
    """No list scrolls sideways or reaches past the screen; with `table`, it is a table with every heading shown."""
    lists = page.driver.execute_script(SIDEWAYS)
    assert lists, f'{path}: no list'
    for shown in lists:
        assert shown['scroll'] <= shown['client'], f'{path}: {shown["scroll"]} px of list in {shown["client"]} px'
        assert shown['past'] == [], f'{path}: {shown["past"]} reach past the screen'
        if table:
            assert shown['head'] != 'none', f'{path}: a table was expected, not cards'
            assert shown['hidden'] == [], f'{path}: the table hides {shown["hidden"]}'
