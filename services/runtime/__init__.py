"""What the composition roots (app.py, manage.py, the Celery app in tasks/) wire in: the bus that delivers committed
events and job requests, the schedule and its tick, the units it runs, the embedded job runner and the log format."""

from services.core.cache import use_redis_store
from services.core.events import DomainEvent, JobRequest
from services.runtime.bus import ANY, Bus
from services.runtime.duties import (
    COMMANDS,
    JOBS,
    SCHEDULE,
    deliver_outbox,
    expire_and_auto_close,
    run_now,
    send_notifications,
)
from services.runtime.health import duties_health
from services.runtime.logs import UTCFormatter
from services.runtime.logs import configure as configure_logging
from services.runtime.rows import DutiesHealth, JobRunRow
from services.runtime.runner import EmbeddedRunner
from services.runtime.startup import StartUp, StartUpStep
from services.runtime.ticks import (
    FIRST_RUN_SKIPPED,
    TRANSIENT_ERRORS,
    Claim,
    job_named,
    last_runs,
    recover,
    run,
    run_schedule,
    tick,
)

__all__ = [
    'ANY',
    'COMMANDS',
    'FIRST_RUN_SKIPPED',
    'JOBS',
    'SCHEDULE',
    'TRANSIENT_ERRORS',
    'Bus',
    'Claim',
    'DomainEvent',
    'DutiesHealth',
    'EmbeddedRunner',
    'JobRequest',
    'JobRunRow',
    'StartUp',
    'StartUpStep',
    'UTCFormatter',
    'configure_logging',
    'deliver_outbox',
    'duties_health',
    'expire_and_auto_close',
    'job_named',
    'last_runs',
    'recover',
    'run',
    'run_now',
    'run_schedule',
    'send_notifications',
    'tick',
    'use_redis_store',
]
