"""The service layer: every rule, permission check and transaction rule. Pages call only this."""

from models.db import session_scope
from services.errors import (
    AccountBlocked,
    Conflict,
    InvalidCredentials,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ServiceError,
    Throttled,
    ValidationError,
)

__all__ = [
    'AccountBlocked',
    'Conflict',
    'InvalidCredentials',
    'InvalidTransition',
    'NotFound',
    'PermissionDenied',
    'ServiceError',
    'Throttled',
    'ValidationError',
    'session_scope',
]
