"""The four write units of a service request (book, accept, complete, close) through the services as the pages call
them, beside their raw replay (bench/write_replay.py), in one process or racing in several. bench/writes.py points the
app at the benchmark's database before importing this, and prints what it returns."""

from __future__ import annotations

import itertools
import math
import multiprocessing
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bench import write_replay as replay
from models import AuditEvent, Notification, Review, Service, ServiceRequest, User
from models.db import get_engine, session_scope
from models.enums import RequestStatus
from models.migrate import upgrade_to_head
from services import Actor, Conflict, InvalidTransition, catalog, clock, identity, people, requests
from settings import get_settings

R = ServiceRequest
UNITS = ('book', 'accept', 'complete', 'close')
VARIANTS = ('ours', 'raw')
MINUTE, DAY = timedelta(minutes=1), timedelta(days=1)
# when each unit happens from the slot's start: booked a day ahead, accepted a minute later, done and closed once it
# started (never at a time a job's values hold, like its end)
OFFSETS = {'book': -DAY, 'accept': -DAY + MINUTE, 'complete': 5 * MINUTE, 'close': 12 * MINUTE}
SINGLE_CUSTOMERS, SINGLE_PROFESSIONALS = 4, 8  # one process books as 4 customers and accepts as 8 professionals
WARM_UP, WARM_UP_JOBS = -1, 8  # the untimed first batch of every process and variant
ADDRESS, DEFAULT_PINCODE = '14 Bench Road, Indiranagar', '560038'
RATING, REVIEW = 4, 'On time and tidy.'
PASSWORD = 'bench-writes-password'
LABEL = '%a %d %b %Y, %H:%M'  # the slot as notification messages show it
SYNC_SECONDS = 1800


@dataclass(frozen=True, slots=True)
class Person:
    actor: Actor
    phone: str | None


@dataclass(frozen=True, slots=True)
class Market:
    """Where the units happen and who acts; `steps`, each unit's raw replay, once recorded."""

    service_id: int
    service_name: str
    pincode: str
    minutes: int  # the service's time_required
    zone: str
    raw_target: str  # the SQLite file or PostgreSQL DSN the replay connects to
    customers: tuple[Person, ...]
    professionals: tuple[Person, ...]
    steps: dict[str, list[replay.Step]] = field(default_factory=dict)


@dataclass(slots=True)
class Job:
    slot: datetime
    customer: Person
    professional: Person | None = None
    request_id: int | None = None


@dataclass(frozen=True, slots=True)
class Batch:
    round: int
    variant: str
    slots: tuple[datetime, ...]  # this process's bookings
    first: datetime  # the first and last slot of the batch, every process's
    last: datetime


@dataclass(frozen=True, slots=True)
class Plan:
    process: int
    customers: tuple[Person, ...]  # book in turn
    professionals: tuple[Person, ...]  # accept in turn (in a race: one per process)
    rivals: tuple[int, ...]  # every process's customers: whose bookings the accepts go for
    batches: tuple[Batch, ...]


@dataclass(frozen=True, slots=True)
class Timing:
    """One process's run of one unit over one batch."""

    round: int
    variant: str
    unit: str
    process: int
    started: float
    ended: float
    ms: tuple[float, ...]
    went: tuple[bool, ...]  # each unit went through (False: refused, a lost race)
    waited: tuple[float, ...]  # ms of each unit spent in BEGIN: on SQLite, waiting for the write lock
    changed: tuple[tuple[int, int], ...]  # (request id, professional id or 0) of each unit that went through


@dataclass(frozen=True, slots=True)
class Recorded:
    unit: str
    statements: tuple[str, ...]  # what the service sent (first sample), transaction control left out
    kept: tuple[bool, ...]  # which of them the replay runs


# --- setting up -------------------------------------------------------------------------------------------------------


def prepare(raw_target: str, people_count: int) -> Market:
    """Migrations (a no-op on an up-to-date file), a service and pincode, fresh customers and approved professionals."""
    upgrade_to_head()
    service_id, service_name, minutes, pincode = _service_and_pincode()
    customers, professionals = _people(clock.now().strftime('%m%d%H%M%S'), people_count, service_id, pincode)
    return Market(
        service_id, service_name, pincode, minutes, get_settings().timezone, raw_target, customers, professionals
    )


