"""The database on a disk that fills up (a small tmpfs of the test's own, really full): a write the database refuses
is a clear refusal that changes nothing, reads go on, and once there is space again everything works in the same
process, on the same pooled connections."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import AuthSession, ServiceRequest, SignInAttempt
from models.db import dispose_engines
from models.enums import RequestStatus
from services import StorageFull, clock, identity, session_scope
from tests.browser.conftest import Server
from tests.disk import SmallDisk, data_dir_on_small_disk
from tests.factories import PASSWORD, book_request, make_customer, make_service, sign_in, slot
from tests.servers import app_environment, free_port, wait_until

PROJECT_DIR = Path(__file__).resolve().parent.parent

FULL = 'We could not save that: the server is out of space. Nothing was changed.'


@pytest.fixture
def disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template_db: Path) -> Iterator[SmallDisk]:
    """This test's data_dir, holding a migrated database, on a disk of its own."""
    with data_dir_on_small_disk(tmp_path / 'disk', template_db, monkeypatch) as disk:
        yield disk


def count(model: type) -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_booking_on_a_full_disk_is_refused_with_a_message_and_works_once_there_is_space(disk: SmallDisk) -> None:
    customer, service = make_customer(), make_service()
    now = clock.now()
    disk.fill()
    with pytest.raises(StorageFull, match=re.escape(FULL)):
        book_request(customer, service.id, now=now)
    assert count(ServiceRequest) == 0  # reads go on, and nothing was kept
    disk.free()
    request_id = book_request(customer, service.id, now=now)
    assert count(ServiceRequest) == 1 and request_id


def test_a_sign_in_on_a_full_disk_is_refused_with_a_message_and_works_once_there_is_space(disk: SmallDisk) -> None:
    customer = make_customer()
    attempts = count(SignInAttempt)
    disk.fill()
    with pytest.raises(StorageFull, match=re.escape(FULL)):
        sign_in(customer)
    assert count(SignInAttempt) == attempts
    assert count(AuthSession) == 0
    disk.free()
    assert sign_in(customer).actor.id == customer.id


def test_the_viewer_is_still_known_on_a_full_disk_when_last_seen_cannot_be_written(disk: SmallDisk) -> None:
    customer = make_customer()
    seen = clock.now() - timedelta(minutes=5)  # last seen long enough ago to be written again
    key = identity.sign_in(customer.email, PASSWORD, client_ip='10.0.0.1', now=seen).key
    disk.fill()
    assert identity.authenticate(key).id == customer.id  # the touch was skipped, not fatal
    assert last_seen(key) == seen
    disk.free()
    now = clock.now()
    assert identity.authenticate(key, now=now).id == customer.id
    assert last_seen(key) == now


def last_seen(key: str) -> object:
    with session_scope() as session:
        return session.scalar(select(AuthSession.last_seen_at).where(AuthSession.token_hash == key))


# --- the app started on a full disk -----------------------------------------------------------------------------------


def test_the_app_started_on_a_full_disk_keeps_trying_and_runs_its_duties_once_there_is_space(
    disk: SmallDisk, tmp_path: Path
) -> None:
    then = clock.now() - timedelta(days=3)
    request_id = book_request(make_customer(), make_service().id, now=then, at=slot(then, days=1))  # slot is past
    dispose_engines()  # nothing of this process keeps the database open: the app is the first to open it
    disk.fill()
    app = app_on(disk, tmp_path)
    app.start()
    try:
        assert health(app.url) == (503, 'not running: database schema, event bus, job runner')
        disk.free()
        assert wait_until(lambda: health(app.url) == (200, 'ok'), timeout=60), app.log.read_text()
        assert wait_until(lambda: status_of(request_id) is RequestStatus.EXPIRED, timeout=60), app.log.read_text()
        jobs = subprocess.run(
            [sys.executable, 'manage.py', 'jobs', 'status'],
            cwd=PROJECT_DIR,
            env=app.env,
            check=False,
            capture_output=True,
            text=True,
        )
    finally:
        app.stop()
    assert jobs.stdout.startswith('Duties: running (the schedule last ticked'), jobs.stdout + jobs.stderr
    log = app.log.read_text()
    assert 'start-up: database schema failed' in log and 'start-up complete after' in log


def app_on(disk: SmallDisk, log_folder: Path) -> Server:
    """`python app.py` with its data on the small disk (its log elsewhere), ticking every second."""
    port = free_port()
    env = app_environment()
    env |= {
        'HSA_PORT': str(port),
        'HSA_DATA_DIR': str(disk.path),
        'HSA_MIGRATE_ON_STARTUP': '1',
        'HSA_EMBEDDED_JOBS': '1',
        'HSA_TICK_SECONDS': '1',
        'HSA_DUTY_INTERVAL_SECONDS': '5',
    }
    return Server(f'http://127.0.0.1:{port}', env, port, log_folder / 'app.log')


def health(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f'{url}/healthz', timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def status_of(request_id: int) -> RequestStatus:
    with session_scope() as session:
        return session.scalar(select(ServiceRequest.service_status).where(ServiceRequest.id == request_id))
