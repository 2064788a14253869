from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from models import AuditEvent, Document
from models.db import set_publisher
from models.enums import DocumentKind
from services import Actor, NotFound, PermissionDenied, ValidationError, people, session_scope
from services.core.events import DomainEvent
from services.runtime import Bus
from tests.factories import (
    ACTOR_KINDS,
    JPEG_BYTES,
    OPERATOR,
    PDF_BYTES,
    PNG_BYTES,
    add_document,
    approve,
    block,
    make_approved_professional,
    make_professional,
    reject,
)

NOW = datetime(2030, 5, 1, 9, 30, tzinfo=UTC)
MB5 = 5 * 1024 * 1024
SERVER_NAME = re.compile(r'^[0-9a-f]{32}\.(pdf|png|jpg)$')
HTML = b'<!doctype html><html><script>alert(document.cookie)</script></html>'


@pytest.fixture
def bus() -> Iterator[Bus]:
    bus = Bus()
    set_publisher(bus.deliver)
    yield bus
    set_publisher(None)


@pytest.fixture
def documents_dir(data_dir: Path) -> Path:
    return data_dir / 'documents'


def stored_files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


def document_row(document_id: int) -> Document | None:
    with session_scope() as session:
        return session.get(Document, document_id)


def audit_rows(action: str) -> list[AuditEvent]:
    with session_scope() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def upload(actor: Actor | None, data: object, filename: object = 'id.pdf', kind: object = 'id_proof'):
    with session_scope(write=True) as session:
        return people.add_document(session, actor, kind=kind, filename=filename, data=data, now=NOW)


def open_as(actor: Actor | None, document_id: object):
    with session_scope() as session:
        return people.open_document(session, actor, document_id=document_id)


def remove_as(actor: Actor | None, document_id: object) -> None:
    with session_scope(write=True) as session:
        people.remove_document(session, actor, document_id=document_id)


PROFESSIONALS = {'pending professional', 'approved professional', 'rejected professional'}


# --- add_document ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ('data', 'filename', 'content_type', 'extension'),
    [
        (PDF_BYTES, 'aadhaar.pdf', 'application/pdf', '.pdf'),
        (PNG_BYTES, 'certificate.png', 'image/png', '.png'),
        (JPEG_BYTES, 'licence.jpeg', 'image/jpeg', '.jpg'),
    ],
)
def test_professional_adds_a_real_pdf_png_or_jpeg(
    documents_dir: Path, data: bytes, filename: str, content_type: str, extension: str
) -> None:
    professional = make_professional()
    row = upload(professional, data, filename)
    assert (row.original_name, row.content_type, row.size, row.uploaded_at) == (filename, content_type, len(data), NOW)
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    [stored] = stored_files(documents_dir)
    assert SERVER_NAME.match(stored.name)
    assert stored.suffix == extension
    assert stored.read_bytes() == data
    assert document_row(row.id).stored_name == stored.name


def test_the_type_comes_from_the_bytes_not_the_name() -> None:
    row = upload(make_professional(), PNG_BYTES, 'scan.pdf')
    assert row.content_type == 'image/png'
    assert open_as(OPERATOR, row.id).download_name == 'scan.pdf.png'


@pytest.mark.parametrize(
    ('data', 'message'),
    [
        (HTML, 'PDF, PNG or JPEG'),
        (b'GIF89a' + b'\x00' * 20, 'PDF, PNG or JPEG'),
        (b'PK\x03\x04 a zip', 'PDF, PNG or JPEG'),
        (b' %PDF-1.4 with a space first', 'PDF, PNG or JPEG'),
        (b'', 'empty'),
        ('%PDF-1.4 as text', 'Choose a file'),
        (None, 'Choose a file'),
        (b'%PDF-' + b'0' * (MB5 - 4), 'at most 5 MB'),
    ],
)
def test_a_file_that_is_not_an_allowed_document_is_refused(documents_dir: Path, data: object, message: str) -> None:
    professional = make_professional()
    with pytest.raises(ValidationError, match=message):
        upload(professional, data, 'id.pdf')
    with session_scope() as session:
        assert people.list_documents(session, professional, professional_id=professional.id) == []
    assert stored_files(documents_dir) == []
    assert audit_rows('document.add') == []


def test_an_html_file_renamed_pdf_is_refused() -> None:
    with pytest.raises(ValidationError, match='Upload a PDF, PNG or JPEG file'):
        upload(make_professional(), HTML, 'invoice.pdf')


def test_exactly_5_mb_is_accepted_and_one_byte_more_is_not() -> None:
    professional = make_professional()
    exactly = b'%PDF-' + b'0' * (MB5 - 5)
    assert upload(professional, exactly).size == MB5
    with pytest.raises(ValidationError, match='at most 5 MB'):
        upload(professional, exactly + b'0')


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValidationError, match='what kind of document'):
        upload(make_professional(), PDF_BYTES, kind='selfie')


def test_both_kinds_are_accepted() -> None:
    professional = make_professional()
    assert upload(professional, PDF_BYTES, kind=DocumentKind.CERTIFICATE).kind is DocumentKind.CERTIFICATE
    assert upload(professional, PDF_BYTES, kind='id_proof').kind is DocumentKind.ID_PROOF


