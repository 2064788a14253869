"""The professional pages' units of work: each opens its own session and returns frozen rows. Pages run them with
`await run.io_bound(...)`, so a write waiting for the database's lock never holds up the event loop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.enums import ApprovalState, RequestStatus
from pages.viewer import Viewer
from services import catalog, people, requests, session_scope, to_id
from services.catalog import ServiceRow
from services.people import ProfessionalView
from services.requests import HistoryEntry, MonthEarnings, RequestPage, RequestRow, ReviewPage

UPCOMING = (RequestStatus.ASSIGNED,)
PAST = (RequestStatus.COMPLETED, RequestStatus.CLOSED)


@dataclass(frozen=True, slots=True)
class Home:
    """What the professional's home shows: their whole profile, what they may switch to, and their work waiting."""

    profile: ProfessionalView
    services: list[ServiceRow]
    inbox_count: str  # '' when they cannot take requests (not approved)
    upcoming_count: str


# --- reading ------------------------------------------------------------------------------------------------------


def load_home(viewer: Viewer) -> Home:
    actor = viewer.actor
    with session_scope() as session:
        profile = people.get_professional(session, actor, professional_id=actor.id)
        approved = profile.approval_state is ApprovalState.APPROVED
        inbox = requests.list_inbox(session, actor, limit=1).total_label if approved else ''
        upcoming = requests.list_jobs(session, actor, statuses=UPCOMING, limit=1).total_label
        return Home(profile, catalog.list_services(session), inbox, upcoming)


def service_of(viewer: Viewer) -> int:
    """The service this professional offers (their inbox follows its new requests)."""
    with session_scope() as session:
        return people.get_professional(session, viewer.actor, professional_id=viewer.actor.id).service_id


def load_inbox(viewer: Viewer, cursor: str | None) -> RequestPage:
    with session_scope() as session:
        return requests.list_inbox(session, viewer.actor, cursor=cursor)


def load_jobs(viewer: Viewer, *, past: bool, cursor: str | None) -> RequestPage:
    with session_scope() as session:
        statuses = PAST if past else UPCOMING
        return requests.list_jobs(session, viewer.actor, statuses=statuses, newest_first=past, cursor=cursor)


def load_rating_and_earnings(viewer: Viewer) -> tuple[ProfessionalView, tuple[MonthEarnings, ...]]:
    with session_scope() as session:
        profile = people.get_professional(session, viewer.actor, professional_id=viewer.actor.id)
        return profile, requests.earnings_by_month(session, viewer.actor)


def load_reviews(viewer: Viewer, cursor: str | None) -> ReviewPage:
    with session_scope() as session:
        return requests.list_reviews_of_me(session, viewer.actor, cursor=cursor)


def load_request(viewer: Viewer, request_id: str) -> tuple[RequestRow, tuple[HistoryEntry, ...]]:
    with session_scope() as session:
        request = requests.get_request(session, viewer.actor, request_id=to_id(request_id))
        return request, requests.request_history(session, viewer.actor, request_id=request.id)


# --- writing ------------------------------------------------------------------------------------------------------


def save_profile(viewer: Viewer, values: dict[str, Any]) -> None:
    with session_scope(write=True) as session:
        people.edit_profile(session, viewer.actor, **values)


def resubmit(viewer: Viewer) -> None:
    with session_scope(write=True) as session:
        people.resubmit(session, viewer.actor)


def add_document(viewer: Viewer, kind: Any, filename: str, data: bytes) -> None:
    with session_scope(write=True) as session:
        people.add_document(session, viewer.actor, kind=kind, filename=filename, data=data)


def remove_document(viewer: Viewer, document_id: int) -> None:
    with session_scope(write=True) as session:
        people.remove_document(session, viewer.actor, document_id=document_id)


def accept(viewer: Viewer, request_id: int, seen_updated_at: datetime) -> None:
    with session_scope(write=True) as session:
        requests.accept(session, viewer.actor, request_id=request_id, seen_updated_at=seen_updated_at)


def decline(viewer: Viewer, request_id: int) -> None:
    with session_scope(write=True) as session:
        requests.decline(session, viewer.actor, request_id=request_id)


def complete(viewer: Viewer, request_id: int) -> None:
    with session_scope(write=True) as session:
        requests.complete(session, viewer.actor, request_id=request_id)


def withdraw(viewer: Viewer, request_id: int, reason: str) -> None:
    with session_scope(write=True) as session:
        requests.withdraw(session, viewer.actor, request_id=request_id, reason=reason)
