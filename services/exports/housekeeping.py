"""What keeps exports honest over time: a run whose process died is failed (and its partial file removed) once its
heartbeat is stale; a queued export no job ever picked up is failed too; finished exports go after
`export_keep_days`. Also the operator's synchronous export (`manage.py export-closed`)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.orm import Session

from models import Export, User
from models.db import session_scope
from models.enums import ExportState, Role
from services import requests
from services.core import events
from services.core.errors import NotFound
from services.exports.asking import CHANGED_EVENT, file_path
from services.exports.running import durable_rename, open_csv, write_rows
from settings import get_settings

log = logging.getLogger(__name__)
STALLED_AFTER = timedelta(minutes=2)  # a running export's heartbeat is at most seconds old
NEVER_STARTED_AFTER = timedelta(minutes=30)  # queued this long: its job was lost (a purged queue, a dead process)
STALLED = 'The export stopped before it finished (the process writing it ended). Retry it.'
NEVER_STARTED = 'The export never started (the job runner was not running). Retry it.'


def sweep_exports(now: datetime) -> str:
    failed = fail_stalled_exports(now)
    deleted = delete_old_exports(now)
    return f'{failed} stalled export(s) failed, {deleted} old export(s) deleted'


def fail_stalled_exports(now: datetime) -> int:
    e = Export
    stalled = (e.state == ExportState.RUNNING) & (e.heartbeat_at < now - STALLED_AFTER)
    lost = (e.state == ExportState.QUEUED) & (e.created_at < now - NEVER_STARTED_AFTER)
    with session_scope(write=True) as session:
        failed = session.execute(
            update(e)
            .where(or_(stalled, lost))
            .values(
                state=ExportState.FAILED,
                finished_at=now,
                error=case((stalled, STALLED), else_=NEVER_STARTED),
            )
            .returning(e.id, e.owner_id, e.stored_name)
        ).all()
        for export_id, owner_id, _ in failed:
            events.publish(session, CHANGED_EVENT, export_id=export_id, owner_id=owner_id, state='failed')
    for export_id, _, stored_name in failed:
        log.warning('export %d failed: its run stopped or never started', export_id)
        if stored_name:  # a run that died after renaming, before its done unit: that file is never served
            file_path(stored_name + '.part').unlink(missing_ok=True)
            file_path(stored_name).unlink(missing_ok=True)
    return len(failed)


def delete_old_exports(now: datetime) -> int:
    """Exports older than `export_keep_days`, files first (a crash in between leaves rows whose file is gone:
    their download is "not found", and the next sweep deletes them)."""
    before = now - timedelta(days=get_settings().export_keep_days)
    e = Export
    with session_scope() as session:
        old = session.execute(select(e.id, e.stored_name).where(e.created_at < before)).all()
    for _, stored_name in old:
        if stored_name:
            file_path(stored_name).unlink(missing_ok=True)
            file_path(stored_name + '.part').unlink(missing_ok=True)
    if old:
        with session_scope(write=True) as session:
            session.execute(delete(e).where(e.id.in_([export_id for export_id, _ in old])))
    return len(old)


def write_closed_csv(destination: Path, *, professional_email: str = '') -> int:
    """The operator's export: every closed request (or one professional's) into `destination`, written next to it
    and renamed when complete. Returns how many rows it wrote."""
    with session_scope() as session:
        filters = {'professional_id': _professional(session, professional_email)} if professional_email else {}
        criteria = requests.export_criteria(session, filters)
    part = destination.with_name(destination.name + '.part')
    try:
        with open_csv(part) as out:
            rows = write_rows(criteria, out)
        durable_rename(part, destination)
    finally:
        part.unlink(missing_ok=True)
    return rows


def _professional(session: Session, email: str) -> int:
    found = session.scalar(select(User.id).where(User.email == email.strip().lower(), User.role == Role.PROFESSIONAL))
    if found is None:
        raise NotFound(f'No professional has the email {email!r}.')
    return found
