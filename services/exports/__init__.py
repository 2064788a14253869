"""CSV exports (design.md §4): an admin exports every closed request (with the requests list's filters), a
professional their own closed jobs. Asking writes an export row and queues its job; the job writes the file in
constant memory with live progress (events), and tells the owner when it is ready; only the owner downloads it.
Stalled runs are failed and old exports deleted by a sweep. Pages, tasks and other domains call only this."""

from services.exports.asking import (
    CHANGED_EVENT,
    EXPORT_JOB,
    create_export,
    export_file,
    get_export,
    list_exports,
    retry_export,
)
from services.exports.cells import safe_cell
from services.exports.housekeeping import delete_old_exports, fail_stalled_exports, sweep_exports, write_closed_csv
from services.exports.rows import ExportFile, ExportRow
from services.exports.running import run_export

__all__ = [
    'CHANGED_EVENT',
    'EXPORT_JOB',
    'ExportFile',
    'ExportRow',
    'create_export',
    'delete_old_exports',
    'export_file',
    'fail_stalled_exports',
    'get_export',
    'list_exports',
    'retry_export',
    'run_export',
    'safe_cell',
    'sweep_exports',
    'write_closed_csv',
]
