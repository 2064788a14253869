"""A phone on a slow network shows the sign-in form before the page's socket is connected. What the person does in
that moment (typing, tapping Sign in) must reach the server in the order they did it: NiceGUI held each keystroke on
a timer of its own and the server kept a middle one ('admin@exam'), so the sign-in failed with the right password on
the screen (components/theme.py, IN_ORDER_SCRIPT). The socket itself starts connecting before Quasar and Vue are
evaluated (pages/quasar.py, EARLIEST_SOCKET), and NiceGUI takes it over as its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import SOCKET_CONNECTED, Page, Server

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = 'admin@example.com', 'a long admin passphrase'
FIELDS = 'input[type=email], input[type=password]'


# While held, every WebSocket the page makes goes nowhere (a port nobody listens on): DevTools cannot block one
HOLD_WEBSOCKETS = """
const NativeWebSocket = window.WebSocket;
window.__holdSockets = true;
window.WebSocket = function (url, protocols) {
  return new NativeWebSocket(window.__holdSockets ? 'ws://127.0.0.1:9/held' : url, protocols);
};
window.WebSocket.prototype = NativeWebSocket.prototype;
Object.assign(window.WebSocket, NativeWebSocket);
"""


@contextmanager
def socket_held_back(page: Page) -> Iterator[None]:
    """The page's socket cannot connect until the hold ends (a phone whose socket is slower than its drawing), over
    a WebSocket or socket.io's polling fallback; socket.io keeps trying, and connects at its next try after."""
    page.driver.execute_cdp_cmd('Network.enable', {})
    page.driver.execute_cdp_cmd('Network.setBlockedURLs', {'urls': ['*/_nicegui_ws/*']})
    hold = page.driver.execute_cdp_cmd('Page.addScriptToEvaluateOnNewDocument', {'source': HOLD_WEBSOCKETS})
    try:
        yield
    finally:
        page.driver.execute_cdp_cmd('Page.removeScriptToEvaluateOnNewDocument', {'identifier': hold['identifier']})
        page.driver.execute_cdp_cmd('Network.setBlockedURLs', {'urls': []})
        page.driver.execute_script('window.__holdSockets = false')


def test_typing_and_signing_in_before_the_page_is_live_signs_in(server: Server, page: Page) -> None:
    server.manage('create-admin', '--email', EMAIL, '--name', 'Asha Admin', stdin=f'{PASSWORD}\n')
    with socket_held_back(page):
        page.open('/login')
        WebDriverWait(page.driver, 60).until(lambda driver: len(driver.find_elements(By.CSS_SELECTOR, FIELDS)) == 2)
        assert not page.driver.execute_script(SOCKET_CONNECTED), 'the page went live before anything was typed'
        email, password = page.driver.find_elements(By.CSS_SELECTOR, FIELDS)
        email.send_keys(EMAIL)
        password.send_keys(PASSWORD)
        page.driver.find_element(By.XPATH, "//button[normalize-space()='Sign in']").click()
        assert not page.driver.execute_script(SOCKET_CONNECTED), 'the page went live before Sign in was tapped'
    page.wait_for_path('/admin')
    page.wait_for_text('Welcome, Asha Admin.')


# Recorded from the document's start: when the first WebSocket was made, and when NiceGUI's root component mounted
# (its `mounted` sets `window.clientId` first, then asks for its socket).
WATCH_THE_SOCKET = """
window.__seen = {};
const NativeWebSocket = window.WebSocket;
window.WebSocket = function (...args) {
  window.__seen.webSocket ??= performance.now();
  return new NativeWebSocket(...args);
};
window.WebSocket.prototype = NativeWebSocket.prototype;
Object.assign(window.WebSocket, NativeWebSocket);
let clientId;
Object.defineProperty(window, 'clientId', {
  configurable: true,
  get: () => clientId,
  set: (id) => { window.__seen.mounted ??= performance.now(); clientId = id; },
});
"""
HANDED_OVER = 'return window.socket.io.opts.query.document_id === window.documentId && !!window.documentId'


def test_the_socket_opens_before_the_page_is_drawn_and_reconnects_as_niceguis(server: Server, page: Page) -> None:
    """EARLIEST_SOCKET opens the socket before Vue starts drawing, and NiceGUI takes it over: its query object (what
    a reconnect sends) is the socket's, with the same document id, so a socket that drops comes back to the page."""
    server.manage('create-admin', '--email', EMAIL, '--name', 'Asha Admin', stdin=f'{PASSWORD}\n')
    watch = page.driver.execute_cdp_cmd('Page.addScriptToEvaluateOnNewDocument', {'source': WATCH_THE_SOCKET})
    try:
        page.open('/login')
        WebDriverWait(page.driver, 30).until(lambda driver: driver.execute_script(SOCKET_CONNECTED))
        seen = page.driver.execute_script('return window.__seen')
    finally:
        page.driver.execute_cdp_cmd('Page.removeScriptToEvaluateOnNewDocument', {'identifier': watch['identifier']})
    assert seen['webSocket'] < seen['mounted'], seen
    assert page.driver.execute_script(HANDED_OVER)
    page.driver.execute_script('window.socket.io.engine.close()')  # the connection drops; socket.io reconnects
    WebDriverWait(page.driver, 30).until(lambda driver: not driver.execute_script('return window.socket.connected'))
    WebDriverWait(page.driver, 30).until(lambda driver: driver.execute_script(SOCKET_CONNECTED))
    page.fill('Email', EMAIL)
    page.fill('Password', PASSWORD)
    page.click('Sign in')
    page.wait_for_path('/admin')
