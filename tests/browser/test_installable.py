"""Installable, in real Chromium: its own installability check passes, and with the network gone the service worker
answers every page with the offline page, never a copy of a private page (pages/pwa.py, pages/static/pwa/sw.js).

Chromium's network emulation on a page does not reach the service worker, which fetches for the page: the worker is
taken offline too, through a DevTools session of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from nicegui import __version__
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from components.pwa import MANIFEST
from components.theme import ICON_FONT_URL, QUASAR_URL, STYLESHEET_URL
from pages.pwa import NICEGUI_ASSETS, OFFLINE, OFFLINE_ICON
from tests.browser.conftest import Page, Server
from tests.browser.steps import click_link, demo_password, sign_in

pytestmark = pytest.mark.browser

PHONE = (390, 844)
OFFLINE_WORDS = 'You are offline'
WORKER_READY = """
const done = arguments[arguments.length - 1];
navigator.serviceWorker.ready.then(({ active }) => {
  if (active.state === 'activated') done(active.state);  // ready comes as soon as it activates, before it is done
  else active.addEventListener('statechange', () => active.state === 'activated' && done(active.state));
});
"""
CACHED_URLS = """
const done = arguments[arguments.length - 1];
(async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
  }
  return urls;
})().then(done);
"""
# the icon font: our subset of NiceGUI's; the Quasar: ours, with only the components the app draws
# How each file of the page was answered (Resource Timing): the source of the worker's static route that answered
# it ('' for none), and whether the worker was running for it
ROUTED_SOURCES = """
return performance.getEntries()
  .filter((entry) => 'workerMatchedSourceType' in entry)
  .map((entry) => [new URL(entry.name).pathname, entry.workerFinalSourceType, entry.workerStart > 0]);
"""
NICEGUI_COMPONENTS = f'/_nicegui/{__version__}/components/'
OUR_SHELL = {OFFLINE, MANIFEST, OFFLINE_ICON, ICON_FONT_URL, STYLESHEET_URL, QUASAR_URL}


def test_chromium_finds_the_app_installable_and_offline_it_shows_the_offline_page(server: Server, page: Page) -> None:
    width, height = PHONE
    page.driver.execute_cdp_cmd(
        'Emulation.setDeviceMetricsOverride', {'width': width, 'height': height, 'deviceScaleFactor': 1, 'mobile': True}
    )
    page.open('/login')
    assert worker_state(page) == 'activated'
    assert page.driver.execute_cdp_cmd('Page.getInstallabilityErrors', {}) == {'installabilityErrors': []}
    manifest = page.driver.execute_cdp_cmd('Page.getAppManifest', {})
    assert manifest['errors'] == []
    assert manifest['url'] == f'{server.url}/manifest.webmanifest'
    page.screenshot('installable-login-phone')
    with offline(page):
        page.open('/customer/requests')
        offline_page_shown(page, '/customer/requests')
        page.screenshot('installable-offline-phone')
    click_link(page, 'Try again')  # the network is back: the page asked for, which sends a stranger to sign in
    WebDriverWait(page.driver, 30).until(lambda driver: urlsplit(driver.current_url).path == '/login')


def test_after_sign_out_offline_shows_the_offline_page_never_the_private_one(server: Server, page: Page) -> None:
    email, password = demo_password(server.manage('seed-demo').stdout, 'customer')
    sign_in(page, email, password)
    page.wait_for_path('/customer')
    assert worker_state(page) == 'activated'
    start_url = page.driver.execute_cdp_cmd('Page.getAppManifest', {})['manifest']['startUrl']
    page.driver.get(start_url)  # as the installed app starts: the customer lands on their home
    page.wait_for_path('/customer')
    private = private_lines(page)
    page.open('/logout')
    page.wait_for_path('/login')
    private -= set(body_text(page).splitlines())  # what the sign-in page shows everybody is not theirs
    with offline(page):
        page.open('/customer/requests')
        offline_page_shown(page, '/customer/requests')
        shown = set(body_text(page).splitlines())
    assert shown & private == set()
    kept = [urlsplit(url).path for url in page.driver.execute_async_script(CACHED_URLS)]
    assert OUR_SHELL <= set(kept)
    assert [path for path in kept if path not in OUR_SHELL and not path.startswith(NICEGUI_ASSETS)] == []


def test_with_the_worker_in_place_the_browser_answers_files_without_running_it(server: Server, page: Page) -> None:
    """Chromium's static routing (sw.js): the shell from the worker's cache and NiceGUI's other files from the
    network (the HTTP cache), neither through the worker's fetch handler; pages still go through it (offline page)."""
    page.open('/login')
    assert worker_state(page) == 'activated'
    page.open('/register')  # a page the worker controls
    page.wait_for_text('Already have an account?')
    sources = {path: (source, running) for path, source, running in page.driver.execute_script(ROUTED_SOURCES)}
    assert sources[QUASAR_URL][0] == sources[STYLESHEET_URL][0] == 'cache', sources
    components = {path: source for path, (source, _) in sources.items() if path.startswith(NICEGUI_COMPONENTS)}
    assert components and set(components.values()) == {'network'}, sources
    assert sources['/register'] == ('', True)  # no route: the worker's fetch handler answered it


