"""The first and the repeat visit of three pages on a phone, unthrottled and throttled (a benchmark, not a timed test).

    .venv/bin/python bench/phone.py                        # this tree, 3 runs a cell (median), every network
    .venv/bin/python bench/phone.py --root /tmp/before     # another checkout of the app (the same .venv)
    .venv/bin/python bench/phone.py --runs 5 --networks slow4g --detail   # also each first visit's requests
    .venv/bin/python bench/phone.py --runs 8 --networks slow4g --pages customer,booking

The app (`python app.py` in --root) serves a fresh data dir of its own, seeded with `manage.py seed-demo`; the demo
customer signs in once (unthrottled) and every customer page is opened with that session cookie. Headless Chromium
emulates a phone through the DevTools protocol: 390x844 at 3x, touch, a phone's user agent; the networks (NETWORKS
below: none, the issue's Slow 4G and DevTools' own preset of that name) through Network.emulateNetworkConditions, the
CPU slowed 4x on the throttled ones (Emulation.setCPUThrottlingRate).

A cell's runs each start a new Chromium with an empty profile: the first visit has no HTTP cache, no service worker
and no storage (only the session cookie, set through Network.setCookie); then about:blank, and the repeat visit opens
the same page again in that browser. "Usable" is measured in the page (performance.now(), from navigation start):
the socket is connected and NiceGUI's handshake done, and the page's main action is visible (checkVisibility:
rendered, not hidden by CSS). KB: the bytes on the wire (encodedDataLength of every request, headers included) once
the network is quiet after that, from Chromium's performance log and the service workers' (bench/phone_workers.py,
which throttles them too); requests: those that went to the network (an answer from the HTTP cache or a service
worker's cache counts neither bytes nor a request). Targets (issue 19), on slow4g:
usable within 2.5 s on a first visit and 0.8 s on a repeat one, at most 300 KB on a first visit.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.phone_app import commit, seed, serve  # noqa: E402 (after the project is on the path)
from bench.phone_workers import Workers  # noqa: E402

CHROMIUM, CHROMEDRIVER = '/usr/bin/chromium', '/usr/bin/chromedriver'
FLAGS = ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run')
FLAGS += ('--disable-background-networking', '--disable-component-update', '--disable-sync')
PHONE = {'width': 390, 'height': 844, 'deviceScaleFactor': 3, 'mobile': True}
PHONE_AGENT = (
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile '
    'Safari/537.36'
)
# Throttling as DevTools applies it (per request, not per packet), each with the CPU slowed 4x. 'slow4g': the issue's
# network, 150 ms and 1.6 Mbps down, 750 kbps up; 'devtools': DevTools' own "Slow 4G" preset (its old "Fast 3G",
# front_end/core/sdk/NetworkManager.ts), the same RTT times 3.75 and 90% of the bandwidth. 'none': emulation off.
NETWORKS = {  # name: (latency ms, download and upload in bytes a second (-1: unlimited), CPU slowdown)
    'none': (0, -1, -1, 1),
    'slow4g': (150, 1.6e6 / 8, 750e3 / 8, 4),
    'devtools': (150 * 3.75, 1.6e6 / 8 * 0.9, 750e3 / 8 * 0.9, 4),
}
PAGES = (('login', 'Sign in'), ('customer', 'Search'), ('booking', 'Confirm booking'))  # the page, its main action
# Set on every new document before its own scripts: the time (ms from navigation start) it became usable.
PROBE = """
(() => {
  const action = %s;
  const visible = {visibilityProperty: true, opacityProperty: true};
  const shows = (button) => button.checkVisibility(visible) && [button, ...button.querySelectorAll('.block')].some(
    (node) => node.textContent.trim() === action);
  const seen = window.__phases = {};
  const timer = setInterval(() => {
    seen.socket ??= window.socket?.connected && window.did_handshake ? performance.now() : undefined;
    seen.action ??= [...document.querySelectorAll('button')].some(shows) ? performance.now() : undefined;
    if (seen.socket === undefined || seen.action === undefined) return;
    const page = performance.getEntriesByType('navigation')[0];
    Object.assign(seen, {page: page.responseEnd, scripts: page.domContentLoadedEventEnd});
    window.__usableAt = Math.max(seen.socket, seen.action);
    clearInterval(timer);
  }, 20);
})();
"""
PHASES = {  # ms from navigation start, as the probe records them
    'page': 'the page (HTML) received',
    'scripts': "the page's scripts run (DOMContentLoaded)",
    'socket': 'the socket connected, the handshake done',
    'action': 'the main action visible',
}
WAIT_SECONDS = 90
QUIET_SECONDS = 1.5  # no request started or finished for this long: the page has loaded what it loads


@dataclass
class Visit:
    seconds: float | None  # None: never usable within WAIT_SECONDS
    phases: dict[str, float]  # PHASES: seconds from navigation start
    kilobytes: float
    requests: int
    sizes: list[tuple[int, str]]  # bytes and url of each request


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    root = Path(args.root).resolve()
    networks = [name for name in args.networks.split(',') if name]
    if unknown := set(networks) - NETWORKS.keys():
        sys.exit(f'unknown network {", ".join(sorted(unknown))}: choose from {", ".join(NETWORKS)}')
    with tempfile.TemporaryDirectory(prefix='hsa-phone-') as folder:
        data = Path(folder)
        login = seed(root, data)
        with serve(root, data) as base:
            cookies, booking = _sign_in(base, login)
            urls = {'login': f'{base}/login', 'customer': f'{base}/customer', 'booking': base + booking}
            print(f'app: {root} ({commit(root)}); {args.runs} runs a cell, the median; booking page {booking}')
            print(f'load average at the start: {_load()}\n')
            rows = []
            for network in networks:
                for page, action in (entry for entry in PAGES if entry[0] in args.pages.split(',')):
                    signed_in = cookies if page != 'login' else []
                    visits = [_visits(urls[page], action, network, signed_in) for _ in range(args.runs)]
                    rows.append((page, network, visits))
                    print(f'  {page} {network}: ' + ', '.join(f'{_s(a.seconds)}/{_s(b.seconds)}' for a, b in visits))
    print(f'load average at the end: {_load()}')
    _table(rows)
    if args.detail:
        _details(rows)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--root', default=str(ROOT), help='the app to serve (a checkout; default this one)')
    parser.add_argument('--runs', type=int, default=3, help='runs per page and network (default 3)')
    parser.add_argument('--networks', default=','.join(NETWORKS), help=f'of {", ".join(NETWORKS)} (default all)')
    parser.add_argument('--detail', action='store_true', help='also list the first visit requests by size')
    parser.add_argument('--pages', default=','.join(page for page, _ in PAGES), help='of login, customer, booking')
    return parser


def _visits(url: str, action: str, network: str, cookies: list[dict]) -> tuple[Visit, Visit]:
    """The first visit in a new browser, then the repeat visit in the same one."""
    with _phone(network, cookies, url) as (driver, workers):
        first = _visit(driver, workers, url, action)
        driver.get('about:blank')
        return first, _visit(driver, workers, url, action)


def _visit(driver: WebDriver, workers: Workers, url: str, action: str) -> Visit:
    driver.get_log('performance')  # drop what came before
    workers.take()
    probe = driver.execute_cdp_cmd('Page.addScriptToEvaluateOnNewDocument', {'source': PROBE % json.dumps(action)})
    driver.get(url)  # returns at DOMContentLoaded (pageLoadStrategy eager): the new document is the current one
    seconds, phases = None, {}
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        usable_at = driver.execute_script('return window.__usableAt')
        if usable_at is not None:
            seconds = usable_at / 1000
            phases = {name: ms / 1000 for name, ms in driver.execute_script('return window.__phases').items()}
            break
        time.sleep(0.05)
    driver.execute_cdp_cmd('Page.removeScriptToEvaluateOnNewDocument', {'identifier': probe['identifier']})
    return Visit(seconds, phases, *_transferred(driver, workers))


def _transferred(driver: WebDriver, workers: Workers) -> tuple[float, int, list[tuple[int, str]]]:
    """Wait until the network is quiet; the bytes of every request that finished (the page's and its service
    worker's), their count, and each one's size."""
    events, quiet_since = [], time.monotonic()
    deadline = quiet_since + WAIT_SECONDS
    while time.monotonic() - max(quiet_since, workers.last_event) < QUIET_SECONDS and time.monotonic() < deadline:
        time.sleep(0.25)
        fresh = [json.loads(entry['message'])['message'] for entry in driver.get_log('performance')]
        if any(event['method'].startswith('Network.') for event in fresh):
            quiet_since = time.monotonic()
        events += fresh
    urls = {e['params']['requestId']: e['params']['request']['url'] for e in events if e['method'].endswith('BeSent')}
    done = [e['params'] for e in events if e['method'] == 'Network.loadingFinished']
    sizes = [(round(p['encodedDataLength']), urls.get(p['requestId'], '(no address logged)')) for p in done]
    sizes = sorted(((size, url) for size, url in sizes + workers.take() if size > 0), reverse=True)  # 0: a cache's
    return sum(size for size, _ in sizes) / 1024, len(sizes), sizes


@contextmanager
def _phone(network: str, cookies: list[dict], url: str) -> Iterator[tuple[WebDriver, Workers]]:
    """A new headless Chromium with an empty profile, emulating a phone on `network`, holding `cookies`; and its
    service workers, on the same network."""
    with tempfile.TemporaryDirectory(prefix='hsa-phone-chromium-') as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in (*FLAGS, f'--user-data-dir={profile}'):
            options.add_argument(flag)
        options.page_load_strategy = 'eager'
        options.set_capability('goog:loggingPrefs', {'performance': 'ALL'})
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        workers = None
        try:
            _emulate(driver, network)
            workers = Workers(driver.capabilities['goog:chromeOptions']['debuggerAddress'], _conditions(network))
            for cookie in cookies:  # set without a page: nothing is loaded or cached before the first visit
                driver.execute_cdp_cmd('Network.setCookie', {'url': url, **{k: cookie[k] for k in ('name', 'value')}})
            yield driver, workers
        finally:
            if workers is not None:
                workers.close()
            driver.quit()


def _emulate(driver: WebDriver, network: str) -> None:
    """The phone's screen, touch and user agent; its network and CPU (they last for the tab's every navigation)."""
    driver.execute_cdp_cmd('Network.enable', {})
    driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', PHONE)
    driver.execute_cdp_cmd('Emulation.setTouchEmulationEnabled', {'enabled': True, 'maxTouchPoints': 5})
    driver.execute_cdp_cmd('Emulation.setUserAgentOverride', {'userAgent': PHONE_AGENT, 'platform': 'Linux'})
    driver.execute_cdp_cmd('Network.emulateNetworkConditions', {'offline': False} | _conditions(network))
    driver.execute_cdp_cmd('Emulation.setCPUThrottlingRate', {'rate': NETWORKS[network][3]})


def _conditions(network: str) -> dict[str, float]:
    latency, download, upload, _ = NETWORKS[network]
    return {'latency': latency, 'downloadThroughput': download, 'uploadThroughput': upload}


def _sign_in(base: str, login: tuple[str, str]) -> tuple[list[dict], str]:
    """The demo customer signs in (unthrottled): the session's cookies, and the path of the first service's booking
    form that the customer's home offers."""
    with _phone('none', [], base) as (driver, _):
        driver.implicitly_wait(WAIT_SECONDS)
        driver.get(f'{base}/login')
        for label, text in zip(('Email', 'Password'), login, strict=True):
            xpath = f"(//label[.//div[normalize-space()='{label}']])[last()]//input"
            driver.find_element(By.XPATH, xpath).send_keys(text)
        driver.find_element(By.XPATH, "//button[.//*[normalize-space()='Sign in']]").click()
        WebDriverWait(driver, WAIT_SECONDS).until(lambda d: d.current_url.rstrip('/').endswith('/customer'))
        link = driver.find_element(By.CSS_SELECTOR, 'a[href*="/customer/book/"]').get_attribute('href')
        return driver.get_cookies(), link.removeprefix(base)


