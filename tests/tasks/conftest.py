"""The Celery side, for real: a private redis-server on a free port, `celery -A tasks worker` (and `beat` where a
test needs a scheduler) in subprocesses, all on one SQLite file that this worker's tests share, with the SMTP and
HTTP stand-ins. Started once per test worker; each test gets an empty database and an empty broker."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from sqlalchemy import delete

import models
from models.db import dispose_engines, session_scope
from tests.conftest import TEST_ENV
from tests.servers import HttpSink, SmtpSink, wait_until

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Celery:
    """The worker and beat processes of one test worker, and the environment they (and the tests) run with."""

    env: dict[str, str]
    logs: Path
    worker: subprocess.Popen | None = None
    beats: list[subprocess.Popen] = field(default_factory=list)
    started: int = 0

    def start_worker(self) -> None:
        self.started += 1
        log = self.logs / f'worker-{self.started}.log'
        command = [
            'worker',
            '--pool=prefork',
            '--concurrency=2',
            '--without-mingle',
            '--without-gossip',
        ]  # as make worker
        self.worker = self._spawn([*command, '-n', f'hsa{self.started}@localhost'], log)
        if not wait_until(lambda: 'ready.' in log.read_text(), timeout=60):
            pytest.fail(f'the Celery worker did not start:\n{log.read_text()[-3000:]}')

    def kill_worker(self) -> None:
        """SIGKILL to the worker and its pool processes: no clean-up, no acknowledgement, like losing power."""
        assert self.worker is not None
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(timeout=10)
        self.worker = None

    def start_beat(self) -> None:
        n = len(self.beats) + 1
        log = self.logs / f'beat-{self.started}-{n}.log'
        schedule = self.logs / f'beat-schedule-{n}'
        self.beats.append(self._spawn(['beat', '-s', str(schedule)], log))
        if not wait_until(lambda: 'Sending due task tick' in log.read_text(), timeout=60):
            pytest.fail(f'Celery beat did not start ticking:\n{log.read_text()[-3000:]}')

    def stop_beats(self) -> None:
        for beat in self.beats:
            beat.terminate()
            beat.wait(timeout=10)
        self.beats.clear()

    def stop(self) -> None:
        self.stop_beats()
        if self.worker is not None:
            self.worker.terminate()
            self.worker.wait(timeout=20)

    def _spawn(self, args: list[str], log: Path) -> subprocess.Popen:
        command = [sys.executable, '-m', 'celery', '-A', 'tasks', *args, '--loglevel=INFO']
        with log.open('w') as output:  # a session of its own: the worker and its pool can be killed together
            return subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )


@pytest.fixture(scope='session')
def celery(
    tmp_path_factory: pytest.TempPathFactory,
    template_db: Path,
    redis_url: str,
    smtp_sink: SmtpSink,
    http_sink: HttpSink,
) -> Iterator[Celery]:
    data_dir = tmp_path_factory.mktemp('jobs-world')
    shutil.copy(template_db, data_dir / 'hsa.db')
    env = {key: value for key, value in os.environ.items() if not key.startswith('HSA_')}
    env |= TEST_ENV | {
        'HSA_DATA_DIR': str(data_dir),
        'HSA_REDIS_URL': redis_url,
        'HSA_TICK_SECONDS': '1',
        'HSA_DUTY_INTERVAL_SECONDS': '5',
        'HSA_REMINDER_TIME': '00:00',  # today's reminders are due from the first tick
        'HSA_NOTIFY_QUIET_SECONDS': '0',
        'HSA_OUTBOX_LEASE_SECONDS': '3',
        'HSA_OUTBOX_RETRY_SECONDS': '0',
        'HSA_DELIVERY_TIMEOUT_SECONDS': '1',
        'HSA_SMTP_HOST': '127.0.0.1',
        'HSA_SMTP_PORT': str(smtp_sink.port),
        'HSA_CHAT_BASE_URL': f'{http_sink.url}/chat',
        'HSA_SMS_GATEWAY_URL': f'{http_sink.url}/sms',
    }
    world = Celery(env=env, logs=data_dir)
    world.start_worker()
    yield world
    world.stop()


@pytest.fixture
def jobs(celery: Celery, monkeypatch: pytest.MonkeyPatch, redis_url: str, smtp_sink: SmtpSink, http_sink: HttpSink):
    """This test runs on the Celery world's database and settings, emptied; a worker is up; beats are its own."""
    for key, value in celery.env.items():
        if key.startswith('HSA_'):
            monkeypatch.setenv(key, value)
    dispose_engines()
    redis.Redis.from_url(redis_url).flushdb()
    with session_scope(write=True) as session:
        for table in reversed(models.Base.metadata.sorted_tables):
            session.execute(delete(table))
    smtp_sink.reset()
    http_sink.reset()
    if celery.worker is None:
        celery.start_worker()
    yield celery
    celery.stop_beats()
    dispose_engines()