# --- steps --------------------------------------------------------------------------------------------------------


def worker_state(page: Page) -> str:
    """Once the service worker has installed (its shell precached) and activated."""
    page.driver.set_script_timeout(30)
    return page.driver.execute_async_script(WORKER_READY)


@contextmanager
def offline(page: Page) -> Iterator[None]:
    """No network for the page, nor for the service worker that fetches for it; back online afterwards."""
    driver = page.driver
    targets = driver.execute_cdp_cmd('Target.getTargets', {})['targetInfos']
    workers = [target['targetId'] for target in targets if target['type'] == 'service_worker']
    assert len(workers) == 1, targets
    # Selenium speaks DevTools to the page only: the worker's session is reached through the page's (the answers
    # come back as events nobody reads, but the commands are carried out in order)
    worker = driver.execute_cdp_cmd('Target.attachToTarget', {'targetId': workers[0], 'flatten': False})['sessionId']

    def to_worker(number: int, method: str, params: dict[str, object]) -> None:
        message = json.dumps({'id': number, 'method': method, 'params': params})
        driver.execute_cdp_cmd('Target.sendMessageToTarget', {'sessionId': worker, 'message': message})

    def network(*, off: bool) -> None:
        conditions = {'offline': off, 'latency': 0, 'downloadThroughput': -1, 'uploadThroughput': -1}
        to_worker(1, 'Network.enable', {})
        to_worker(2, 'Network.emulateNetworkConditions', conditions)
        driver.execute_cdp_cmd('Network.enable', {})
        driver.execute_cdp_cmd('Network.emulateNetworkConditions', conditions)

    network(off=True)
    try:
        yield
    finally:
        network(off=False)
        driver.execute_cdp_cmd('Target.detachFromTarget', {'sessionId': worker})


def offline_page_shown(page: Page, path: str) -> None:
    """The offline page stands in for `path` (the address stays, so Try again asks for it again)."""
    try:
        page.wait_for_text(OFFLINE_WORDS)
    except TimeoutException:
        raise AssertionError(f'no offline page at {path}; shown instead:\n{body_text(page)}') from None
    assert urlsplit(page.driver.current_url).path == path
    assert page.driver.title == 'You are offline · Household Services'


def private_lines(page: Page) -> set[str]:
    """What the customer's list of requests shows (their name in the frame, their requests), line by line."""
    page.open('/customer/requests')
    find = 'return [...document.querySelectorAll(\'a[href^="/customer/requests/"]\')].map((a) => a.innerText.trim())'
    requests = WebDriverWait(page.driver, 30).until(lambda driver: driver.execute_script(find))
    lines = set(body_text(page).splitlines())
    assert {line for request in requests for line in request.splitlines()} <= lines
    return lines


def body_text(page: Page) -> str:
    return page.driver.find_element(By.TAG_NAME, 'body').text
