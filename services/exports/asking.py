"""Asking for an export and getting it back: create (the job runs after commit), retry a failed one, my exports, one
of them, and its file. Only the owner ever sees an export: anyone else's is "not found", exactly like a missing one."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models import Export
from models.enums import ExportState, Role
from services import requests
from services.core import clock, events, jobs, validation
from services.core.access import require_role
from services.core.errors import NotFound, PermissionDenied, ValidationError
from services.core.rows import Actor
from services.exports.rows import ExportFile, ExportRow
from settings import get_settings

CLOSED_REQUESTS = 'closed-requests'
EXPORT_JOB = 'export'  # the job that writes an export's file (runtime.JOBS)
CHANGED_EVENT = 'export.changed'  # queued, progress, done or failed: ids and counts only
NOT_FOUND = 'That export does not exist.'
LISTED = 50
FILTER_WORDS = {
    'service_id': 'service #{}',
    'pincode': 'pincode {}',
    'date_from': 'from {}',
    'date_to': 'to {}',
    'customer': 'customer "{}"',
    'professional': 'professional "{}"',
}


def create_export(session: Session, actor: Actor, *, filters: Any = None, now: datetime | None = None) -> ExportRow:
    """An admin exports every closed request matching the requests list's filters; a professional their own closed
    jobs. The row is written here; its job starts once this unit commits."""
    kept = requests.closed_export_filters(session, actor, filters if filters is not None else {})
    owner = _owner(session, actor)
    running = session.scalar(
        select(func.count())
        .select_from(Export)
        .where(Export.owner_id == owner, Export.state.in_((ExportState.QUEUED, ExportState.RUNNING)))
    )
    limit = get_settings().exports_running_max
    if running >= limit:
        raise ValidationError(f'You have {running} exports under way; wait until one is ready.', field='export')
    export = Export(
        owner_id=owner,
        kind=CLOSED_REQUESTS,
        filters=kept,
        state=ExportState.QUEUED,
        rows_done=0,
        attempts=0,
        created_at=now or clock.now(),
    )
    session.add(export)
    session.flush()
    _announce(session, export)
    jobs.enqueue(session, EXPORT_JOB, export_id=export.id)
    return export_row(export)


def retry_export(session: Session, actor: Actor, *, export_id: Any) -> ExportRow:
    """A failed export goes back in the queue, to be written again from the start."""
    export = _own(session, actor, export_id)
    if export.state is not ExportState.FAILED:
        raise ValidationError('Only a failed export can be retried.', field='export')
    session.execute(
        update(Export)
        .where(Export.id == export.id, Export.state == ExportState.FAILED)
        .values(state=ExportState.QUEUED, rows_done=0, rows_total=None, error=None, finished_at=None)
    )
    session.refresh(export)
    _announce(session, export)
    jobs.enqueue(session, EXPORT_JOB, export_id=export.id)
    return export_row(export)


def list_exports(session: Session, actor: Actor) -> tuple[ExportRow, ...]:
    """My exports, newest first (exports are deleted after `export_keep_days`)."""
    owner = _owner(session, actor)
    found = session.scalars(
        select(Export)
        .where(Export.owner_id == owner)
        .order_by(Export.created_at.desc(), Export.id.desc())
        .limit(LISTED)
    )
    return tuple(export_row(export) for export in found)


def get_export(session: Session, actor: Actor, *, export_id: Any) -> ExportRow:
    return export_row(_own(session, actor, export_id))


def export_file(session: Session, actor: Actor, *, export_id: Any) -> ExportFile:
    """The finished file of my export, to stream to me; anything else (not mine, not done, deleted) is not found."""
    export = _own(session, actor, export_id)
    path = file_path(export.stored_name) if export.stored_name else None
    if export.state is not ExportState.DONE or path is None or not path.is_file():
        raise NotFound(NOT_FOUND)
    stamp = export.created_at.astimezone(get_settings().zone).strftime('%Y-%m-%d-%H%M')
    return ExportFile(path=path, download_name=f'{export.kind}-{stamp}.csv', size=path.stat().st_size)


def exports_folder() -> Path:
    return get_settings().data_path / 'exports'


def file_path(stored_name: str) -> Path:
    return exports_folder() / stored_name


def export_row(export: Export) -> ExportRow:
    return ExportRow(
        id=export.id,
        description=describe(export.filters),
        state=export.state,
        rows_done=export.rows_done,
        rows_total=export.rows_total,
        size=export.size,
        error=export.error or '',
        created_at=export.created_at,
        finished_at=export.finished_at,
    )


def describe(filters: dict[str, Any]) -> str:
    if 'professional_id' in filters:
        return 'My closed jobs'
    words = [FILTER_WORDS[name].format(filters[name]) for name in FILTER_WORDS if name in filters]
    return 'Closed requests: ' + ', '.join(words) if words else 'All closed requests'


def _announce(session: Session, export: Export) -> None:
    events.publish(
        session,
        CHANGED_EVENT,
        export_id=export.id,
        owner_id=export.owner_id,
        state=export.state.value,
        rows_done=export.rows_done,
        rows_total=export.rows_total,
    )


def _owner(session: Session, actor: Actor) -> int:
    user = require_role(session, actor, Role.ADMIN, Role.PROFESSIONAL)
    if user is None:
        raise PermissionDenied('The command line writes exports with `manage.py export-closed`.')
    return user.id


def _own(session: Session, actor: Actor, export_id: Any) -> Export:
    owner = _owner(session, actor)
    wanted = validation.to_id(export_id, Export.id)
    export = session.get(Export, wanted) if wanted is not None else None
    if export is None or export.owner_id != owner:
        raise NotFound(NOT_FOUND)
    return export
