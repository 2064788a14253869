"""Who may act: every service function starts here, and it fails closed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models import User
from models.enums import Role
from services.core.errors import NotFound, PermissionDenied
from services.core.rows import Actor


def require_role(session: Session, actor: Actor | None, *roles: Role) -> User | None:
    """The acting user's current row, re-read from the database: missing, blocked or of another role
    means PermissionDenied. The command-line operator acts as an admin and has no row (None)."""
    if actor is None:
        raise PermissionDenied('Sign in first.')
    if actor.is_operator:
        if Role.ADMIN in roles:
            return None
        raise PermissionDenied()
    user = session.get(User, actor.id)
    if user is None or user.is_blocked or user.role not in roles:
        raise PermissionDenied()
    return user


def require_signed_in(session: Session, actor: Actor | None) -> User:
    """Any role, as long as the account still exists and is not blocked (not the operator)."""
    user = require_role(session, actor, *Role)
    if user is None:
        raise PermissionDenied('The command line has no account of its own.')
    return user


def require_professional(session: Session, actor: Actor | None) -> User:
    """The acting professional's row (not blocked), or PermissionDenied."""
    user = require_role(session, actor, Role.PROFESSIONAL)
    assert user is not None  # only the operator has no row, and the operator is no professional
    return user


def may_see_professional(user: User | None, professional_id: int) -> bool:
    """Admins (and the operator, who has no row) see every professional's private data; a professional
    their own; nobody else."""
    return user is None or user.role is Role.ADMIN or (user.role is Role.PROFESSIONAL and user.id == professional_id)


def require_owner_or_admin(session: Session, actor: Actor | None, professional_id: int) -> None:
    """Refuse anyone but the professional and admins, as if the professional did not exist."""
    if not may_see_professional(require_role(session, actor, *Role), professional_id):
        raise NotFound('That professional does not exist.')
