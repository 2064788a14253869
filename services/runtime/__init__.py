"""What the composition roots (app.py, manage.py, later the Celery app) wire in: the bus that delivers committed
events and job requests, the embedded job runner, the scheduled duties and the log format."""

from services.runtime.bus import ANY, Bus
from services.runtime.duties import DUTIES, JOBS, auto_close_requests, expire_requests
from services.runtime.logs import UTCFormatter
from services.runtime.logs import configure as configure_logging
from services.runtime.runner import EmbeddedRunner

__all__ = [
    'ANY',
    'DUTIES',
    'JOBS',
    'Bus',
    'EmbeddedRunner',
    'UTCFormatter',
    'auto_close_requests',
    'configure_logging',
    'expire_requests',
]
