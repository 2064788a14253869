"""Past one process, for real: scripts/cluster.sh makes a database of this test's own in the machine's PostgreSQL and
starts a private redis-server, two app processes behind nginx, a Celery worker and beat, in this test's folder and on
ports of its own. A signed-in browser whose app process is killed goes on, still signed in, on the other one: its
session is in Redis and PostgreSQL, not in the process that died."""

from __future__ import annotations

import base64
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import redis
from psycopg import sql
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from models.db import dispose_engines
from services import Actor, people, session_scope
from tests import postgres
from tests.browser.conftest import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS, Page
from tests.browser.steps import click_link
from tests.servers import wait_until

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ADMIN = ('asha@example.com', 'a long admin passphrase', 'Asha Admin')
# nginx's access log (scripts/cluster.sh): the request, its status, every app process tried (the last one answered).
LOGGED = re.compile(
    r'"GET (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d+) upstream=(?P<upstream>.*?) node=\S+ "(?P<agent>[^"]*)"'
)


@dataclass
class Cluster:
    folder: Path
    url: str
    app_ports: tuple[int, int]
    redis_url: str
    database_url: str
    env: dict[str, str]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = ['bash', 'scripts/cluster.sh', *args]
        return subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=150, check=False)

    def create_admin(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """As `manage.py create-admin` does, in this process (a manage.py process would take seconds to start)."""
        with monkeypatch.context() as patched:
            patched.setenv('HSA_DATABASE_URL', self.database_url)
            patched.setenv('HSA_REDIS_URL', self.redis_url)
            with session_scope(write=True) as session:
                people.create_admin(session, Actor.operator(), name=ADMIN[2], email=ADMIN[0], password=ADMIN[1])
            dispose_engines()

    def pid(self, name: str) -> int:
        return int((self.folder / f'{name}.pid').read_text())

    def served(self, path: str) -> int:
        """The port of the app process that answered the browser's last page load of `path`."""
        log = (self.folder / 'nginx-access.log').read_text()
        hits = [m for m in LOGGED.finditer(log) if m['path'] == path and 'HeadlessChrome' in m['agent']]
        assert hits, f'nginx logged no page load of {path} by the browser:\n{log}'
        assert hits[-1]['status'] == '200', hits[-1][0]
        return int(hits[-1]['upstream'].split(', ')[-1].rsplit(':', 1)[1])


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    if not postgres.answers():
        pytest.skip(f'PostgreSQL does not answer at {postgres.ADMIN_DSN} (scripts/start-services.sh starts it)')
    folder, database = tmp_path / 'cluster', f'hsa_cluster_{secrets.token_hex(4)}'
    proxy, first_app, redis_port = _listening_ports()
    env = {key: value for key, value in os.environ.items() if not key.startswith(('PYTEST_', 'NICEGUI_', 'HSA_'))}
    env |= {
        'CLUSTER_DIR': str(folder),
        'CLUSTER_PORT': str(proxy),
        'CLUSTER_APP_PORT': str(first_app),
        'CLUSTER_REDIS_PORT': str(redis_port),
        'CLUSTER_DATABASE_URL': postgres.database_url(database),
        'HSA_DEMO_DATA': '0',
        'HSA_BCRYPT_ROUNDS': '4',
    }
    running = Cluster(
        folder,
        f'http://127.0.0.1:{proxy}',
        (first_app, first_app + 1),
        f'redis://127.0.0.1:{redis_port}/0',
        postgres.database_url(database),
        env,
    )
    try:
        yield running
    finally:
        running.run('stop')
        with psycopg.connect(postgres.ADMIN_DSN, autocommit=True) as connection:
            connection.execute(sql.SQL('DROP DATABASE IF EXISTS {} WITH (FORCE)').format(sql.Identifier(database)))


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.fail('Chromium is missing: run `apt-get install -y chromium chromium-driver` (make test does it).')
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


def test_a_signed_in_browser_goes_on_when_its_app_process_dies(
    cluster: Cluster, browser: WebDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = cluster.run('start', '2')
    assert started.returncode == 0, started.stdout + started.stderr
    assert f'The cluster is up: open {cluster.url}' in started.stdout
    leaders = {name: cluster.pid(name) for name in ('nginx', 'app-1', 'app-2', 'beat', 'worker', 'redis')}
    cluster.create_admin(monkeypatch)

    page = Page(browser, cluster.url)
    page.open('/login')
    page.fill('Email', ADMIN[0])
    page.fill('Password', ADMIN[1])
    page.click('Sign in')
    page.wait_for_path('/admin')
    page.wait_for_text(f'Welcome, {ADMIN[2]}.')
    node = browser.get_cookie('hsa_node')
    first = cluster.served('/admin')
    assert first in cluster.app_ports
    stored = f'hsa:nicegui:user-{_session_id(browser)}'  # this browser's app.storage.user, in Redis
    assert wait_until(lambda: _stored(cluster.redis_url, stored).get('session_token')), f'{stored} holds no session'

    doomed = f'app-{cluster.app_ports.index(first) + 1}'
    os.kill(leaders[doomed], signal.SIGKILL)  # no clean-up, no goodbye: like losing the machine under it
    assert wait_until(lambda: not _running(leaders[doomed]), timeout=10)
    (other,) = set(cluster.app_ports) - {first}

    page.open('/admin')  # the next page load: the other process, which knows the session from Redis
    page.wait_for_path('/admin')
    page.wait_for_text(f'Welcome, {ADMIN[2]}.')
    assert cluster.served('/admin') == other
    page.press('Toggle dark mode')  # a click over the other process's socket; its handler checks the session again
    WebDriverWait(browser, 30).until(lambda driver: 'body--dark' in _classes(driver.find_element(By.TAG_NAME, 'body')))
    click_link(page, 'Users')  # and a page load by a click
    page.wait_for_path('/admin/users')
    assert cluster.served('/admin/users') == other
    assert browser.get_cookie('hsa_node') == node  # the same browser all along

    stopped = cluster.run('stop')
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    left = [pid for pid in _pids() if _session(pid) in leaders.values() and _running(pid)]
    assert not left, f'still running after stop: {left}'
    status = cluster.run('status')
    assert status.returncode == 3, status.stdout
    assert 'not running' in status.stdout


def _listening_ports() -> tuple[int, int, int]:
    """Ports for nginx, the two app processes (the second app's is the first's + 1) and Redis, free now and below the
    range the kernel hands out to outgoing connections (and tests.servers.free_port), so that nobody else takes one
    of them in the seconds before the cluster listens on it."""
    below = int(Path('/proc/sys/net/ipv4/ip_local_port_range').read_text().split()[0])
    while True:
        base = random.randrange(10_000, below - 4)
        if all(_bindable(port) for port in range(base, base + 4)):
            return base, base + 1, base + 3


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(('127.0.0.1', port))
        except OSError:
            return False
        return True


def _classes(element: WebElement) -> str:
    return element.get_attribute('class') or ''


def _session_id(browser: WebDriver) -> str:
    """The id in the browser's signed `session` cookie (Starlette's: base64 JSON, a dot, the signature), which NiceGUI
    keys app.storage.user by."""
    cookie = browser.get_cookie('session')
    assert cookie, browser.get_cookies()
    payload = cookie['value'].split('.', 1)[0]
    return json.loads(base64.b64decode(payload + '=' * (-len(payload) % 4)))['id']


def _stored(redis_url: str, key: str) -> dict[str, object]:
    with redis.Redis.from_url(redis_url) as client:
        return json.loads(client.get(key) or '{}')


def _pids() -> list[int]:
    return [int(entry.name) for entry in Path('/proc').iterdir() if entry.name.isdigit()]


def _stat(pid: int) -> list[str]:
    try:
        return Path(f'/proc/{pid}/stat').read_text().rsplit(') ', 1)[1].split()
    except (OSError, IndexError):
        return []


def _running(pid: int) -> bool:
    """Alive and not a zombie (a dead process nobody has reaped yet is not running)."""
    fields = _stat(pid)
    return bool(fields) and fields[0] != 'Z'


def _session(pid: int) -> int:
    fields = _stat(pid)
    return int(fields[3]) if fields else -1
