"""What the export tests share: closed jobs taken through their real life, asking for and running an export, and
an independent reading of what the database holds, to compare the file with."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from models import Export, Review, Service, ServiceRequest, User
from models.enums import RequestStatus
from services import Actor, exports, requests, session_scope
from services.exports import ExportRow
from services.exports.asking import exports_folder
from tests.factories import (
    accept_request,
    book_request,
    complete_request,
    make_approved_professional,
    make_customer,
    make_service,
    slot,
)
from tests.services.request_support import NOW

EXPORT_AT = NOW + timedelta(days=30)  # what `clock.now()` answers in these tests: after every job below
IST = ZoneInfo('Asia/Kolkata')
BOM = b'\xef\xbb\xbf'
HEADER = [
    'Request ID',
    'Service ID',
    'Service',
    'Customer ID',
    'Customer',
    'Professional ID',
    'Professional',
    'Requested at (Asia/Kolkata)',
    'Scheduled for (Asia/Kolkata)',
    'Completed at (Asia/Kolkata)',
    'Closed at (Asia/Kolkata)',
    'Status',
    'Price (INR)',
    'Rating',
    'Remarks',
]


def completed_job(
    customer: Actor, pro: Actor, service_id: int, *, booked: datetime, index: int = 0, **fields: Any
) -> int:
    """Booked at `booked` for a slot two days later, accepted at once, completed an hour into its slot."""
    at = slot(booked, days=2, index=index)
    request_id = book_request(customer, service_id, now=booked, at=at, **fields)
    accept_request(pro, request_id, now=booked)
    complete_request(pro, request_id, now=at + timedelta(hours=1))
    return request_id


def closed_job(
    customer: Actor,
    pro: Actor,
    service_id: int,
    *,
    booked: datetime = NOW,
    index: int = 0,
    rating: int = 4,
    remarks: str = '',
    **fields: Any,
) -> int:
    """A completed job its customer closed with a review two hours into its slot."""
    request_id = completed_job(customer, pro, service_id, booked=booked, index=index, **fields)
    with session_scope() as session:
        at = session.get(ServiceRequest, request_id).scheduled_at
    with session_scope(write=True) as session:
        requests.close(
            session, customer, request_id=request_id, rating=rating, remarks=remarks, now=at + timedelta(hours=2)
        )
    return request_id


def start(actor: Actor, filters: Any = None, *, now: datetime | None = None) -> ExportRow:
    with session_scope(write=True) as session:
        return exports.create_export(session, actor, filters=filters, now=now)


def stored_export(export_id: int) -> Export:
    with session_scope() as session:
        return session.get(Export, export_id)


def file_of(actor: Actor, export_id: Any) -> exports.ExportFile:
    with session_scope() as session:
        return exports.export_file(session, actor, export_id=export_id)


def exported(actor: Actor, filters: Any = None) -> tuple[Export, list[list[str]]]:
    """Ask for an export, run its job, and read the finished file back: (the export row, the data rows)."""
    export_id = start(actor, filters).id
    assert exports.run_export(export_id).endswith(' rows')
    header, rows = read_csv(file_of(actor, export_id).path)
    assert header == HEADER
    return stored_export(export_id), rows


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    raw = path.read_bytes()
    assert raw.startswith(BOM)
    assert raw.count(BOM) == 1
    with path.open(encoding='utf-8-sig', newline='') as file:
        header, *rows = list(csv.reader(file))
    return header, rows


def files_in_exports() -> list[str]:
    folder = exports_folder()
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def safe(text: str) -> str:
    """How a cell must read in the file: text a spreadsheet would run as a formula is kept as text."""
    return "'" + text if text[:1] in ('=', '+', '-', '@', '\t', '\r') else text


def local(moment: datetime | None) -> str:
    return moment.astimezone(IST).strftime('%Y-%m-%d %H:%M') if moment is not None else ''


def expected_rows(*where: Any) -> list[list[str]]:
    """The closed requests meeting `where`, in id order, as the file must show them (read here without the export
    code: one request, its people and its review at a time)."""
    closed = ServiceRequest.service_status == RequestStatus.CLOSED
    rows = []
    with session_scope() as session:
        found = session.scalars(select(ServiceRequest).where(closed, *where).order_by(ServiceRequest.id))
        for r in found:
            customer, pro = session.get(User, r.customer_id), session.get(User, r.professional_id)
            review = session.scalar(select(Review).where(Review.request_id == r.id))
            rows.append(
                [
                    str(r.id),
                    str(r.service_id),
                    safe(session.get(Service, r.service_id).name),
                    str(customer.id),
                    safe(customer.name),
                    str(pro.id),
                    safe(pro.name),
                    local(r.date_of_request),
                    local(r.scheduled_at),
                    local(r.date_of_completion),
                    local(r.closed_at),
                    'closed',
                    f'{r.price // 100}.{r.price % 100:02d}',
                    str(review.rating) if review else '',
                    safe(review.remarks) if review else '',
                ]
            )
    return rows


def ids_of(rows: list[list[str]]) -> list[int]:
    return [int(row[0]) for row in rows]


def some_closed_jobs(count: int) -> list[int]:
    """`count` closed jobs of one customer with one professional, on distinct slots; their ids in order."""
    service = make_service()
    pro, customer = make_approved_professional(service_id=service.id), make_customer()
    return [
        closed_job(customer, pro, service.id, booked=NOW + timedelta(days=n // 4), index=2 * (n % 4), rating=5)
        for n in range(count)
    ]
