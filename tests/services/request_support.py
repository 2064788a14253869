"""What the service request tests share: a fixed clock, a small marketplace, and readers of the stored rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, func, select

from models import AuditEvent, Notification, ProfessionalProfile, RequestDismissal, Review, ServiceRequest
from models.db import get_engine
from services import Actor, session_scope
from services.catalog import ServiceRow
from tests.factories import make_approved_professional, make_customer, make_service

NOW = datetime(2030, 3, 4, 3, 30, tzinfo=UTC)  # Monday 09:00 in Asia/Kolkata


@dataclass(frozen=True)
class Market:
    """One service, a customer in 560001 and an approved professional serving 560001 and 560002."""

    service: ServiceRow
    customer: Actor
    pro: Actor


def make_market(**service_fields: Any) -> Market:
    service = make_service(**service_fields)
    return Market(service, make_customer(), make_approved_professional(service_id=service.id))


def stored(request_id: int) -> ServiceRequest:
    with session_scope() as session:
        return session.get(ServiceRequest, request_id)


def snapshot(request_id: int) -> tuple[Any, ...]:
    r = stored(request_id)
    return (r.service_status, r.professional_id, r.requested_professional_id, r.scheduled_at, r.address, r.updated_at)


def notes(user_id: int) -> list[tuple[str, int | None]]:
    """(kind, request_id) of the notifications a user got, oldest first."""
    with session_scope() as session:
        query = select(Notification.kind, Notification.request_id).where(Notification.user_id == user_id)
        return [tuple(row) for row in session.execute(query.order_by(Notification.id))]


def messages(user_id: int) -> list[str]:
    with session_scope() as session:
        query = select(Notification.message).where(Notification.user_id == user_id).order_by(Notification.id)
        return list(session.scalars(query))


def audits(action: str) -> list[AuditEvent]:
    with session_scope() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def count(model: type) -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(model))


def dismissals(professional_id: int) -> list[int]:
    with session_scope() as session:
        query = select(RequestDismissal.request_id).where(RequestDismissal.professional_id == professional_id)
        return list(session.scalars(query))


def rating_of(professional_id: int) -> tuple[int, int]:
    with session_scope() as session:
        profile = session.get(ProfessionalProfile, professional_id)
        return profile.rating_count, profile.rating_sum


def review_of(request_id: int) -> Review | None:
    with session_scope() as session:
        return session.scalar(select(Review).where(Review.request_id == request_id))


@contextmanager
def selects() -> Iterator[list[str]]:
    """The SELECT statements the database is sent while the block runs (to count queries: no N+1)."""
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith('SELECT'):
            statements.append(statement)

    engine = get_engine()
    event.listen(engine, 'before_cursor_execute', seen)
    try:
        yield statements
    finally:
        event.remove(engine, 'before_cursor_execute', seen)