@pytest.mark.parametrize(
    ('filename', 'shown'),
    [
        ('..\\..\\x.txt', 'x.txt'),
        ('../../etc/passwd', 'passwd'),
        ('C:\\Users\\ravi\\Desktop\\aadhaar card.pdf', 'aadhaar card.pdf'),
        ('/absolute/evil.pdf', 'evil.pdf'),
        ('..', 'id_proof.pdf'),
        ('', 'id_proof.pdf'),
        (None, 'id_proof.pdf'),
        ('<img src=x onerror=alert(1)>.pdf', '<img src=x onerror=alert(1)>.pdf'),
        ('<b>bold</b>.pdf', 'b>.pdf'),
        ('Ausweis \u2013 Müller.pdf', 'Ausweis \u2013 Müller.pdf'),
    ],
)
def test_the_uploaded_name_is_display_text_only(documents_dir: Path, filename: object, shown: str) -> None:
    row = upload(make_professional(), PDF_BYTES, filename)
    assert row.original_name == shown
    [stored] = stored_files(documents_dir)
    assert SERVER_NAME.match(stored.name)
    assert not (documents_dir.parent.parent / 'x.txt').exists()
    assert [p.name for p in documents_dir.parent.rglob('*') if p.is_file() and p.suffix in {'.txt', ''}] == []


def test_a_traversal_name_is_offered_back_with_the_real_extension() -> None:
    row = upload(make_professional(), PDF_BYTES, '..\\..\\x.txt')
    assert open_as(OPERATOR, row.id).download_name == 'x.txt.pdf'


