"""The transitions that run most (accept, complete, close) as statements built once, with their values bound at
each call. Building the accept's UPDATE and computing its cache key took longer than SQLite took to run it; a
statement object built once keeps its cache key, so each call only binds and executes."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Integer, Update, bindparam, update

from models import ServiceRequest
from models.enums import RequestStatus, Role
from services.requests import actors, rules

R = ServiceRequest
ACTOR = bindparam('actor', type_=Integer)
NOW = bindparam('now', type_=R.updated_at.type)
REQUEST = bindparam('request', type_=Integer)
SEEN = bindparam('seen', type_=R.updated_at.type)
REQUESTED, ASSIGNED = RequestStatus.REQUESTED, RequestStatus.ASSIGNED
COMPLETED, CLOSED = RequestStatus.COMPLETED, RequestStatus.CLOSED


@functools.cache
def accept(*, checks_seen: bool) -> Update:
    """An open request of the professional's service and pincode, addressed to nobody or to them, not started, clear
    of their other jobs (and, `checks_seen`, as they last saw it) becomes their job. Binds actor, now, request
    (and seen)."""
    return _transition(
        R.service_status == REQUESTED,
        R.scheduled_at > NOW,
        rules.open_to(ACTOR),
        rules.qualified(ACTOR),
        ~rules.overlaps_assigned_job(ACTOR),
        *([R.updated_at == SEEN] if checks_seen else []),
        also=(rules.PROFESSIONAL_NAME, rules.PROFESSIONAL_PHONE),
        service_status=ASSIGNED,
        professional_id=ACTOR,
        assigned_at=NOW,
        updated_at=NOW,
    )


@functools.cache
def complete() -> Update:
    """The acting professional's assigned job whose slot has started is done. Binds actor, now, request."""
    return _transition(
        R.service_status == ASSIGNED,
        R.professional_id == ACTOR,
        R.scheduled_at <= NOW,
        actors.is_acting(ACTOR, Role.PROFESSIONAL),
        also=(rules.PROFESSIONAL_NAME,),
        service_status=COMPLETED,
        date_of_completion=NOW,
        updated_at=NOW,
    )


@functools.cache
def close() -> Update:
    """The acting customer's completed request is closed. Binds actor, now, request."""
    return _transition(
        R.customer_id == ACTOR,
        R.service_status == COMPLETED,
        actors.is_acting(ACTOR, Role.CUSTOMER),
        service_status=CLOSED,
        closed_at=NOW,
        updated_at=NOW,
    )


def _transition(*criteria: Any, also: tuple[Any, ...] = (), **values: Any) -> Update:
    return update(R).where(R.id == REQUEST, *criteria).values(**values).returning(*rules.CHANGED, *also)
