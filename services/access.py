"""Who may act: every service function starts here, and it fails closed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models import User
from models.enums import Role
from services.errors import PermissionDenied
from services.views import Actor


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
