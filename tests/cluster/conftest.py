"""The cluster the tests under tests/cluster start with scripts/cluster.sh: a database of their own in the machine's
PostgreSQL, a private redis-server, two app processes behind nginx, a Celery worker and beat, in the test's folder
and on ports of its own; and Chromium to drive it."""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import redis
from psycopg import sql
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from models.db import dispose_engines
from services import Actor, people, session_scope
from services.core import cache
from tests import postgres
from tests.browser.conftest import browser, second_browser  # noqa: F401 (the browser tests' fixtures, here too)

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
        with self.in_this_process(monkeypatch), session_scope(write=True) as session:
            people.create_admin(session, Actor.operator(), name=ADMIN[2], email=ADMIN[0], password=ADMIN[1])

    @contextmanager
    def in_this_process(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        """Service calls in the test's process on the cluster's database and Redis (another process of the site)."""
        with monkeypatch.context() as patched:
            patched.setenv('HSA_DATABASE_URL', self.database_url)
            patched.setenv('HSA_REDIS_URL', self.redis_url)
            try:
                yield
            finally:
                dispose_engines()
                cache.forget_stores()

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
    proxy, first_app, redis_port = listening_ports()
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


def listening_ports() -> tuple[int, int, int]:
    """Ports for nginx, the two app processes (the second app's is the first's + 1) and Redis, free now and below the
    range the kernel hands out to outgoing connections (and tests.servers.free_port), so that nobody else takes one
    of them in the seconds before the cluster listens on it."""
    below = int(Path('/proc/sys/net/ipv4/ip_local_port_range').read_text().split()[0])
    while True:
        base = 10_000 + secrets.randbelow(below - 4 - 10_000)  # not `random`: the test run may have seeded it
        if all(bindable(port) for port in range(base, base + 4)):
            return base, base + 1, base + 3


def bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(('127.0.0.1', port))
        except OSError:
            return False
        return True


def classes_of(element: WebElement) -> str:
    return element.get_attribute('class') or ''


def session_cookie_id(driver: WebDriver) -> str:
    """The id in the browser's signed `session` cookie (Starlette's: base64 JSON, a dot, the signature), which NiceGUI
    keys app.storage.user by."""
    cookie = driver.get_cookie('session')
    assert cookie, driver.get_cookies()
    payload = cookie['value'].split('.', 1)[0]
    return json.loads(base64.b64decode(payload + '=' * (-len(payload) % 4)))['id']


def stored_json(redis_url: str, key: str) -> dict[str, object]:
    with redis.Redis.from_url(redis_url) as client:
        return json.loads(client.get(key) or '{}')


def all_pids() -> list[int]:
    return [int(entry.name) for entry in Path('/proc').iterdir() if entry.name.isdigit()]


def proc_stat(pid: int) -> list[str]:
    try:
        return Path(f'/proc/{pid}/stat').read_text().rsplit(') ', 1)[1].split()
    except (OSError, IndexError):
        return []


def is_running(pid: int) -> bool:
    """Alive and not a zombie (a dead process nobody has reaped yet is not running)."""
    fields = proc_stat(pid)
    return bool(fields) and fields[0] != 'Z'


def session_leader(pid: int) -> int:
    fields = proc_stat(pid)
    return int(fields[3]) if fields else -1
