"""Who may act: every service function starts here, and it fails closed."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from models import User
from models.enums import Role
from services.core.errors import NotFound, PermissionDenied
from services.core.rows import Actor

# Built once: the role and standing of one user, read past the ORM (loading the whole User into the session cost
# 0.2 to 0.45 ms, a quarter of an admin's list page)
STANDING = select(User.role, User.is_blocked).where(User.id == bindparam('user_id'))


def require_role(session: Session, actor: Actor | None, *roles: Role) -> User | None:
    """The acting user's current row, re-read from the database: missing, blocked or of another role
    means PermissionDenied. The command-line operator acts as an admin and has no row (None)."""
    if _operator_may(actor, roles):
        return None
    user = session.get(User, actor.id)
    if user is None or user.is_blocked or user.role not in roles:
        raise PermissionDenied()
    return user


def check_role(session: Session, actor: Actor | None, *roles: Role) -> None:
    """`require_role` for callers that need the verdict and not the row: the same refusals, one short read."""
    if _operator_may(actor, roles):
        return
    standing = session.connection().execute(STANDING, {'user_id': actor.id}).first()
    if standing is None or standing.is_blocked or standing.role not in roles:
        raise PermissionDenied()


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


def _operator_may(actor: Actor | None, roles: tuple[Role, ...]) -> bool:
    """True for the command-line operator where an admin may act; nobody signed in, or the operator anywhere else,
    is refused; False for everyone else (their row decides)."""
    if actor is None:
        raise PermissionDenied('Sign in first.')
    if actor.is_operator:
        if Role.ADMIN in roles:
            return True
        raise PermissionDenied()
    return False
