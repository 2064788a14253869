"""The Celery app, configured from settings: Redis as broker, JSON only, no results kept, time limits, one task
at a time per worker process, and tasks that are re-delivered (not lost) when a worker dies under them."""

from __future__ import annotations

from celery import Celery
from celery.signals import beat_init, setup_logging, worker_init, worker_ready

from models.db import get_engine, set_publisher
from services import keep_private, runtime
from settings import SettingsError, get_settings
from tasks.cache_store import RedisStore
from tasks.relay import RedisRelay

SOFT_LIMIT_SECONDS = 300  # a job past this gets SoftTimeLimitExceeded and can still record how far it came
HARD_LIMIT_SECONDS = 360


def make_app() -> Celery:
    settings = get_settings()
    celery = Celery('hsa', broker=settings.redis_url or None, include=['tasks.jobs'])
    celery.conf.update(
        task_serializer='json',
        accept_content=['json'],
        result_serializer='json',
        task_ignore_result=True,
        task_soft_time_limit=SOFT_LIMIT_SECONDS,
        task_time_limit=HARD_LIMIT_SECONDS,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        timezone='UTC',
        beat_schedule={'tick': {'task': 'hsa.tick', 'schedule': float(settings.tick_seconds)}},
        beat_schedule_filename=str(settings.data_path / 'celerybeat-schedule'),
    )
    return celery


app = make_app()


def submit(request: runtime.JobRequest) -> None:
    """The job runner a process registers on its bus with Redis: requested jobs go to the workers after commit
    (through the Redis of the settings now: a test, or a reconfigured site, may point elsewhere than at import)."""
    with app.connection_for_write(broker_url()) as connection:
        app.send_task('hsa.run_job', args=[request.name, request.ids], connection=connection)


def broker_url() -> str:
    url = get_settings().redis_url
    if not url:
        raise SettingsError('redis_url is empty: Celery needs Redis (set HSA_REDIS_URL, e.g. redis://127.0.0.1:6379/0)')
    return url


@setup_logging.connect
def _log_like_the_app(**_: object) -> None:
    keep_private(get_settings().data_path)  # the first signal a worker or beat sends: before either writes a file
    runtime.configure_logging()


@worker_init.connect
def _publish_after_commit(**_: object) -> None:
    """Units a task runs may ask for jobs (the outbox's delivery): hand those to the workers too; their events (an
    export's progress) go over Redis to every app process's pages."""
    relay = RedisRelay(broker_url())  # refuse to start without Redis, saying why
    set_publisher(runtime.Bus(run_job=submit, relay=relay.publish).deliver)
    runtime.use_redis_store(RedisStore)  # what a task changes makes the shared cache stale
    get_engine()  # the worker holds the database from now on: `manage.py restore` waits for it to stop


@beat_init.connect
def _beat_needs_redis(**_: object) -> None:
    broker_url()


@worker_ready.connect
def _recover(**_: object) -> None:
    """Finish what a crash left: a task in a pool process takes up unfinished runs and leased messages."""
    app.send_task('hsa.recover')
