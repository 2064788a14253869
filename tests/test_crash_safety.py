"""Kill loops: a process booking and accepting through the services, and app.py itself, SIGKILLed at random moments.
Every unit a process reported committed is in the database afterwards, none is half-written (a request without its
audit row, an acceptance without its audit row or the customer's notification), the file passes SQLite's integrity
check, and the app starts on it."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from models import AuditEvent, Notification, ServiceRequest
from models.db import dispose_engines
from models.enums import RequestStatus
from services import session_scope
from settings import get_settings
from tests.factories import make_approved_professional, make_customer, make_service
from tests.servers import app_environment, free_port, wait_until
from tests.services.request_support import NOW

ROOT = Path(__file__).resolve().parents[1]
KILLS, APP_KILLS = 20, 5
PAIRS, ROUNDS_PER_RUN = 12, 300  # 12 customer/professional pairs x 59 days x 12 slots: room for 20 runs' rounds
pytestmark = pytest.mark.xdist_group('many-processes')


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    return app_environment(HSA_DATA_DIR=str(data_dir), **extra)


def cast() -> str:
    service = make_service()
    people = [
        (make_customer(), make_approved_professional(service_id=service.id, pincodes='560001')) for _ in range(PAIRS)
    ]
    as_dict = lambda actor: {'id': actor.id, 'name': actor.name, 'email': actor.email}  # noqa: E731
    return json.dumps(
        {
            'now': NOW.isoformat(),
            'service_id': service.id,
            'customers': [as_dict(customer) for customer, _ in people],
            'professionals': [as_dict(professional) for _, professional in people],
        }
    )


def run_and_kill(data_dir: Path, run: int, who: str, rng: random.Random) -> list[tuple[str, int]]:
    """One worker run, SIGKILLed a random moment after its first committed unit; what it reported committed."""
    worker = start_worker(data_dir, run, who)
    time.sleep(rng.uniform(0.01, 0.4))
    return kill_worker(worker, data_dir, run)


def start_worker(data_dir: Path, run: int, who: str) -> subprocess.Popen[bytes]:
    """A worker of its own rounds, once it has committed its first unit."""
    out, err = data_dir / f'run-{run}.out', data_dir / f'run-{run}.err'
    first = run * ROUNDS_PER_RUN
    with out.open('wb') as stdout, err.open('wb') as stderr:
        worker = subprocess.Popen(
            [sys.executable, '-m', 'tests.crash_worker', str(first), str(first + ROUNDS_PER_RUN), who],
            cwd=ROOT,
            env=child_env(data_dir),
            stdout=stdout,
            stderr=stderr,
        )
    assert wait_until(lambda: b'\nbook ' in out.read_bytes() or worker.poll() is not None, timeout=60)
    return worker


def kill_worker(worker: subprocess.Popen[bytes], data_dir: Path, run: int) -> list[tuple[str, int]]:
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    out, err = data_dir / f'run-{run}.out', data_dir / f'run-{run}.err'
    assert worker.returncode == -signal.SIGKILL, err.read_text()  # it was working, not finished or failed
    return [(verb, int(number)) for verb, number in (line.split() for line in out.read_text().splitlines()[1:])]


def half_written() -> tuple[dict[int, ServiceRequest], list[int]]:
    with session_scope() as session:
        rows = {row.id: row for row in session.scalars(select(ServiceRequest))}
        audited = {tuple(row) for row in session.execute(select(AuditEvent.action, AuditEvent.target_id))}
        told = set(session.scalars(select(Notification.request_id).where(Notification.kind == 'request.accepted')))
    broken = [
        request_id
        for request_id, row in rows.items()
        if ('request.book', request_id) not in audited
        or (
            row.service_status is RequestStatus.ASSIGNED
            and (('request.accept', request_id) not in audited or request_id not in told)
        )
    ]
    return rows, broken


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return connection.execute('PRAGMA integrity_check').fetchone()[0]


def app_serves(data_dir: Path) -> bool:
    """Start app.py on the file, wait for /login, stop it."""
    port = free_port()
    app = start_app(data_dir, port)
    try:
        return wait_until(lambda: login_answers(port), timeout=60)
    finally:
        app.terminate()
        app.wait(timeout=30)


def start_app(data_dir: Path, port: int, **settings: str) -> subprocess.Popen[bytes]:
    env = child_env(data_dir, HSA_PORT=str(port), HSA_MIGRATE_ON_STARTUP='1', HSA_DEMO_DATA='0', **settings)
    with (data_dir / f'app-{port}.log').open('ab') as log:
        return subprocess.Popen([sys.executable, 'app.py'], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def login_answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f'http://127.0.0.1:{port}/login', timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def test_twenty_kills_of_a_booking_and_accepting_process_lose_nothing(data_dir: Path) -> None:
    who, rng = cast(), random.Random(18)
    dispose_engines()  # the workers are the only writers from here
    reported = [unit for run in range(KILLS) for unit in run_and_kill(data_dir, run, who, rng)]

    rows, broken = half_written()
    booked = {request_id for verb, request_id in reported if verb == 'book'}
    accepted = {request_id for verb, request_id in reported if verb == 'accept'}
    print(
        f'\nkill loop: {KILLS} kills, {len(reported)} units reported committed, '
        f'{len(booked & rows.keys()) + len(accepted & {i for i, r in rows.items() if r.professional_id})} found, '
        f'{len(broken)} half-written, {len(rows)} requests in all'
    )
    assert len(booked) >= KILLS  # every run got some work done before its kill
    assert booked <= rows.keys()
    assert all(rows[request_id].service_status is RequestStatus.ASSIGNED for request_id in accepted)
    assert broken == []
    assert integrity(get_settings().data_path / 'hsa.db') == 'ok'
    assert app_serves(data_dir)


def test_app_killed_under_load_starts_again_on_a_sound_file(data_dir: Path) -> None:
    """app.py SIGKILLed while a booking process writes beside it, requests come in and its own schedule ticks (every
    second): each time it starts again, and nothing either process reported committed is lost."""
    who, rng = cast(), random.Random(19)
    dispose_engines()
    port, reported = free_port(), []
    for run in range(APP_KILLS):
        app = start_app(data_dir, port, HSA_EMBEDDED_JOBS='1', HSA_TICK_SECONDS='1', HSA_DUTY_INTERVAL_SECONDS='5')
        assert wait_until(lambda: login_answers(port), timeout=60)
        worker = start_worker(data_dir, run, who)
        for _ in range(rng.randint(1, 20)):
            login_answers(port)
        time.sleep(rng.uniform(0.01, 0.4))
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=30)
        reported += kill_worker(worker, data_dir, run)
    rows, broken = half_written()
    assert {request_id for verb, request_id in reported if verb == 'book'} <= rows.keys()
    assert broken == []
    assert integrity(get_settings().data_path / 'hsa.db') == 'ok'
    assert app_serves(data_dir)
