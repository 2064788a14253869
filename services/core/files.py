"""Files the app writes for itself, written whole or not at all: the bytes go to a temporary file beside the target,
are synced to disk, and only then get the target's name. A full disk or a crash leaves the old file (or none), never
an empty or half-written one; a temporary file left by a failure is removed."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def create_file(path: Path, data: bytes) -> bool:
    """Write `path` unless it exists; False when someone else made it first (theirs is kept, so two processes
    starting together agree on one file)."""
    part = _written_beside(path, data)
    try:
        os.link(part, path)  # atomic, and unlike a rename it never replaces a file that is there
    except FileExistsError:
        return False
    finally:
        part.unlink()
    sync_folder(path.parent)
    return True


def replace_file(path: Path, data: bytes) -> None:
    """Write `path`, replacing what was there in one step."""
    part = _written_beside(path, data)
    try:
        part.replace(path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (not every file system lets a folder be synced: then it is left)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _written_beside(path: Path, data: bytes) -> Path:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    part = path.with_name(f'.{path.name}.{secrets.token_hex(6)}.part')
    descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, 'wb') as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return part
