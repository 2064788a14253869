"""The service layer: every rule, permission check and transaction rule, one package per domain.

Pages, tasks and the command line call a domain's face (`from services import requests` -> `requests.accept(...)`)
and this module, which names what every caller shares: the unit of work, the errors a service raises, who is
acting, money as a label, the clock and the site's signing secret.
"""

from models.db import session_scope
from services.core import clock
from services.core.cache import forget_everything as forget_cache
from services.core.errors import (
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
from services.core.rows import Actor, CountedPage, format_money
from services.core.signing import site_secret

__all__ = [
    'AccountBlocked',
    'Actor',
    'Conflict',
    'CountedPage',
    'InvalidCredentials',
    'InvalidTransition',
    'NotFound',
    'PermissionDenied',
    'ServiceError',
    'Throttled',
    'ValidationError',
    'clock',
    'forget_cache',
    'format_money',
    'session_scope',
    'site_secret',
]