@pytest.mark.parametrize(('filename', 'message'), [('x' * 201, 'at most 200'), ('bad\x00name.pdf', 'cannot be shown')])
def test_an_unshowable_file_name_is_refused(filename: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        upload(make_professional(), PDF_BYTES, filename)


def test_stored_names_are_unique_for_identical_uploads(documents_dir: Path) -> None:
    professional = make_professional()
    upload(professional, PDF_BYTES, 'same.pdf')
    upload(professional, PDF_BYTES, 'same.pdf')
    assert len({p.name for p in stored_files(documents_dir)}) == 2


def test_a_professional_keeps_at_most_ten_documents() -> None:
    professional = make_professional()
    for _ in range(people.MAX_DOCUMENTS):
        upload(professional, PNG_BYTES)
    with pytest.raises(ValidationError, match='at most 10 documents'):
        upload(professional, PNG_BYTES)


@pytest.mark.parametrize('kind', list(ACTOR_KINDS))
def test_only_professionals_add_documents(documents_dir: Path, kind: str) -> None:
    actor = ACTOR_KINDS[kind]()
    if kind in PROFESSIONALS:
        assert upload(actor, PDF_BYTES).size == len(PDF_BYTES)
    else:
        with pytest.raises(PermissionDenied):
            upload(actor, PDF_BYTES)
        assert stored_files(documents_dir) == []


def test_adding_a_document_is_audited_and_announced_after_commit(bus: Bus) -> None:
    professional = make_professional()
    seen: list[DomainEvent] = []
    bus.subscribe('*', seen.append)
    with session_scope(write=True) as session:
        row = people.add_document(session, professional, kind='id_proof', filename='a.pdf', data=PDF_BYTES)
        assert seen == []
    assert seen == [
        DomainEvent('professional.document_added', {'professional_id': professional.id, 'document_id': row.id})
    ]
    [audit] = audit_rows('document.add')
    assert (audit.actor_id, audit.target_type, audit.target_id) == (professional.id, 'document', row.id)
    assert audit.details == {'kind': 'id_proof', 'name': 'a.pdf', 'size': len(PDF_BYTES), 'sha256': row.sha256}


def test_a_rolled_back_upload_leaves_no_row_no_file_no_audit_and_no_event(bus: Bus, documents_dir: Path) -> None:
    professional = make_professional()
    seen: list[DomainEvent] = []
    bus.subscribe('*', seen.append)
    with pytest.raises(RuntimeError), session_scope(write=True) as session:
        people.add_document(session, professional, kind='id_proof', filename='a.pdf', data=PDF_BYTES)
        assert len(stored_files(documents_dir)) == 1
        raise RuntimeError('the rest of the unit failed')
    with session_scope() as session:
        assert session.scalars(select(Document)).all() == []
    assert (stored_files(documents_dir), audit_rows('document.add'), seen) == ([], [], [])


# --- reading ---------------------------------------------------------------------------------------------------


def test_owner_opens_their_document() -> None:
    professional = make_professional()
    document_id = add_document(professional, PNG_BYTES, 'certificate.png')
    file = open_as(professional, document_id)
    assert (file.content_type, file.download_name, file.path.read_bytes()) == (
        'image/png',
        'certificate.png',
        PNG_BYTES,
    )


@pytest.mark.parametrize('kind', list(ACTOR_KINDS))
def test_who_may_open_a_document(kind: str) -> None:
    document_id = add_document(make_professional())
    actor = ACTOR_KINDS[kind]()
    if kind in {'admin', 'operator'}:
        assert open_as(actor, document_id).content_type == 'application/pdf'
    elif kind in {'anonymous', 'blocked professional'}:
        with pytest.raises(PermissionDenied):
            open_as(actor, document_id)
    else:
        with pytest.raises(NotFound, match='That document does not exist'):
            open_as(actor, document_id)


def test_someone_elses_document_looks_exactly_like_a_missing_one() -> None:
    document_id = add_document(make_professional())
    stranger = make_approved_professional()
    messages = []
    for candidate in (document_id, 999_999, 'abc', True):
        with pytest.raises(NotFound) as raised:
            open_as(stranger, candidate)
        messages.append(str(raised.value))
    assert len(set(messages)) == 1


def test_a_blocked_owner_cannot_open_their_document() -> None:
    professional = make_professional()
    document_id = add_document(professional)
    block(professional)
    with pytest.raises(PermissionDenied):
        open_as(professional, document_id)


def test_a_document_whose_file_is_gone_is_not_found(documents_dir: Path) -> None:
    document_id = add_document(make_professional())
    for path in stored_files(documents_dir):
        path.unlink()
    with pytest.raises(NotFound):
        open_as(OPERATOR, document_id)


@pytest.mark.parametrize('kind', list(ACTOR_KINDS))
def test_who_may_list_documents(kind: str) -> None:
    owner = make_professional()
    add_document(owner, PDF_BYTES, 'a.pdf')
    add_document(owner, PNG_BYTES, 'b.png')
    actor = ACTOR_KINDS[kind]()
    with session_scope() as session:
        if kind in {'admin', 'operator'}:
            rows = people.list_documents(session, actor, professional_id=owner.id)
            assert [r.original_name for r in rows] == ['a.pdf', 'b.png']
        elif kind in {'anonymous', 'blocked professional'}:
            with pytest.raises(PermissionDenied):
                people.list_documents(session, actor, professional_id=owner.id)
        else:
            with pytest.raises(NotFound):
                people.list_documents(session, actor, professional_id=owner.id)


def test_owner_lists_own_documents_and_admin_view_includes_them() -> None:
    owner = make_professional()
    add_document(owner, JPEG_BYTES, 'id.jpg')
    with session_scope() as session:
        assert [r.content_type for r in people.list_documents(session, owner, professional_id=owner.id)] == [
            'image/jpeg'
        ]
        view = people.get_professional(session, OPERATOR, professional_id=owner.id)
    assert [d.original_name for d in view.documents] == ['id.jpg']


def test_listing_documents_of_nobody_is_not_found() -> None:
    with session_scope() as session, pytest.raises(NotFound):
        people.list_documents(session, OPERATOR, professional_id=999_999)


# --- remove_document -------------------------------------------------------------------------------------------


@pytest.mark.parametrize('state', ['pending', 'rejected'])
def test_owner_removes_a_document_before_approval(documents_dir: Path, bus: Bus, state: str) -> None:
    professional = make_professional() if state == 'pending' else reject(make_professional())
    document_id = add_document(professional)
    seen: list[DomainEvent] = []
    bus.subscribe('*', seen.append)
    with session_scope(write=True) as session:
        people.remove_document(session, professional, document_id=document_id)
        assert len(stored_files(documents_dir)) == 1  # the file goes only once the removal commits
    assert document_row(document_id) is None
    assert stored_files(documents_dir) == []
    [audit] = audit_rows('document.remove')
    assert (audit.actor_id, audit.target_id, audit.details['name']) == (professional.id, document_id, 'id.pdf')
    assert [e.name for e in seen] == ['professional.document_removed']


def test_an_approved_profile_keeps_its_documents(documents_dir: Path) -> None:
    professional = make_professional()
    document_id = add_document(professional)
    approve(professional)
    with pytest.raises(PermissionDenied, match='approved'):
        remove_as(professional, document_id)
    assert document_row(document_id) is not None
    assert len(stored_files(documents_dir)) == 1
    assert audit_rows('document.remove') == []


def test_a_rolled_back_removal_keeps_row_and_file(documents_dir: Path) -> None:
    professional = make_professional()
    document_id = add_document(professional)
    with pytest.raises(RuntimeError), session_scope(write=True) as session:
        people.remove_document(session, professional, document_id=document_id)
        raise RuntimeError('the rest of the unit failed')
    assert document_row(document_id) is not None
    assert len(stored_files(documents_dir)) == 1
    assert open_as(professional, document_id).path.exists()


@pytest.mark.parametrize('kind', list(ACTOR_KINDS))
def test_only_the_owner_removes_a_document(kind: str) -> None:
    document_id = add_document(make_professional())
    actor = ACTOR_KINDS[kind]()
    expected = NotFound if kind in PROFESSIONALS else PermissionDenied
    with pytest.raises(expected):
        remove_as(actor, document_id)
    assert document_row(document_id) is not None


@pytest.mark.parametrize('document_id', [999_999, 'abc', None])
def test_removing_a_missing_document_is_not_found(document_id: object) -> None:
    with pytest.raises(NotFound):
        remove_as(make_professional(), document_id)
