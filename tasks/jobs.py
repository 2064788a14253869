"""Thin tasks: each calls the runtime's services with ids only. Retried with backoff only for a transient database
error (a lock held too long); a failing run is recorded on its job_run row and taken up again after its lease."""

from __future__ import annotations

import logging

from celery import shared_task

from services import runtime

log = logging.getLogger(__name__)
RETRY = {'autoretry_for': runtime.TRANSIENT_ERRORS, 'retry_backoff': True, 'retry_backoff_max': 60, 'max_retries': 5}


@shared_task(name='hsa.tick', acks_late=True, **RETRY)
def tick() -> list[str]:
    """Claim what the schedule has due now (the job_run row decides, so two beats claim once) and hand it out."""
    claims = runtime.tick()
    for claim in claims:
        run_scheduled.delay(claim.job, claim.period)
    return [f'{claim.job} {claim.period}' for claim in claims]


@shared_task(name='hsa.run_scheduled', acks_late=True, **RETRY)
def run_scheduled(job: str, period: str) -> str:
    """Run one claimed period of a scheduled job."""
    return runtime.run(runtime.Claim(job, period))


@shared_task(name='hsa.run_job', acks_late=True, **RETRY)
def run_job(name: str, ids: dict[str, int]) -> None:
    """Run a job a unit asked for by name (jobs.enqueue), after it committed."""
    job = runtime.JOBS.get(name)
    if job is None:
        log.error('no job called %r', name)
        return
    job(**ids)


@shared_task(name='hsa.recover', acks_late=True, **RETRY)
def recover() -> list[str]:
    """What a crash left: runs that never finished, messages leased by a dead process."""
    claims = runtime.recover()
    for claim in claims:
        run_scheduled.delay(claim.job, claim.period)
    runtime.deliver_outbox()
    return [f'{claim.job} {claim.period}' for claim in claims]
