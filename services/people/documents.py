"""A professional's verification documents: PDF, PNG or JPEG as their bytes say, at most 5 MB, stored
under `data_dir/documents/` with a server-made name; the uploaded file name is kept as display text only.
A new file is written last in its unit and deleted again if the unit rolls back; a removed document's
file goes once the removal commits. Only the owner and admins may list or read them.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import secrets
import tempfile
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, event, exists, func, select
from sqlalchemy.orm import Session

from models import Document, ProfessionalProfile
from models.enums import ApprovalState, DocumentKind, Role
from services import audit
from services.core import clock, events, validation
from services.core.access import may_see_professional, require_owner_or_admin, require_professional, require_role
from services.core.errors import NotFound, PermissionDenied, ValidationError
from services.core.rows import Actor
from services.people.rows import DocumentFile, DocumentRow
from settings import get_settings

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_DOCUMENTS = 10  # per professional: a handful of IDs and certificates, not a file store
MAX_NAME = 200
# magic number -> (content type, extension): what the bytes say, never what the file name says
FILE_TYPES = {
    b'%PDF-': ('application/pdf', '.pdf'),
    b'\x89PNG\r\n\x1a\n': ('image/png', '.png'),
    b'\xff\xd8\xff': ('image/jpeg', '.jpg'),
}
EXTENSIONS = {'application/pdf': ('.pdf',), 'image/png': ('.png',), 'image/jpeg': ('.jpg', '.jpeg')}
STORED_NAME = re.compile(r'^[0-9a-f]{32}\.(pdf|png|jpg)$')
TOO_BIG = 'A document can be at most 5 MB.'
WRONG_TYPE = 'Upload a PDF, PNG or JPEG file.'
_FILE_HOOKS = 'hsa_document_files'


def add_document(
    session: Session, actor: Actor, *, kind: Any, filename: Any, data: Any, now: datetime | None = None
) -> DocumentRow:
    """A professional adds a PDF, PNG or JPEG (by its bytes) of at most 5 MB; the server names the file."""
    user = require_professional(session, actor)
    now = now or clock.now()
    kind = _document_kind(kind)
    content_type, extension = _detected_type(data)
    _refuse_too_many_documents(session, user.id)
    document = Document(
        professional_id=user.id,
        kind=kind,
        original_name=_display_name(filename, default=f'{kind.value}{extension}'),
        stored_name=secrets.token_hex(16) + extension,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_at=now,
    )
    session.add(document)
    session.flush()
    details = {'kind': kind.value, 'name': document.original_name, 'size': document.size, 'sha256': document.sha256}
    audit.record(
        session, actor, 'document.add', target_type='document', target_id=document.id, details=details, now=now
    )
    events.publish(session, 'professional.document_added', professional_id=user.id, document_id=document.id)
    _write_file(session, _documents_dir() / document.stored_name, bytes(data))  # last: the row is valid by now
    return _document_row(document)


def list_documents(session: Session, actor: Actor, *, professional_id: int) -> list[DocumentRow]:
    """The owner and admins list a professional's documents; for anyone else they do not exist."""
    require_owner_or_admin(session, actor, professional_id)
    if (
        not validation.is_id(professional_id, ProfessionalProfile.user_id)
        or session.get(ProfessionalProfile, professional_id) is None
    ):
        raise NotFound('That professional does not exist.')
    return document_rows_of(session, [professional_id]).get(professional_id, [])


def open_document(session: Session, actor: Actor, *, document_id: int) -> DocumentFile:
    """The owner and admins may read a document; for anyone else it does not exist."""
    user = require_role(session, actor, *Role)
    document = session.get(Document, document_id) if validation.is_id(document_id, Document.id) else None
    if document is None or not may_see_professional(user, document.professional_id):
        raise NotFound('That document does not exist.')
    path = _documents_dir() / document.stored_name
    if not STORED_NAME.match(document.stored_name) or not path.is_file():
        raise NotFound('That document does not exist.')
    return DocumentFile(path=path, content_type=document.content_type, download_name=_download_name(document))


