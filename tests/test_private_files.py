"""Everything under data_dir is owner-only (files 0600, folders 0700), whatever umask a process started with."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.private_files import keep_private


@pytest.fixture
def loose_umask() -> Iterator[None]:
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_what_an_earlier_version_left_readable_is_tightened_and_new_files_are_private(
    tmp_path: Path, loose_umask: None
) -> None:
    data = tmp_path / 'var'
    (data / 'nicegui').mkdir(parents=True)
    (data / 'hsa.db').write_text('db')
    (data / 'nicegui' / 'storage-user-1.json').write_text('{}')
    (data / 'shared.txt').write_text('x')
    os.symlink(data / 'shared.txt', data / 'link')
    assert mode(data / 'hsa.db') == 0o644

    keep_private(data)

    assert {path.name: mode(path) for path in [data, *data.rglob('*')] if not path.is_symlink()} == {
        'var': 0o700,
        'nicegui': 0o700,
        'hsa.db': 0o600,
        'storage-user-1.json': 0o600,
        'shared.txt': 0o600,
    }
    (data / 'exports').mkdir()
    (data / 'exports' / 'new.csv').write_text('a,b')
    assert (mode(data / 'exports'), mode(data / 'exports' / 'new.csv')) == (0o700, 0o600)


def test_a_data_dir_that_does_not_exist_yet_is_made_private(tmp_path: Path, loose_umask: None) -> None:
    keep_private(tmp_path / 'fresh' / 'var')
    assert mode(tmp_path / 'fresh' / 'var') == 0o700
