"""The development secret kept in data_dir (it signs session cookies and the links in messages): written whole or not
at all, and an empty or short one refused at start instead of signing with it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.db import dispose_engines
from services import site_secret
from settings import SettingsError
from tests.disk import SmallDisk, small_disk

PROJECT_DIR = Path(__file__).resolve().parent.parent


def start_app(**overrides: str) -> subprocess.CompletedProcess[str]:
    """`python app.py` in development with no configured secret (it keeps its own in data_dir)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(('PYTEST_', 'NICEGUI_'))}
    return subprocess.run(
        [sys.executable, 'app.py'],
        cwd=PROJECT_DIR,
        env=env | {'HSA_STORAGE_SECRET': ''} | overrides,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    with small_disk(tmp_path / 'disk') as disk:
        try:
            yield disk
        finally:
            dispose_engines()


@pytest.mark.parametrize('kept', ['', '\n', 'short-secret'])
def test_the_app_refuses_to_start_with_an_empty_or_short_kept_secret(data_dir: Path, kept: str) -> None:
    (data_dir / 'dev-storage-secret').write_text(kept)
    result = start_app()
    assert result.returncode == 1
    assert 'dev-storage-secret holds an empty or short secret' in result.stderr
    assert 'Delete the file and start again' in result.stderr and 'Traceback' not in result.stderr


def test_a_first_start_on_a_full_disk_says_so_and_leaves_no_empty_secret(
    disk: SmallDisk, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk.fill()
    result = start_app(HSA_DATA_DIR=str(disk.path))
    assert result.returncode == 1
    assert 'could not write the secret' in result.stderr and 'No space left on device' in result.stderr
    assert 'Traceback' not in result.stderr
    assert sorted(path.name for path in disk.path.iterdir()) == ['filler']  # no empty secret, no temporary file
    disk.free()
    monkeypatch.setenv('HSA_DATA_DIR', str(disk.path))
    monkeypatch.setenv('HSA_STORAGE_SECRET', '')
    secret = site_secret()  # with space again: made whole, once, private
    assert len(secret) == 64 and (disk.path / 'dev-storage-secret').read_text() == secret == site_secret()
    assert (disk.path / 'dev-storage-secret').stat().st_mode & 0o777 == 0o600


def test_an_empty_kept_secret_is_refused_where_it_is_used(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('HSA_STORAGE_SECRET', '')
    (data_dir / 'dev-storage-secret').write_text('')
    with pytest.raises(SettingsError, match='holds an empty or short secret'):
        site_secret()