def remove_document(session: Session, actor: Actor, *, document_id: int, now: datetime | None = None) -> None:
    """A professional removes their own document unless approved: an approved profile keeps its evidence."""
    user = require_professional(session, actor)
    now = now or clock.now()
    document = session.get(Document, document_id) if validation.is_id(document_id, Document.id) else None
    if document is None or document.professional_id != user.id:
        raise NotFound('That document does not exist.')
    p = ProfessionalProfile
    not_approved = exists().where(p.user_id == user.id, p.approval_state != ApprovalState.APPROVED)
    removed = session.execute(
        delete(Document).where(Document.id == document.id, not_approved),
        execution_options={'synchronize_session': 'fetch'},
    ).rowcount
    if removed != 1:
        raise PermissionDenied('Your profile is approved with these documents; they cannot be removed now.')
    details = {'kind': document.kind.value, 'name': document.original_name, 'sha256': document.sha256}
    audit.record(
        session, actor, 'document.remove', target_type='document', target_id=document.id, details=details, now=now
    )
    events.publish(session, 'professional.document_removed', professional_id=user.id, document_id=document.id)
    _unlink_when(session, _documents_dir() / document.stored_name, outcome='commit')


def refuse_too_big(size: int) -> None:
    """Refuse a file over 5 MB by the size its upload announces, before its bytes are read into memory."""
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError(TOO_BIG, field='file')


def _refuse_too_many_documents(session: Session, professional_id: int) -> None:
    _lock_profile(session, professional_id)  # serializes one professional's uploads, so the count holds
    held = session.scalar(select(func.count()).select_from(Document).where(Document.professional_id == professional_id))
    if held >= MAX_DOCUMENTS:
        raise ValidationError(f'You can keep at most {MAX_DOCUMENTS} documents. Remove one first.', field='file')


def _document_kind(kind: Any) -> DocumentKind:
    try:
        return DocumentKind(kind)
    except ValueError:
        raise ValidationError('Choose what kind of document this is.', field='kind') from None


def _detected_type(data: Any) -> tuple[str, str]:
    """(content type, extension) from the file's first bytes; size and type refusals first."""
    if not isinstance(data, bytes | bytearray):
        raise ValidationError('Choose a file to upload.', field='file')
    if not data:
        raise ValidationError('The file is empty.', field='file')
    refuse_too_big(len(data))
    for magic, found in FILE_TYPES.items():
        if data.startswith(magic):
            return found
    raise ValidationError(WRONG_TYPE, field='file')


def _display_name(filename: Any, *, default: str) -> str:
    """The uploaded name as text to show: its last path part only (browsers may send either separator)."""
    if not isinstance(filename, str):
        filename = ''
    name = re.split(r'[\\/]', filename)[-1].strip()
    name = validation.name(name, field='file', label='File name', max_length=MAX_NAME, required=False)
    return default if name in {'', '.', '..'} else name


def _download_name(document: Document) -> str:
    """The display name, with the extension of the real type when it says something else."""
    name, extensions = document.original_name, EXTENSIONS[document.content_type]
    return name if name.lower().endswith(extensions) else f'{name}{extensions[0]}'


def _document_row(document: Document) -> DocumentRow:
    return DocumentRow(
        id=document.id,
        kind=document.kind,
        original_name=document.original_name,
        content_type=document.content_type,
        size=document.size,
        sha256=document.sha256,
        uploaded_at=document.uploaded_at,
    )


def document_rows_of(session: Session, ids: list[int]) -> dict[int, list[DocumentRow]]:
    """Each listed professional's documents, oldest first, in one query (no access check: callers do it)."""
    query = select(Document).where(Document.professional_id.in_(ids)).order_by(Document.uploaded_at, Document.id)
    rows: dict[int, list[DocumentRow]] = defaultdict(list)
    for document in session.scalars(query):
        rows[document.professional_id].append(_document_row(document))
    return rows


def _documents_dir() -> Path:
    return get_settings().data_path / 'documents'


def _write_file(session: Session, path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename: a reader never sees half a file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix='.upload-')
    try:
        with os.fdopen(handle, 'wb') as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)  # only still there when writing failed
    _unlink_when(session, path, outcome='rollback')


def _unlink_when(session: Session, path: Path, *, outcome: str) -> None:
    """Delete `path` once this unit ends with `outcome` ('commit' or 'rollback')."""
    hooks = session.info.get(_FILE_HOOKS)
    if hooks is None:
        hooks = session.info[_FILE_HOOKS] = {'commit': [], 'rollback': []}
        event.listen(session, 'after_commit', functools.partial(_run_file_hooks, outcome='commit'))
        event.listen(session, 'after_rollback', functools.partial(_run_file_hooks, outcome='rollback'))
    hooks[outcome].append(path)


def _run_file_hooks(session: Session, *, outcome: str) -> None:
    hooks = session.info.get(_FILE_HOOKS, {})
    paths = hooks.get(outcome, [])
    hooks['commit'], hooks['rollback'] = [], []
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _lock_profile(session: Session, professional_id: int) -> None:
    session.execute(
        select(ProfessionalProfile.user_id).where(ProfessionalProfile.user_id == professional_id).with_for_update()
    )
