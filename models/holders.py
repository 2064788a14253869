"""Who has a SQLite database open: every process that creates an engine for a database file holds a shared `flock` on
`<db>-holders` for as long as the engine lives (the app and each worker from start to stop, a command while it runs).

`manage.py restore` takes it exclusively, which it gets only when nobody else holds it (the kernel lets go of a dead
process's lock: nothing goes stale). While a restore has it, a process that starts waits before it opens the database,
so nobody reads or writes a file that is being replaced.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator

log = logging.getLogger(__name__)


class DatabaseInUse(Exception):
    """Another process (the app, a worker, a command) has the database open."""


def lock_path(database: str | None) -> str | None:
    """The lock file of a database file (None for an in-memory one: nobody else can have it)."""
    if not database or database == ':memory:' or database.startswith('file:'):
        return None
    return f'{database}-holders'


def hold(database: str | None) -> int | None:
    """Take the shared lock for this process's engine, waiting while a restore runs; returns the descriptor that
    `let_go` closes. None when there is nothing to hold, or the file cannot be made (said in the log: this process then
    does not stop a restore, but it still runs)."""
    path = lock_path(database)
    if path is None:
        return None
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        log.warning('cannot mark %s as in use (%s): a restore would not see this process', database, error)
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        log.warning('%s is being restored: waiting for the restore to finish before opening it', database)
        fcntl.flock(descriptor, fcntl.LOCK_SH)
    return descriptor


def let_go(descriptor: int | None) -> None:
    if descriptor is not None:
        os.close(descriptor)  # closing the last descriptor of the open file releases its lock


@contextlib.contextmanager
def sole_holder(database: str) -> Iterator[None]:
    """Have the database to ourselves for the block; raises DatabaseInUse while any other process holds it."""
    path = lock_path(database)
    assert path is not None, 'only a database file can be held'
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseInUse(database) from None
        yield
    finally:
        os.close(descriptor)
