"""What the composition roots (app.py, manage.py, the Celery app in tasks/) wire in: the bus that delivers committed
events and job requests, the schedule and its tick, the units it runs, the embedded job runner and the log format."""

from services.runtime.bus import ANY, Bus
from services.runtime.duties import JOBS, SCHEDULE, deliver_outbox, expire_and_auto_close, send_notifications
from services.runtime.logs import UTCFormatter
from services.runtime.logs import configure as configure_logging
from services.runtime.runner import EmbeddedRunner
from services.runtime.ticks import Claim, job_named, last_runs, recover, run, run_schedule, tick

__all__ = [
    'ANY',
    'JOBS',
    'SCHEDULE',
    'Bus',
    'Claim',
    'EmbeddedRunner',
    'UTCFormatter',
    'configure_logging',
    'deliver_outbox',
    'expire_and_auto_close',
    'job_named',
    'last_runs',
    'recover',
    'run',
    'run_schedule',
    'send_notifications',
    'tick',
]
