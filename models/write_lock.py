"""The queue in front of SQLite's write lock: one `flock` on a file beside the database, shared by every process.

SQLite lets a waiting writer only poll (its busy handler sleeps and tries again), so under several writer processes
the lock sits free while waiters sleep, and a waiter that keeps missing it can wait for seconds. A blocked `flock`
is woken by the kernel the moment the holder lets go: the next writer starts within microseconds, no CPU is spent
polling, and nobody starves. It is released when the unit's connection goes back to the pool, and by the kernel
when a process dies. A waiter gives up after the same deadline as SQLite's busy timeout.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from typing import Any

_FILE = 'hsa_writer_lock_file'  # per pooled connection: its own open file, so threads exclude each other too
_HELD = 'hsa_writer_lock_held'  # the descriptor holding the lock for the unit under way


class WriteLockTimeout(sqlite3.OperationalError):
    """Another writer held the database for longer than the deadline: what SQLite itself would say."""


def lock_path(database: str | None) -> str | None:
    """Where the queue of a SQLite database lives (None for an in-memory database: one process, nothing to queue)."""
    if not database or database == ':memory:' or database.startswith('file:'):
        return None
    return f'{database}-writers'


def acquire(info: dict[str, Any], path: str, timeout: float) -> None:
    """Take the writers' lock for the connection whose `info` this is; wait at most `timeout` seconds."""
    if _HELD in info:
        return
    descriptor = info.get(_FILE)
    if descriptor is None:
        descriptor = info[_FILE] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        info[_HELD] = descriptor
    except BlockingIOError:
        info[_HELD] = _wait_for(path, timeout)


def release(info: dict[str, Any]) -> None:
    """Let the next writer in; closes a descriptor opened only for one wait."""
    descriptor = info.pop(_HELD, None)
    if descriptor is None:
        return
    fcntl.flock(descriptor, fcntl.LOCK_UN)
    if descriptor != info.get(_FILE):
        os.close(descriptor)


def forget(info: dict[str, Any]) -> None:
    """The connection is closing: release and close its file."""
    release(info)
    descriptor = info.pop(_FILE, None)
    if descriptor is not None:
        os.close(descriptor)


def _wait_for(path: str, timeout: float) -> int:
    """A blocking flock cannot time out, so a thread waits on a descriptor of its own: if the deadline passes
    first, the thread lets the lock go the moment it gets it."""
    waiting = _Waiter(path)
    waiting.thread.start()
    if waiting.got.wait(timeout):
        return waiting.descriptor
    if waiting.give_up():
        raise WriteLockTimeout('database is locked')
    return waiting.descriptor  # it arrived while we were giving up


class _Waiter:
    def __init__(self, path: str) -> None:
        self.descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self.got = threading.Event()
        self.thread = threading.Thread(target=self._wait, name='sqlite-writers-queue', daemon=True)
        self._lock = threading.Lock()
        self._abandoned = False

    def _wait(self) -> None:
        fcntl.flock(self.descriptor, fcntl.LOCK_EX)
        with self._lock:
            if not self._abandoned:
                self.got.set()
                return
        os.close(self.descriptor)  # closing releases the lock nobody waits for any more

    def give_up(self) -> bool:
        """True when the lock had not arrived (the thread will drop it); False when it had after all."""
        with self._lock:
            self._abandoned = not self.got.is_set()
            return self._abandoned
