"""Who acts on a service request: the role checks every request function starts with, each refusal logged once
(checklist G2), and the PostgreSQL row lock of the acting user."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from models import User
from models.db import is_sqlite
from models.enums import ApprovalState, Role
from services.core.access import check_role, require_role
from services.core.errors import NotFound, PermissionDenied
from services.core.rows import Actor

log = logging.getLogger(__name__)
NOT_FOUND = 'That request does not exist.'
NOT_APPROVED = 'Only approved professionals can take requests.'


def require(session: Session, actor: Actor | None, action: str, *roles: Role, request_id: Any = None) -> User | None:
    """`require_role`, with every refusal logged once: actor, action and request (checklist G2)."""
    with _refusal_logged(actor, action, request_id):
        return require_role(session, actor, *roles)


def check(session: Session, actor: Actor | None, action: str, role: Role) -> Actor:
    """`require` for the lists, which need only who acts (their id and role, now checked against their row)."""
    with _refusal_logged(actor, action, None):
        check_role(session, actor, role)
    return actor


@contextmanager
def _refusal_logged(actor: Actor | None, action: str, request_id: Any) -> Iterator[None]:
    try:
        yield
    except PermissionDenied:
        log.warning('denied request.%s on service_request %r to %s', action, request_id, _who(actor))
        raise


def acting(actor: Actor | None, action: str, role: Role, *, request_id: Any = None) -> ColumnElement[bool]:
    """`require` split in two for the transitions that run often. What needs no statement is checked here (signed
    in, not the operator, of the role). The rest goes into the transition's own WHERE: the acting user's row, still
    of that role and unblocked at the instant the request changes, so the usual case reads nothing first. A refusal
    is explained by `require` (PermissionDenied) before anything else."""
    if actor is None or actor.is_operator or actor.role is not role:
        log.warning('denied request.%s on service_request %r to %s', action, request_id, _who(actor))
        raise PermissionDenied()
    return is_acting(actor.id, role)


def is_acting(user_id: Any, role: Role) -> ColumnElement[bool]:
    """The user's row is of the role and not blocked (in a transition's WHERE)."""
    return exists().where(User.id == user_id, User.role == role, User.is_blocked.is_(False))


def require_approved(session: Session, actor: Actor | None, action: str, *, request_id: Any = None) -> User:
    """An unblocked professional whose profile an admin approved (the open pool is theirs to work)."""
    user = require(session, actor, action, Role.PROFESSIONAL, request_id=request_id)
    profile = user.professional_profile
    if profile is None or profile.approval_state is not ApprovalState.APPROVED:
        log.warning('denied request.%s on service_request %r to %s: not approved', action, request_id, _who(actor))
        raise PermissionDenied(NOT_APPROVED)
    return user


def not_found(actor: Actor | None, action: str, request_id: Any) -> NotFound:
    """Missing and someone else's look the same to the caller; the log tells them apart."""
    log.warning('request.%s: service_request %r is not visible to %s', action, request_id, _who(actor))
    return NotFound(NOT_FOUND)


def lock_user(session: Session, user_id: int, *, shared: bool = False) -> None:
    """PostgreSQL: lock a user's row until commit, so that checks which read before they write (overlap,
    eligibility) see the last committed accept and block. NO KEY UPDATE leaves foreign-key checks free.
    SQLite needs nothing: a write unit holds the database's write lock from its first statement."""
    if is_sqlite(session):
        return
    lock = select(User.id).where(User.id == user_id)
    session.execute(lock.with_for_update(read=True) if shared else lock.with_for_update(key_share=True))


def _who(actor: Actor | None) -> str:
    if actor is None:
        return 'anonymous'
    return 'the operator' if actor.is_operator else f'user {actor.id} ({actor.role.value})'
