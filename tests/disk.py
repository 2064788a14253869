"""A small file system of a test's own (a tmpfs mounted for the test, as root, like CI) that fills up for real and
gets its space back: what a full disk does to the app, without mocking a thing."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from models.db import dispose_engines

SIZE = '2m'
CHUNKS = (1 << 16, 1 << 12, 1 << 9, 1)  # bytes per write, smaller and smaller until not one more byte fits


@dataclass(frozen=True)
class SmallDisk:
    path: Path

    @property
    def filler(self) -> Path:
        return self.path / 'filler'

    def fill(self) -> None:
        """Take every free byte (the filler grows until the file system says it is full)."""
        descriptor = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for size in CHUNKS:
                with contextlib.suppress(OSError):
                    while True:
                        os.write(descriptor, b'\0' * size)
        finally:
            os.close(descriptor)
        probe = os.open(self.filler, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(probe, b'\0')
        except OSError as error:
            assert error.errno == errno.ENOSPC, error
        else:
            raise AssertionError(f'{self.path} is not full')
        finally:
            os.close(probe)

    def free(self) -> None:
        """Give the space back."""
        self.filler.unlink()


@contextlib.contextmanager
def small_disk(path: Path, *, size: str = SIZE) -> Iterator[SmallDisk]:
    """A tmpfs of `size` mounted at `path` for the block; a mount that fails fails the test, saying why."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ['mount', '-t', 'tmpfs', '-o', f'size={size},mode=0700', 'tmpfs', str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.fail(
            f'could not mount a {size} tmpfs at {path}: {mounted.stderr.strip() or mounted.returncode}. '
            'The full-disk tests need root (CI runs as root): run them with sudo.'
        )
    try:
        yield SmallDisk(path)
    finally:
        subprocess.run(['umount', str(path)], check=True, capture_output=True)


@contextlib.contextmanager
def data_dir_on_small_disk(folder: Path, template_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmallDisk]:
    """The test's data_dir, holding a copy of the migrated database, on a small disk of its own."""
    with small_disk(folder) as disk:
        shutil.copy(template_db, disk.path / 'hsa.db')
        monkeypatch.setenv('HSA_DATA_DIR', str(disk.path))
        try:
            yield disk
        finally:
            dispose_engines()  # let go of the files before the disk goes