def _service_and_pincode() -> tuple[int, str, int, str]:
    """The shortest active service (most slots a day) and the pincode with most of its requests."""
    query = select(Service).where(Service.is_active.is_(True)).order_by(Service.time_required, Service.id).limit(1)
    with session_scope(write=True) as session:
        service = session.scalars(query).first()
        if service is None:
            catalog.create_service(
                session, Actor.operator(), name='Plumbing', category='Repairs', base_price='499', time_required=60
            )
            service = session.scalars(query).first()
        busiest = select(R.pincode).where(R.service_id == service.id).group_by(R.pincode)
        pincode = session.scalar(busiest.order_by(func.count().desc()).limit(1))
        return service.id, service.name, service.time_required, pincode or DEFAULT_PINCODE


def _people(tag: str, count: int, service_id: int, pincode: str) -> tuple[tuple[Person, ...], tuple[Person, ...]]:
    """Customers and approved professionals of the service in the pincode, through the services (no jobs yet)."""
    ids, phones = [], []
    with session_scope(write=True) as session:
        for n in range(count):
            actor = people.sign_up_customer(
                session,
                name=f'Writes Customer {tag} {n:03d}',
                email=f'writes-{tag}-c{n:03d}@bench.example.com',
                password=PASSWORD,
                phone=None,
                address=ADDRESS,
                pincode=pincode,
            )
            ids.append(actor.id)
            phones.append(None)
        for n in range(count):
            phone = f'+9170{n:08d}'
            actor = people.sign_up_professional(
                session,
                name=f'Writes Pro {tag} {n:03d}',
                email=f'writes-{tag}-p{n:03d}@bench.example.com',
                password=PASSWORD,
                phone=phone,
                service_id=service_id,
                experience_years=5,
                description='A professional of the write benchmark.',
                pincodes=[pincode],
            )
            people.approve(session, Actor.operator(), professional_id=actor.id)
            ids.append(actor.id)
            phones.append(phone)
    with session_scope() as session:
        everyone = [
            Person(identity.actor_for(session.get(User, i)), phone) for i, phone in zip(ids, phones, strict=True)
        ]
    return tuple(everyone[:count]), tuple(everyone[count:])


class Slots:
    """Starts on the local grid that never overlap, day after day; `take` hands each out `share` times."""

    def __init__(self, first_day: date, minutes: int) -> None:
        self._starts = self._walk(first_day, minutes)

    def take(self, count: int, share: int = 1) -> list[datetime]:
        taken: list[datetime] = []
        for n in range(count):
            taken.append(next(self._starts) if n % share == 0 else taken[-1])
        return taken

    @staticmethod
    def _walk(day: date, minutes: int) -> Iterator[datetime]:
        step = math.ceil(minutes / get_settings().slot_minutes)
        while True:
            yield from requests.available_slots(day, minutes, now=requests.local_day_start(day) - DAY)[::step]
            day += DAY


# --- one unit ---------------------------------------------------------------------------------------------------------


def when(job: Job, unit: str) -> datetime:
    return job.slot + OFFSETS[unit]


def ours(unit: str, job: Job, market: Market) -> bool:
    """The unit through the service in its own write unit, as the page calls it; False when refused (a lost race)."""
    now = when(job, unit)
    try:
        with session_scope(write=True) as session:
            if unit == 'book':
                job.request_id = requests.book(
                    session,
                    job.customer.actor,
                    service_id=market.service_id,
                    scheduled_at=job.slot,
                    address=ADDRESS,
                    pincode=market.pincode,
                    remarks='',
                    requested_professional_id=None,
                    now=now,
                )
            elif unit == 'accept':
                requests.accept(
                    session,
                    job.professional.actor,
                    request_id=job.request_id,
                    seen_updated_at=when(job, 'book'),
                    now=now,
                )
            elif unit == 'complete':
                requests.complete(session, job.professional.actor, request_id=job.request_id, now=now)
            else:
                requests.close(
                    session, job.customer.actor, request_id=job.request_id, rating=RATING, remarks=REVIEW, now=now
                )
    except (InvalidTransition, Conflict):
        return False
    return True


def raw(unit: str, job: Job, market: Market, connection: replay.Raw) -> tuple[bool, float]:
    """The unit's replay for this job (its values prepared before the clock starts): whether it went through, and
    the seconds it took."""
    values = replay.role_forms(roles(job, unit, market))
    started = time.perf_counter()
    went = connection.unit(market.steps[unit], values)
    elapsed = time.perf_counter() - started
    if unit == 'book':
        job.request_id = values['request_id'][0]
    return went, elapsed


