"""Writing an export's file, in constant memory: claim the row, count, then keyset pages of rows each read in its
own short unit, written to `<name>.part`; progress (and a heartbeat) in a short write unit now and then; at the end
the file is flushed to disk and renamed, and only then is the export done. Whatever stops a run leaves it failed
(never a half file served as done): the run itself on an error, the stall sweep when its process died."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import update
from sqlalchemy.orm import Session

from models import Export
from models.db import session_scope
from models.enums import ExportState, NotificationChannel
from services import messaging, requests
from services.core import clock, events, validation
from services.exports.asking import CHANGED_EVENT, describe, file_path
from services.exports.cells import CsvWriter
from settings import get_settings

log = logging.getLogger(__name__)
PAGE_ROWS = 2_000  # rows per read unit
PROGRESS_ROWS = 10_000  # a progress unit at least this often ...
PROGRESS_SECONDS = 1.0  # ... or once this long has passed
MAX_ERROR = 500


@dataclass(frozen=True, slots=True)
class Run:
    """One attempt at one export, as claimed: its later units apply only while the row is still this attempt."""

    export_id: int
    owner_id: int
    attempt: int
    stored_name: str
    filters: dict[str, Any]

    def held(self) -> tuple[Any, ...]:
        e = Export
        return (e.id == self.export_id, e.state == ExportState.RUNNING, e.attempts == self.attempt)


class Superseded(Exception):
    """The row moved on without this run (failed by the stall sweep, or retried): stop and leave it be."""


def run_export(export_id: int, now: datetime | None = None) -> str:
    """The export job: write the file of a queued export. Safe to run twice: only a queued export is claimed."""
    wanted = validation.to_id(export_id, Export.id)  # from a queue message: anything else claims nothing
    run = _claim(wanted, now or clock.now()) if wanted is not None else None
    if run is None:
        return f'export {export_id}: not queued'
    part = file_path(run.stored_name + '.part')
    try:
        rows = _write(run, part)
        _finish(run, part, rows)
    except Superseded:
        part.unlink(missing_ok=True)
        return f'export {export_id}: superseded'
    except Exception as failure:  # the row says so (its owner can retry); no partial file stays behind
        part.unlink(missing_ok=True)
        file_path(run.stored_name).unlink(missing_ok=True)
        _fail(run, failure)
        log.exception('export %d failed', export_id)
        return f'export {export_id}: failed'
    return f'export {export_id}: {rows} rows'


def write_rows(criteria: tuple[Any, ...], out: TextIO, progress: Callable[[int], None] | None = None) -> int:
    """Every row meeting `criteria` into `out` (header first), page by page, each page read in its own unit;
    `progress(rows_so_far)` after each page. Returns how many rows it wrote."""
    writer, after_id, written = CsvWriter(out), 0, 0
    writer.header(requests.export_header(get_settings().currency))
    while True:
        with session_scope() as session:
            page = requests.closed_rows(session, criteria, after_id=after_id, limit=PAGE_ROWS)
        writer.rows(page)
        written += len(page)
        if progress is not None:
            progress(written)
        if len(page) < PAGE_ROWS:
            return written
        after_id = page[-1][0]


def open_csv(path: Path) -> TextIO:
    """A new CSV file, private to this account (0600), UTF-8 with the byte order mark spreadsheets look for."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return open(descriptor, 'w', encoding='utf-8-sig', newline='')


def durable_rename(part: Path, final: Path) -> int:
    """`part` becomes `final` only once its bytes are on disk; returns the size."""
    with part.open('rb') as written:
        os.fsync(written.fileno())
    part.replace(final)
    with contextlib.suppress(OSError):  # the rename itself, durable (not every file system lets a folder be synced)
        folder = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return final.stat().st_size


