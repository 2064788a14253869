"""Checklist A6, D3, D4: processes race to accept the same requests; exactly one wins each, nothing is locked out."""

from __future__ import annotations

import multiprocessing
import os
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from models import AuditEvent, ServiceRequest
from models.enums import RequestStatus
from services import Actor, requests, session_scope
from settings import get_settings
from tests.factories import book_request, make_approved_professional, make_customer, make_service
from tests.services.request_support import NOW
from tests.services.requests import race_worker

RACERS, REQUESTS = 8, 50
# Never beside a cluster of ten processes on the other test worker: on two cores, eight writers starved of CPU can
# wait out SQLite's 10 s busy timeout, which is what this test must not see for the right reasons.
pytestmark = pytest.mark.xdist_group('many-processes')


def child_env() -> dict[str, str]:
    """The parent's HSA_* environment with the database URL and data dir spelled out."""
    settings = get_settings()
    env = {key: value for key, value in os.environ.items() if key.startswith('HSA_')}
    return env | {'HSA_DATABASE_URL': settings.effective_database_url, 'HSA_DATA_DIR': str(settings.data_path)}


def race(assignments: list[tuple[Actor, list[int]]]) -> list[dict[str, Any]]:
    """Start one spawned process per (professional, request ids), released together by a barrier."""
    context = multiprocessing.get_context('spawn')
    barrier, results = context.Barrier(len(assignments)), context.Queue()
    processes = [
        context.Process(
            target=race_worker.accept_each,
            args=(child_env(), {'id': a.id, 'name': a.name, 'email': a.email}, ids, NOW.isoformat(), barrier, results),
        )
        for a, ids in assignments
    ]
    for process in processes:
        process.start()
    reports = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    return reports


def slots_for(count: int) -> list[Any]:
    """`count` different one-hour starts, days ahead of NOW, none overlapping another."""
    zone = get_settings().zone
    found, day = [], NOW.astimezone(zone).date()
    while len(found) < count:
        day += timedelta(days=1)
        found += requests.available_slots(day, 60, now=NOW)
    return found[:count]


def test_eight_processes_accepting_fifty_requests_give_exactly_one_winner_each(backend: str) -> None:
    service, customer = make_service(), make_customer()
    racers = [make_approved_professional(service_id=service.id) for _ in range(RACERS)]
    request_ids = [book_request(customer, service.id, now=NOW, at=at) for at in slots_for(REQUESTS)]

    reports = race([(racer, request_ids) for racer in racers])

    winners = {request_id: report['professional_id'] for report in reports for request_id in report['won']}
    wins = sum(len(report['won']) for report in reports)
    assert (wins, sorted(winners)) == (REQUESTS, sorted(request_ids))
    assert [error for report in reports for error in report['errors']] == []  # no "database is locked"
    assert all(refusal == 'InvalidTransition' for report in reports for refusal in report['refused'])
    with session_scope() as session:
        stored = dict(session.execute(select(ServiceRequest.id, ServiceRequest.professional_id)).all())
        statuses = set(session.scalars(select(ServiceRequest.service_status)))
        audits = session.scalar(select(func.count()).where(AuditEvent.action == 'request.accept'))
    assert (stored, statuses, audits) == (winners, {RequestStatus.ASSIGNED}, REQUESTS)
    wall = max(r['finished'] for r in reports) - min(r['started'] for r in reports)
    print(
        f'\n[{backend}] {RACERS} processes x {REQUESTS} requests: {wall:.2f} s wall, '
        f'{REQUESTS / wall:.0f} accepts/s, {RACERS * REQUESTS / wall:.0f} attempts/s'
    )


def test_one_professional_in_eight_processes_wins_only_one_of_eight_overlapping_requests(backend: str) -> None:
    service = make_service()
    professional = make_approved_professional(service_id=service.id)
    at = slots_for(1)[0]
    request_ids = [book_request(make_customer(), service.id, now=NOW, at=at) for _ in range(RACERS)]  # neighbours

    reports = race([(professional, [request_id]) for request_id in request_ids])

    assert sum(len(report['won']) for report in reports) == 1
    assert sorted(refusal for report in reports for refusal in report['refused']) == ['Conflict'] * (RACERS - 1)
    assert [error for report in reports for error in report['errors']] == []
    with session_scope() as session:
        assigned = session.scalar(select(func.count()).where(ServiceRequest.service_status == RequestStatus.ASSIGNED))
    assert (backend, assigned) == (backend, 1)