def roles(job: Job, unit: str, market: Market) -> dict[str, Any]:
    """The values of a job that the statements of a unit may carry (see bench/write_replay.py)."""
    pro = job.professional
    return {
        'request_id': job.request_id,
        'customer_id': job.customer.actor.id,
        'customer_name': job.customer.actor.name,
        'customer_email': job.customer.actor.email,
        'professional_id': pro and pro.actor.id,
        'professional_name': pro and pro.actor.name,
        'professional_email': pro and pro.actor.email,
        'professional_phone': pro and pro.phone,
        'now': when(job, unit),
        'booked_at': None if unit == 'book' else when(job, 'book'),  # the same as now when booking
        'scheduled_at': job.slot,
        'ends_at': job.slot + timedelta(minutes=market.minutes),
        'slot_label': job.slot.astimezone(ZoneInfo(market.zone)).strftime(LABEL),
    }


# --- recording the replay ---------------------------------------------------------------------------------------------


def record(market: Market, slots: Slots) -> tuple[Market, list[Recorded], tuple[Any, Any]]:
    """Two sample jobs through the four units through the services, recorded; each unit's replay built from them and
    tried on a third job. Returns the market with its steps, what the first sample sent, and the rows the first sample
    and the replayed job wrote (which must be alike)."""
    # other people for each sample, at other offsets: no two values of a job may be equal in both samples (a fresh
    # file numbers customers and requests alike from 1)
    picks = zip((0, 3, 1), slots.take(3), strict=True)
    a, b, c = (Job(slot, market.customers[n], market.professionals[2 * n]) for n, slot in picks)
    recorder = replay.Recorder(get_engine())
    recordings: list[dict[str, list[replay.Statement]]] = [{}, {}]
    try:
        for job, recording in zip((a, b), recordings, strict=True):
            for unit in UNITS:
                recorder.take()
                if not ours(unit, job, market):
                    raise SystemExit(f'the sample {unit} was refused')
                recording[unit] = recorder.take()
    finally:
        recorder.close()
    steps = {
        unit: replay.build(recordings[0][unit], recordings[1][unit], roles(a, unit, market), roles(b, unit, market))
        for unit in UNITS
    }
    market = replace(market, steps=steps)
    connection = replay.Raw(market.raw_target)
    try:
        for unit in UNITS:
            if not raw(unit, c, market, connection)[0]:
                raise SystemExit(f'the replayed sample {unit} changed nothing')
    finally:
        connection.close()
    recorded = [
        Recorded(unit, tuple(s for s, _ in recordings[0][unit]), tuple(replay.kept(s) for s, _ in recordings[0][unit]))
        for unit in UNITS
    ]
    return market, recorded, (written(a.request_id), written(c.request_id))


def written(request_id: int) -> tuple[Any, ...]:
    """What a request's four units left: its status, its audit actions, its notifications' kinds, its reviews."""
    with session_scope() as session:
        status = session.scalar(select(R.service_status).where(R.id == request_id))
        mine = (AuditEvent.target_type == 'service_request', AuditEvent.target_id == request_id)
        actions = session.scalars(select(AuditEvent.action).where(*mine).order_by(AuditEvent.id)).all()
        kinds = session.scalars(
            select(Notification.kind).where(Notification.request_id == request_id).order_by(Notification.id)
        ).all()
        reviews = session.scalar(select(func.count()).select_from(Review).where(Review.request_id == request_id))
    return str(status), tuple(actions), tuple(kinds), reviews


# --- a mode: one process, or several racing ---------------------------------------------------------------------------


