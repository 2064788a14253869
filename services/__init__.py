"""The service layer: every rule, permission check and transaction rule, one package per domain.

Pages, tasks and the command line call a domain's face (`from services import requests` -> `requests.accept(...)`)
and this module, which names what every caller shares: the unit of work, the errors a service raises, who is
acting, money as a label, the clock, the site's signing secret and the one converter of ids from URLs (`to_id`).
"""

from models.db import session_scope
from models.private_files import keep_private
from services.core import clock
from services.core.cache import forget_everything as forget_cache
from services.core.errors import (
    AccountBlocked,
    AlreadyBooked,
    Conflict,
    InvalidCredentials,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ServiceError,
    StaleEdit,
    StorageFull,
    Throttled,
    ValidationError,
)
from services.core.rows import Actor, CountedPage, format_money
from services.core.signing import site_secret
from services.core.validation import to_id

# Last, after the names the domains import from here: webhooks hooks into every event a unit publishes, so it is
# loaded with the service layer, whichever domain a caller imports (services/webhooks/recording.py).
from services import webhooks  # isort: skip

__all__ = [
    'AccountBlocked',
    'Actor',
    'AlreadyBooked',
    'Conflict',
    'CountedPage',
    'InvalidCredentials',
    'InvalidTransition',
    'NotFound',
    'PermissionDenied',
    'ServiceError',
    'StaleEdit',
    'StorageFull',
    'Throttled',
    'ValidationError',
    'clock',
    'forget_cache',
    'format_money',
    'keep_private',
    'session_scope',
    'site_secret',
    'to_id',
    'webhooks',
]
