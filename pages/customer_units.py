"""The customer's request pages' units of work: each opens its own session and returns frozen rows. Pages run them with
`await run.io_bound(...)`, so a write waiting for the database's lock never holds up the event loop."""

from __future__ import annotations

from datetime import datetime

from pages.viewer import Viewer
from services import ServiceError, requests, session_scope, to_id
from services.requests import CustomerRequest, RequestPage, RequestRow


def load_list(viewer: Viewer, cursor: str | None) -> tuple[RequestPage | None, ServiceError | None, str]:
    """A page of the customer's requests (or why not) and the zone to show them in."""
    timezone = requests.policy().timezone
    with session_scope() as session:
        try:
            return requests.list_customer_requests(session, viewer.actor, cursor=cursor), None, timezone
        except ServiceError as refusal:
            return None, refusal, timezone


def load_request(viewer: Viewer, request_id: str) -> CustomerRequest:
    """One of the customer's requests with its history and their choices."""
    with session_scope() as session:
        return requests.get_customer_request(session, viewer.actor, request_id=to_id(request_id))


def edit(viewer: Viewer, request: RequestRow, slot: datetime | None, changes: dict[str, str]) -> None:
    """Change the request as it was shown (a stale edit is refused); the slot only when another was picked."""
    slot_changes = {'scheduled_at': slot} if slot is not None and slot != request.scheduled_at else {}
    with session_scope(write=True) as session:
        requests.edit(
            session,
            viewer.actor,
            request_id=request.id,
            seen_updated_at=request.updated_at,
            **slot_changes,
            **changes,
        )


def cancel(viewer: Viewer, request_id: int, reason: str) -> None:
    """Cancel the customer's request with their reason."""
    with session_scope(write=True) as session:
        requests.cancel(session, viewer.actor, request_id=request_id, reason=reason)


def review(viewer: Viewer, request_id: int, closing: bool, rating: int, remarks: str | None) -> None:
    """Close a finished job with a review, or review one that closed without it."""
    act = requests.close if closing else requests.review
    with session_scope(write=True) as session:
        act(session, viewer.actor, request_id=request_id, rating=rating, remarks=remarks or '')