def plans(market: Market, slots: Slots, *, processes: int, units: int, rounds: int) -> list[Plan]:
    """Each process's batches: a warm-up, then `rounds` rounds of ours and raw (their order alternating), each with
    units / (processes x rounds) bookings per process. One process books for 4 customers and has 8 professionals
    accept in turn, 8 jobs a slot; racing processes book as one customer each, every request in a slot of its own,
    and all of them try to accept every request of the batch."""
    racing = processes > 1
    customers = market.customers[:processes] if racing else market.customers[:SINGLE_CUSTOMERS]
    pros = market.professionals[:processes] if racing else market.professionals[:SINGLE_PROFESSIONALS]
    share = 1 if racing else len(pros)
    per = max(1, units // (processes * rounds))
    order = [(WARM_UP, variant, WARM_UP_JOBS) for variant in VARIANTS]
    order += [(n, v, per) for n in range(rounds) for v in (VARIANTS if n % 2 == 0 else VARIANTS[::-1])]
    batches: list[list[Batch]] = [[] for _ in range(processes)]
    for number, variant, count in order:
        taken = [slots.take(count, share) for _ in range(processes)]
        first, last = min(t[0] for t in taken), max(t[-1] for t in taken)
        for process in range(processes):
            batches[process].append(Batch(number, variant, tuple(taken[process]), first, last))
    rivals = tuple(c.actor.id for c in customers)
    return [
        Plan(
            p,
            (customers[p],) if racing else customers,
            (pros[p],) if racing else pros,
            rivals,
            tuple(batches[p]),
        )
        for p in range(processes)
    ]


def run(market: Market, mode: list[Plan]) -> list[Timing]:
    """The plans in this process (one) or in as many spawned processes, released together at every unit."""
    if len(mode) == 1:
        timings: list[Timing] = []
        work(market, mode[0], lambda: None, timings.append)
        return timings
    context = multiprocessing.get_context('spawn')
    barrier, queue = context.Barrier(len(mode)), context.Queue()
    children = [context.Process(target=_child, args=(market, plan, barrier, queue)) for plan in mode]
    for child in children:
        child.start()
    expected = sum(len(plan.batches) for plan in mode) * len(UNITS)
    timings = []
    try:
        while len(timings) < expected:
            item = queue.get(timeout=SYNC_SECONDS)
            if isinstance(item, str):
                raise SystemExit(item)
            timings.append(item)
    finally:
        for child in children:
            child.join(timeout=30)
            if child.is_alive():
                child.terminate()
    return timings


def _child(market: Market, plan: Plan, barrier: Any, queue: Any) -> None:
    try:
        work(market, plan, lambda: barrier.wait(SYNC_SECONDS), queue.put)
    except BaseException:
        barrier.abort()
        queue.put(f'process {plan.process} failed:\n{traceback.format_exc()}')


def work(market: Market, plan: Plan, sync: Callable[[], Any], report: Callable[[Timing], Any]) -> None:
    """Every batch of the plan, unit after unit; `sync` waits for the other processes before and after choosing the
    jobs (untimed), so each unit starts together everywhere and finds the previous one done."""
    connection = replay.Raw(market.raw_target)
    with session_scope() as session:
        session.execute(select(1))  # the pool's connection, opened before anything is timed
    everyone = {p.actor.id: p for p in market.customers + market.professionals}
    begins = replay.BeginClock(get_engine())
    try:
        for batch in plan.batches:
            booked = [Job(slot, plan.customers[n % len(plan.customers)]) for n, slot in enumerate(batch.slots)]
            accepted: list[Job] = []
            for unit in UNITS:
                sync()
                jobs = _jobs(unit, batch, booked, accepted, plan, everyone)
                sync()
                timing = _time(unit, jobs, batch, plan.process, market, connection, begins)
                report(timing)
                if unit == 'accept':
                    mine = {request_id for request_id, _ in timing.changed}
                    accepted = [job for job in jobs if job.request_id in mine]
    finally:
        begins.close()
        connection.close()


def _jobs(
    unit: str, batch: Batch, booked: list[Job], accepted: list[Job], plan: Plan, everyone: dict[int, Person]
) -> list[Job]:
    """Book: this process's slots; accept: every booking of the batch, whoever made it; complete: what this process
    won; close: its customers' completed requests."""
    if unit == 'book':
        return booked
    if unit == 'complete':
        return accepted
    if unit == 'accept':
        status, whose = RequestStatus.REQUESTED, plan.rivals
    else:
        status, whose = RequestStatus.COMPLETED, tuple(c.actor.id for c in plan.customers)
    query = (
        select(R.id, R.scheduled_at, R.customer_id, R.professional_id)
        .where(R.customer_id.in_(whose), R.service_status == status, R.scheduled_at.between(batch.first, batch.last))
        .order_by(R.scheduled_at, R.id)
    )
    with session_scope() as session:
        rows = session.execute(query).all()
    if unit == 'accept':  # one process: the 8 bookings of a slot go to 8 different professionals
        pros = plan.professionals
        return [Job(r.scheduled_at, everyone[r.customer_id], pros[n % len(pros)], r.id) for n, r in enumerate(rows)]
    return [Job(r.scheduled_at, everyone[r.customer_id], everyone[r.professional_id], r.id) for r in rows]


def _time(
    unit: str,
    jobs: list[Job],
    batch: Batch,
    process: int,
    market: Market,
    connection: replay.Raw,
    begins: replay.BeginClock,
) -> Timing:
    ms, outcomes, waited, changed = [], [], [], []
    started = time.perf_counter()
    for job in jobs:
        if batch.variant == 'ours':
            begins.take()
            one = time.perf_counter()
            went = ours(unit, job, market)
            elapsed = time.perf_counter() - one
            waited.append(begins.take() * 1000)
        else:
            went, elapsed = raw(unit, job, market, connection)
            waited.append(connection.waited * 1000)
        ms.append(elapsed * 1000)
        outcomes.append(went)
        if went:
            changed.append((job.request_id, job.professional.actor.id if job.professional else 0))
    ended = time.perf_counter()
    return Timing(
        batch.round,
        batch.variant,
        unit,
        process,
        started,
        ended,
        tuple(ms),
        tuple(outcomes),
        tuple(waited),
        tuple(changed),
    )


# --- what came out ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figures:
    count: int
    per_second: float | None
    p50: float
    p95: float
    p99: float
    max: float
    refused: int


def figures(timings: list[Timing], variant: str, unit: str, went: bool | None = None) -> Figures | None:
    """Units per second (all processes together: the units over each round's span, from the first start to the last
    end) and the latency of one unit across processes, in ms; the warm-up left out. `went`: only the units that went
    through (True) or were refused (False), without a rate."""
    chosen = [t for t in timings if t.round != WARM_UP and t.variant == variant and t.unit == unit]
    pairs = [pair for t in chosen for pair in zip(t.ms, t.went, strict=True)]
    ms = sorted(m for m, ok in pairs if went is None or ok is went)
    if not ms:
        return None
    refused = sum(not ok for _, ok in pairs)
    if went is not None:
        return Figures(len(ms), None, _rank(ms, 0.50), _rank(ms, 0.95), _rank(ms, 0.99), ms[-1], refused)
    spans = 0.0
    for _, same_round in itertools.groupby(sorted(chosen, key=lambda t: t.round), key=lambda t: t.round):
        group = list(same_round)
        spans += max(t.ended for t in group) - min(t.started for t in group)
    return Figures(
        len(ms),
        len(ms) / spans if spans else 0.0,
        _rank(ms, 0.50),
        _rank(ms, 0.95),
        _rank(ms, 0.99),
        ms[-1],
        refused,
    )


def waits(timings: list[Timing], variant: str, unit: str) -> tuple[float, float, float]:
    """p50, p99 and max of the time a unit spent in BEGIN (ms), the warm-up left out."""
    chosen = [t for t in timings if t.round != WARM_UP and t.variant == variant and t.unit == unit]
    ms = sorted(itertools.chain.from_iterable(t.waited for t in chosen))
    return _rank(ms, 0.50), _rank(ms, 0.99), ms[-1]


def _rank(ordered: list[float], q: float) -> float:
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def check_winners(timings: list[Timing], variant: str) -> str:
    """Every request booked exactly once accepted: by the accept units' reports, by the professional on the row and by
    its one 'request.accept' audit row."""
    booked = {i for t in timings if t.variant == variant and t.unit == 'book' for i, _ in t.changed}
    wins = [pair for t in timings if t.variant == variant and t.unit == 'accept' for pair in t.changed]
    tries = sum(len(t.ms) for t in timings if t.variant == variant and t.unit == 'accept')
    counts = Counter(i for i, _ in wins)
    winner = dict(wins)
    audit = (AuditEvent.target_type == 'service_request', AuditEvent.action == 'request.accept')
    with session_scope() as session:
        holders = dict(session.execute(select(R.id, R.professional_id).where(R.id.in_(booked))).all())
        rows = Counter(session.scalars(select(AuditEvent.target_id).where(*audit, AuditEvent.target_id.in_(booked))))
    bad = [i for i in booked if counts[i] != 1 or holders.get(i) != winner.get(i) or rows[i] != 1] + [
        i for i in counts if i not in booked
    ]
    verdict = 'PASS' if not bad else f'FAIL ({len(bad)} requests, e.g. {sorted(bad)[:5]})'
    return f'{len(booked):,} requests, {tries:,} accepts tried, {len(wins):,} won: {verdict}'
