"""Every test gets its own data_dir holding a copy of a migrated template database (SQLite).

Service tests also run against PostgreSQL when it answers on 127.0.0.1:5432 (tests/services/conftest.py).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from hypothesis import settings

from models.db import dispose_engines
from models.migrate import upgrade_to_head
from services.core import cache
from settings import reload_settings
from tasks.cache_store import RedisStore
from tests import postgres
from tests.servers import HttpSink, SmtpSink, free_port, wait_until

# `make test` and CI draw the same examples every run (derandomized, no example database), so a landing never
# depends on the luck of a draw; `make fuzz` draws many more at random (tests/fuzzing.py) and whatever it finds
# becomes an explicit @example in its test.
settings.register_profile('ci', derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile('fuzz', derandomize=False, deadline=None, print_blob=True)
settings.load_profile('ci')  # --hypothesis-profile=fuzz (make fuzz) replaces it

cache.use_redis_store(RedisStore)  # as the composition roots do: tests that set HSA_REDIS_URL cache there
INSTALL = 'sudo apt-get install -y redis-server   (or: make test, which installs it)'
TEST_ENV = {
    'HSA_ENV': 'development',
    'HSA_BCRYPT_ROUNDS': '4',
    'HSA_MIGRATE_ON_STARTUP': '0',
    'HSA_EMBEDDED_JOBS': '0',
    'HSA_STORAGE_SECRET': 'test storage secret',
}


class MonkeyPatch(pytest.MonkeyPatch):
    """pytest's monkeypatch, which also tells settings.py when the environment changed (settings are read once)."""

    def setenv(self, name: str, value: str, prepend: str | None = None) -> None:
        super().setenv(name, value, prepend)
        reload_settings()

    def delenv(self, name: str, raising: bool = True) -> None:
        super().delenv(name, raising)
        reload_settings()

    def undo(self) -> None:
        super().undo()
        reload_settings()


@pytest.fixture
def monkeypatch() -> Iterator[MonkeyPatch]:
    """Replaces pytest's own, for every test and fixture here."""
    patch = MonkeyPatch()
    yield patch
    patch.undo()


@pytest.fixture(scope='session')
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test worker; copying it is far faster than migrating per test."""
    path = tmp_path_factory.mktemp('template') / 'hsa.db'
    upgrade_to_head(f'sqlite:///{path}')
    dispose_engines()
    return path


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template_db: Path) -> Iterator[Path]:
    for key, value in TEST_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv('HSA_DATA_DIR', str(tmp_path))
    monkeypatch.delenv('HSA_DATABASE_URL', raising=False)
    shutil.copy(template_db, tmp_path / 'hsa.db')
    yield tmp_path
    dispose_engines()
    cache.forget_stores()


@pytest.fixture(autouse=True)
def _fail_on_nicegui_deprecations(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    # NiceGUI reports deprecations as log warnings, which -W error cannot see; 4.0 removes those APIs.
    yield
    deprecations = [
        record.getMessage()
        for record in caplog.get_records('call')
        if record.name.startswith('nicegui')
        and record.levelname == 'WARNING'
        and 'deprecat' in record.getMessage().lower()
    ]
    assert not deprecations, deprecations


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not postgres.answers():
        terminalreporter.write_sep('!', 'PostgreSQL leg SKIPPED', red=True, bold=True)
        terminalreporter.write_line(
            f'Nothing answered at {postgres.ADMIN_DSN}: the service tests ran on SQLite only. '
            'Start PostgreSQL (see README) to run them on both databases.',
            red=True,
        )


@pytest.fixture(autouse=True)
def _fresh_lifespan() -> Iterator[None]:
    """FastAPI merges each included router's lifespan into the app's, and NiceGUI's per-test reset does not undo
    that: app.py runs once per page test and includes every page router, so without this the nesting grows with
    each test until Python's recursion limit (about a hundred page tests per worker)."""
    from nicegui import app  # noqa: PLC0415 (only tests that load NiceGUI pay for it)

    original = app.router.lifespan_context
    yield
    app.router.lifespan_context = original


# --- the outside world on loopback: one SMTP server and one HTTP server per test worker, reset per test ---------------


@pytest.fixture(scope='session')
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope='session')
def http_sink() -> Iterator[HttpSink]:
    sink = HttpSink().start()
    yield sink
    sink.stop()


@dataclass(frozen=True)
class Outside:
    """The stand-ins for the world outside, and the settings that point the app at them."""

    smtp: SmtpSink
    http: HttpSink
    env: dict[str, str]


@pytest.fixture
def outside(monkeypatch: pytest.MonkeyPatch, smtp_sink: SmtpSink, http_sink: HttpSink) -> Outside:
    """Email to the SMTP server, Google Chat and SMS to the HTTP server (/chat/..., /sms), retries without a pause."""
    smtp_sink.reset()
    http_sink.reset()
    env = {
        'HSA_SMTP_HOST': '127.0.0.1',
        'HSA_SMTP_PORT': str(smtp_sink.port),
        'HSA_CHAT_BASE_URL': f'{http_sink.url}/chat',
        'HSA_SMS_GATEWAY_URL': f'{http_sink.url}/sms',
        'HSA_SMS_AUTH_HEADER': 'Authorization: Bearer test-gateway-key',
        'HSA_OUTBOX_RETRY_SECONDS': '0',
        'HSA_DELIVERY_TIMEOUT_SECONDS': '2',
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return Outside(smtp_sink, http_sink, env)


@pytest.fixture(scope='session')
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A redis-server of our own: nothing else's keys, nothing of ours left behind."""
    server = shutil.which('redis-server')
    if server is None:
        pytest.fail(f'redis-server is not installed: {INSTALL}')
    port, folder = free_port(), tmp_path_factory.mktemp('redis')
    args = [
        server,
        '--port',
        str(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        str(folder),
    ]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f'redis://127.0.0.1:{port}/0'
    if not wait_until(lambda: _answers(url), timeout=10):
        process.kill()
        pytest.fail(f'redis-server did not start on port {port}')
    yield url
    process.terminate()
    process.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=0.5).ping())
    except redis.RedisError:
        return False
