from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.servers import app_environment

ROOT = Path(__file__).resolve().parent.parent


def run_app(**overrides: str) -> subprocess.CompletedProcess[str]:
    env = app_environment()
    return subprocess.run(
        [sys.executable, 'app.py'],
        cwd=ROOT,
        env=env | overrides,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_without_a_storage_secret_refuses_to_serve() -> None:
    result = run_app(HSA_ENV='production', HSA_STORAGE_SECRET='')
    assert result.returncode == 1
    assert 'storage_secret is required in production' in result.stderr
    assert 'Traceback' not in result.stderr


def test_a_malformed_setting_stops_the_app_with_its_name() -> None:
    result = run_app(HSA_PORT='eighty')
    assert result.returncode == 1
    assert 'port must be a whole number' in result.stderr
    assert 'Traceback' not in result.stderr
