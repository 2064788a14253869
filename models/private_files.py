"""Everything under data_dir is its owner's alone: the database, NiceGUI's storage (session keys), documents, exports,
the development secret. Files 0600 and folders 0700, whatever umask the process was started with."""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077  # new files 0600, new folders 0700
PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700


def keep_private(data_path: Path) -> None:
    """From now on this process creates owner-only files; and whatever an earlier version (or a looser umask) left
    readable under `data_path` is tightened. Run first thing by every process that writes there (the app, the
    command line, a worker)."""
    os.umask(PRIVATE_UMASK)
    data_path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    _tighten(data_path)
    for root, folders, files in os.walk(data_path):
        for name in folders + files:
            _tighten(Path(root) / name)


def _tighten(path: Path) -> None:
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:  # gone meanwhile (SQLite's -journal, a temporary file)
        return
    if stat.S_ISLNK(mode) or not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
        return  # a link is not ours to change; a socket or a pipe is left as its maker wants
    wanted = PRIVATE_FOLDER if stat.S_ISDIR(mode) else PRIVATE_FILE
    if stat.S_IMODE(mode) & ~wanted:
        path.chmod(stat.S_IMODE(mode) & wanted)