def _claim(export_id: int, now: datetime) -> Run | None:
    e = Export
    stored_name = f'{secrets.token_urlsafe(24)}.csv'
    with session_scope(write=True) as session:
        claimed = session.execute(
            update(e)
            .where(e.id == export_id, e.state == ExportState.QUEUED)
            .values(
                state=ExportState.RUNNING,
                attempts=e.attempts + 1,
                started_at=now,
                heartbeat_at=now,
                rows_done=0,
                stored_name=stored_name,
            )
            .returning(e.owner_id, e.attempts, e.filters)
        ).one_or_none()
        if claimed is None:
            return None
        run = Run(export_id, claimed.owner_id, claimed.attempts, stored_name, dict(claimed.filters))
        _announce(session, run, ExportState.RUNNING, rows_done=0, rows_total=None)
    return run


def _write(run: Run, part: Path) -> int:
    with session_scope() as session:
        criteria = requests.export_criteria(session, run.filters)
        total = requests.count_closed(session, criteria)
    _progress(run, 0, total)
    last = {'rows': 0, 'at': time.monotonic()}

    def progress(rows: int) -> None:
        if rows - last['rows'] >= PROGRESS_ROWS or time.monotonic() - last['at'] >= PROGRESS_SECONDS:
            _progress(run, rows, total)
            last.update(rows=rows, at=time.monotonic())

    with open_csv(part) as out:
        return write_rows(criteria, out, progress)


def _progress(run: Run, rows_done: int, rows_total: int) -> None:
    """Record how far the run is (its heartbeat too) and tell the owner's pages; stop if the row moved on."""
    now = clock.now()
    with session_scope(write=True) as session:
        values = {'rows_done': rows_done, 'rows_total': rows_total, 'heartbeat_at': now}
        if session.execute(update(Export).where(*run.held()).values(**values)).rowcount != 1:
            raise Superseded
        _announce(session, run, ExportState.RUNNING, rows_done=rows_done, rows_total=rows_total)


def _finish(run: Run, part: Path, rows: int) -> None:
    final = file_path(run.stored_name)
    try:
        size = durable_rename(part, final)
    except FileNotFoundError:  # the stall sweep gave up on this run (and removed its file) after its last page
        raise Superseded from None
    now = clock.now()
    with session_scope(write=True) as session:
        done = {'state': ExportState.DONE, 'rows_done': rows, 'rows_total': rows, 'size': size, 'finished_at': now}
        if session.execute(update(Export).where(*run.held()).values(**done)).rowcount != 1:
            final.unlink(missing_ok=True)
            raise Superseded
        _announce(session, run, ExportState.DONE, rows_done=rows, rows_total=rows)
        _tell_owner(session, run, rows, now)


def _tell_owner(session: Session, run: Run, rows: int, now: datetime) -> None:
    """A notification in the app and an email with the link (the email is the message, so the notification is not
    sent out again by the digest)."""
    what = describe(run.filters)
    text = f'Your export is ready: {what} ({rows:,} rows). Download it from Exports.'
    messaging.notify(session, run.owner_id, 'export.ready', text, now=now, dispatched=True)
    message = messaging.render('export_ready', description=what, rows=rows, export_id=run.export_id)
    key = f'export-ready:{run.export_id}:{run.attempt}'
    messaging.queue(
        session, user_id=run.owner_id, kind='export', key=key, message=message, channel=NotificationChannel.EMAIL
    )


def _fail(run: Run, failure: BaseException) -> None:
    error = 'The export stopped with an error; retry it. (' + f'{type(failure).__name__})'
    with session_scope(write=True) as session:
        failed = {'state': ExportState.FAILED, 'error': error[:MAX_ERROR], 'finished_at': clock.now()}
        if session.execute(update(Export).where(*run.held()).values(**failed)).rowcount == 1:
            _announce(session, run, ExportState.FAILED, rows_done=None, rows_total=None)


def _announce(session: Session, run: Run, state: ExportState, *, rows_done: int | None, rows_total: int | None) -> None:
    events.publish(
        session,
        CHANGED_EVENT,
        export_id=run.export_id,
        owner_id=run.owner_id,
        state=state.value,
        rows_done=rows_done,
        rows_total=rows_total,
    )