def _table(rows: list[tuple[str, str, list[tuple[Visit, Visit]]]]) -> None:
    print('\nSeconds until usable (median of the runs), KB on the wire (1 KB = 1024 B), requests\n')
    print('| page | network | first visit s | repeat s | first-visit KB | repeat KB | requests first / repeat |')
    print('|------|---------|-----:|-----:|-----:|-----:|-----:|')
    for page, network, visits in rows:
        first, repeat = [visit for visit, _ in visits], [visit for _, visit in visits]
        print(
            f'| {page} | {network} | {_s(_median(first, "seconds"))} | {_s(_median(repeat, "seconds"))} '
            f'| {_median(first, "kilobytes"):.0f} | {_median(repeat, "kilobytes"):.0f} '
            f'| {_median(first, "requests"):.0f} / {_median(repeat, "requests"):.0f} |'
        )


def _details(rows: list[tuple[str, str, list[tuple[Visit, Visit]]]]) -> None:
    """Where the time went (median seconds from navigation start) and what each first visit loaded."""
    print('\nWhen each step was reached, s (median): ' + '; '.join(f'{key}: {words}' for key, words in PHASES.items()))
    print('\n| page | network | visit | ' + ' | '.join(PHASES) + ' |')
    print('|------|---------|-------|' + '-----:|' * len(PHASES))
    for page, network, visits in rows:
        for number, kind in enumerate(('first', 'repeat')):
            done = [pair[number].phases for pair in visits if pair[number].phases]
            cells = [f'{statistics.median(p[name] for p in done):.2f}' if done else '—' for name in PHASES]
            print(f'| {page} | {network} | {kind} | ' + ' | '.join(cells) + ' |')
    shown = set()
    for page, _, visits in rows:
        if page not in shown:
            shown.add(page)
            print(f'\n{page}, first visit, by size (B):')
            for size, url in visits[0][0].sizes:
                print(f'  {size:9,}  {url.split("?")[0][-90:]}')


def _median(visits: list[Visit], field: str) -> float | None:
    values = [getattr(visit, field) for visit in visits]
    return None if None in values else statistics.median(values)


def _s(seconds: float | None) -> str:
    return '—' if seconds is None else f'{seconds:.2f}'


def _load() -> str:
    return ', '.join(f'{value:.1f}' for value in os.getloadavg()) + f' ({os.cpu_count()} cores)'


if __name__ == '__main__':
    main()
