"""Serve the seeded database with the real app and walk the admin pages in headless Chromium, timing each page.

Needs what `make test` installs (selenium, chromium, chromium-driver). The server is `python app.py` with
HSA_DATA_DIR pointing at the benchmark, on a free port, stopped at the end; screenshots go to {data_dir}/screenshots.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM, CHROMEDRIVER = '/usr/bin/chromium', '/usr/bin/chromedriver'
FLAGS = ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1280,1000')
PAGES = (
    ('requests, first page', '/admin/requests'),
    ('requests waiting for a professional', '/admin/requests?status=requested'),
    ('requests booked in one month', '/admin/requests?date_from={month_ago}&date_to={today}&sort=booked'),
    ('users', '/admin/users'),
    ('audit log', '/admin/audit'),
)
WAIT_SECONDS = 60


def run(data_path: Path, log: Callable[[str], None]) -> None:
    logins = dict(line.split(' ', 1) for line in (data_path / 'bench-logins.txt').read_text().splitlines())
    email, password = logins['admin'].split()
    shots = data_path / 'screenshots'
    shots.mkdir(exist_ok=True)
    with serve(data_path) as base, browser() as driver:
        log(f'\nChromium against {base} (seconds until the page shows its content)')
        driver.get(f'{base}/login')
        _fill(driver, 'Email', email)
        _fill(driver, 'Password', password)
        started = time.perf_counter()
        driver.find_element(
            By.XPATH, "//button[.//*[normalize-space()='Sign in'] or normalize-space()='Sign in']"
        ).click()
        WebDriverWait(driver, WAIT_SECONDS).until(
            lambda d: d.find_elements(By.XPATH, "//*[text()='Pending approvals']")
        )
        log(f'  {"sign-in, then the dashboard":<40} {time.perf_counter() - started:6.2f}')
        driver.save_screenshot(str(shots / 'dashboard.png'))
        today = time.strftime('%Y-%m-%d')
        month_ago = time.strftime('%Y-%m-%d', time.localtime(time.time() - 30 * 86400))
        for label, path in PAGES:
            started = time.perf_counter()
            driver.get(base + path.format(today=today, month_ago=month_ago))
            WebDriverWait(driver, WAIT_SECONDS).until(lambda d: d.find_elements(By.CSS_SELECTOR, 'tbody tr'))
            log(f'  {label:<40} {time.perf_counter() - started:6.2f}')
            driver.save_screenshot(str(shots / f'{label.replace(" ", "-").replace(",", "")}.png'))
        started = time.perf_counter()
        driver.get(f'{base}/admin/requests')
        WebDriverWait(driver, WAIT_SECONDS).until(lambda d: d.find_elements(By.CSS_SELECTOR, 'tbody tr'))
        first_row = driver.find_element(By.CSS_SELECTOR, 'tbody tr').text
        driver.find_element(By.XPATH, "//*[self::a or self::button][.//*[normalize-space()='Next']]").click()
        WebDriverWait(driver, WAIT_SECONDS).until(
            lambda d: (
                d.find_elements(By.CSS_SELECTOR, 'tbody tr')
                and d.find_element(By.CSS_SELECTOR, 'tbody tr').text != first_row
            )
        )
        log(f'  {"requests, first page then Next":<40} {time.perf_counter() - started:6.2f}')
    log(f'  screenshots in {shots}')


def _fill(driver: WebDriver, label: str, text: str) -> None:
    field = driver.find_element(
        By.XPATH, f"(//label[.//div[normalize-space()='{label}']])[last()]//*[self::input or self::textarea]"
    )
    field.clear()
    field.send_keys(text)


@contextmanager
def serve(data_path: Path, *, script: str = 'app.py', settings: dict[str, str] | None = None) -> Iterator[str]:
    """`script` (the app, or a harness around it) serving the seed in `data_path` on a free port, its output in
    {data_path}/{script's name}.log; yields the address, and stops it at the end."""
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    env = {key: value for key, value in os.environ.items() if not key.startswith(('PYTEST_', 'NICEGUI_', 'HSA_'))}
    env |= {'HSA_DATA_DIR': str(data_path), 'HSA_ENV': 'development', 'HSA_DEMO_DATA': '0', 'HSA_PORT': str(port)}
    env |= settings or {}
    log_file = data_path / f'{Path(script).stem}.log'
    with log_file.open('w') as output:
        process = subprocess.Popen([sys.executable, script], cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            with socket.socket() as attempt:
                if attempt.connect_ex(('127.0.0.1', port)) == 0:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f'the app did not start: see {log_file}')
            time.sleep(0.2)
        yield f'http://127.0.0.1:{port}'
    finally:
        process.terminate()
        process.wait(timeout=15)


@contextmanager
def browser() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(2)
    try:
        yield driver
    finally:
        driver.quit()
