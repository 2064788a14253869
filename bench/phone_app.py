"""The app that bench/phone.py measures: `python app.py` from a checkout (--root) on a fresh, seeded data dir."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WAIT_SECONDS = 90


def seed(root: Path, data: Path) -> tuple[str, str]:
    """The demo marketplace in `data`; the customer's email and password."""
    command = [sys.executable, 'manage.py', 'seed-demo']
    done = subprocess.run(command, check=False, cwd=root, env=environment(data), capture_output=True, text=True)
    found = re.search(r'customer\s+(\S+)\s+password\s+(\S+)', done.stdout)
    if done.returncode or not found:
        sys.exit(f'seed-demo failed:\n{done.stdout}{done.stderr}')
    return found[1], found[2]


@contextmanager
def serve(root: Path, data: Path) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    log = data / 'app.log'
    with log.open('w') as output:
        env = environment(data, HSA_PORT=str(port))
        process = subprocess.Popen([sys.executable, 'app.py'], cwd=root, env=env, stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f'the app did not start:\n{log.read_text()}')
            time.sleep(0.2)
        yield f'http://127.0.0.1:{port}'
    finally:
        process.terminate()
        process.wait(timeout=15)


def answers(port: int) -> bool:
    with socket.socket() as attempt:
        return attempt.connect_ex(('127.0.0.1', port)) == 0


def environment(data: Path, **settings: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(('PYTEST_', 'NICEGUI_', 'HSA_'))}
    env |= {'HSA_DATA_DIR': str(data), 'HSA_ENV': 'development', 'HSA_DEMO_DATA': '0', 'HSA_BCRYPT_ROUNDS': '4'}
    return env | {'HSA_EMBEDDED_JOBS': '0'} | settings  # no jobs: the pages alone


def commit(root: Path) -> str:
    def git(*args: str) -> str:
        return subprocess.run(['git', *args], check=False, cwd=root, capture_output=True, text=True).stdout.strip()

    return git('rev-parse', '--short', 'HEAD') + (' with uncommitted changes' if git('status', '--porcelain') else '')
