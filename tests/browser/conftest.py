"""Real Chromium against the real app: `python app.py` in a subprocess on a free port, its own data_dir."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.servers import app_environment

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / 'screenshots'
CHROMIUM, CHROMEDRIVER = '/usr/bin/chromium', '/usr/bin/chromedriver'
ACCOUNT_MENU = '[aria-label^="Account menu"]'  # the header's button for the viewer's menu (components/frame.py)
SOCKET_CONNECTED = 'return !!(window.socket && window.socket.connected)'  # NiceGUI's page socket (nicegui.js)
CHROMIUM_FLAGS = (
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--window-size=1280,900',
)


@dataclass
class Server:
    """`python app.py` on a port of its own; `restart` stops it and starts it again with changed settings."""

    url: str
    env: dict[str, str]
    port: int
    log: Path  # the app's output (a pipe nobody reads would fill up and stall the server)
    process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        with self.log.open('a') as output:
            self.process = subprocess.Popen(
                [sys.executable, 'app.py'], cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT
            )
        _wait_for_port(self.port, self.process, self.log)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def restart(self, **settings: str) -> None:
        """E.g. restart(HSA_CLOCK_SHIFT_MINUTES='4320'): the same data, the app's clock three days ahead."""
        self.stop()
        self.env = self.env | settings
        self.start()

    def manage(self, *args: str, stdin: str = '') -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, 'manage.py', *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )


@pytest.fixture
def server(data_dir: Path) -> Iterator[Server]:
    port = _free_port()
    # Without pytest's variables: NiceGUI would otherwise think it runs inside a test and not serve.
    env = app_environment()
    env |= {'HSA_PORT': str(port), 'HSA_MIGRATE_ON_STARTUP': '1', 'HSA_BCRYPT_ROUNDS': '4'}
    (data_dir / 'hsa.db').unlink()  # start from nothing, as a fresh clone does
    running = Server(f'http://127.0.0.1:{port}', env, port, data_dir / 'app.log')
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    with chromium() as driver:
        yield driver


@pytest.fixture
def second_browser() -> Iterator[WebDriver]:
    """Another person's browser, with cookies of its own."""
    with chromium() as driver:
        yield driver


@contextmanager
def chromium() -> Iterator[WebDriver]:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.fail('Chromium is missing: run `apt-get install -y chromium chromium-driver` (make test does it).')
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})  # the console, for driver.get_log('browser')
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


class Page:
    """Small helpers over Selenium that find Quasar inputs by their visible label."""

    def __init__(self, driver: WebDriver, base: str) -> None:
        self.driver, self.base = driver, base

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def fill(self, label: str, text: str) -> None:
        """Type into a field once the page is live (its socket connected: under load a field typed into before
        that came back with some letters missing) and read it back."""
        WebDriverWait(self.driver, 30).until(lambda driver: driver.execute_script(SOCKET_CONNECTED))
        field = (By.XPATH, f"(//label[.//div[normalize-space()='{label}']])[last()]//*[self::input or self::textarea]")
        typed = self.driver.find_element(*field)
        typed.clear()
        typed.send_keys(text)
        # found again: Vue may have drawn the field anew meanwhile (a dialog's)
        WebDriverWait(self.driver, 5, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda driver: driver.find_element(*field).get_property('value') == text
        )

    def click(self, text: str) -> None:
        self.driver.find_element(
            By.XPATH,
            f"//*[self::button or @role='tab'][.//*[normalize-space()='{text}'] or normalize-space()='{text}']",
        ).click()

    def press(self, aria_label: str) -> None:
        """A control by its aria-label; one in the header's account menu (dark mode) once the menu is open."""
        wanted = f'[aria-label="{aria_label}"]'
        if not self.driver.execute_script('return !!document.querySelector(arguments[0])', wanted):
            self.driver.find_element(By.CSS_SELECTOR, ACCOUNT_MENU).click()
        WebDriverWait(self.driver, 10).until(expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, wanted)))
        self.driver.find_element(By.CSS_SELECTOR, wanted).click()

    def choose(self, label: str, option: str) -> None:
        """Open a Quasar select and pick an option, waiting out its menu animation (slow on a busy machine)."""
        field = f"//label[.//div[normalize-space()='{label}']]"
        menu = "//div[contains(@class,'q-menu') or contains(@class,'q-select__dialog')]"  # a phone gets a dialog
        item = f"{menu}//div[contains(@class,'q-item')][.//*[contains(text(),'{option}')]]"
        wait = WebDriverWait(self.driver, 30)
        for _ in range(3):
            self.driver.find_element(By.XPATH, field).click()
            wait.until(expected_conditions.element_to_be_clickable((By.XPATH, item))).click()
            chosen = f"{field}//*[contains(@class,'q-field__native')][contains(normalize-space(), '{option}')]"
            if self.driver.find_elements(By.XPATH, chosen):
                return
        raise AssertionError(f'could not choose {option!r} in {label!r}')

    def wait_for_path(self, path: str) -> None:
        try:
            WebDriverWait(self.driver, 30).until(expected_conditions.url_to_be(self.base + path))
        except TimeoutException:
            self.screenshot(f'failed-waiting-for-{path.strip("/").replace("/", "-") or "root"}')
            shown = self.driver.find_element(By.TAG_NAME, 'body').text
            raise AssertionError(f'never reached {path}; at {self.driver.current_url} showing:\n{shown}') from None

    def wait_for_label(self, label: str) -> None:
        """Wait until an input labelled `label` is visible (after a tab switch, for instance)."""
        WebDriverWait(self.driver, 30).until(
            expected_conditions.visibility_of_element_located(
                (By.XPATH, f"//label[.//div[normalize-space()='{label}']]")
            )
        )

    def wait_for_text(self, text: str) -> None:
        WebDriverWait(self.driver, 30).until(
            expected_conditions.presence_of_element_located((By.XPATH, f"//*[contains(text(), '{text}')]"))
        )

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(exist_ok=True)
        time.sleep(0.5)  # let Quasar finish its transitions
        self.driver.save_screenshot(str(SCREENSHOTS / f'{name}.png'))


@pytest.fixture
def page(browser: WebDriver, server: Server) -> Page:
    return Page(browser, server.url)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f'app.py exited early:\n{log.read_text()}')
        with socket.socket() as probe:
            if probe.connect_ex(('127.0.0.1', port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError('app.py did not start listening within 30 s')
