"""What the monthly report tests share: February 2030 in Asia/Kolkata, and requests taken through their life there."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from models import OutboxAttachment, OutboxMessage
from services import Actor, requests, session_scope
from tests.factories import accept_request, book_request, complete_request, slot

FEBRUARY = date(2030, 2, 1)
IN_FEBRUARY = datetime(2030, 2, 10, 3, 30, tzinfo=UTC)  # Sunday 10 Feb, 09:00 local
REPORT_DAY = datetime(2030, 3, 1, 2, 30, tzinfo=UTC)  # 1 March, 08:00 local: report_time


def closed_job(
    customer: Actor, pro: Actor, service_id: int, *, booked: datetime, rating: int = 4, remarks: str = ''
) -> int:
    """Booked at `booked`, accepted at once, done on its slot two days later, closed with a review an hour after."""
    at = slot(booked, days=2)
    request_id = book_request(customer, service_id, now=booked, at=at)
    accept_request(pro, request_id, now=booked)
    complete_request(pro, request_id, now=at + timedelta(hours=1))
    with session_scope(write=True) as session:
        requests.close(
            session, customer, request_id=request_id, rating=rating, remarks=remarks, now=at + timedelta(hours=2)
        )
    return request_id


def report_messages() -> list[OutboxMessage]:
    with session_scope() as session:
        rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == 'monthly-report')))
        session.expunge_all()
    return rows


def attachments_of(message_id: int) -> list[OutboxAttachment]:
    with session_scope() as session:
        rows = list(session.scalars(select(OutboxAttachment).where(OutboxAttachment.message_id == message_id)))
        session.expunge_all()
    return rows
