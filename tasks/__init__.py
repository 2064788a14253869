"""The Celery side of the jobs runtime (only with `redis_url` set): the app, its beat schedule (one tick a minute)
and thin tasks that call the services. Run a worker with `celery -A tasks worker -B` (`make worker`); the database
is the record and Celery only the transport, so any number of workers and schedulers can run at once."""

from tasks.celery_app import app, submit

__all__ = ['app', 'submit']
