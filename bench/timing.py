"""Time the admin's dashboard figures, lists and searches: the service call beside the same SQL through `sqlite3`.

For each measurement the service call runs once as a warm-up while every statement it sends to SQLite is recorded
(SQLAlchemy's `before_cursor_execute`, after parameters are bound, so the text and values are exactly what SQLite
received). The timed runs then alternate the service call (a `session_scope()` unit, as a page runs it) and a replay
of those statements through a plain `sqlite3` connection to the same file in one read transaction, fetching every
row. "over raw" is the median of the paired differences (each service run minus the raw run after it): what the
service layer adds on top of SQLite (SQLAlchemy, row objects, privacy rules). Statements slower than --slow-ms, and
every statement of the name searches, are listed with SQLite's EXPLAIN QUERY PLAN. `--only TEXT` keeps the
measurements whose label contains TEXT; `--profile` runs them under cProfile instead of timing them.
"""

from __future__ import annotations

import cProfile
import pstats
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from models import User
from models.db import get_engine, session_scope
from models.enums import Role
from services import Actor, catalog, clock, dashboard, identity, people, requests
from services.core import cache
from settings import get_settings

SKIPPED = ('BEGIN', 'COMMIT', 'ROLLBACK')


@dataclass(slots=True)
class Measurement:
    label: str
    call: Callable[[Any], Any]  # session -> result
    explain: bool = False  # print the plan of every statement, however fast
    statements: list[tuple[str, Any]] = field(default_factory=list)
    service_ms: list[float] = field(default_factory=list)
    raw_ms: list[float] = field(default_factory=list)
    per_statement_ms: list[list[float]] = field(default_factory=list)
    note: str = ''


@dataclass(frozen=True, slots=True)
class Subjects:
    """Whom and what the measurements ask about, picked from the seed."""

    admin: Actor
    customer: Actor  # the customer with most requests
    email: str  # theirs
    service_id: int  # the busiest service and pincode
    pincode: str
    service_name: str
    today: date
    deep_page: int
    deep_cursor: str  # the next cursor of the page before deep_page


class Recorder:
    """Collects the statements the engine sends while `active`."""

    def __init__(self) -> None:
        self.active = False
        self.seen: list[tuple[str, Any]] = []
        event.listen(get_engine(), 'before_cursor_execute', self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if self.active and statement.strip().upper() not in SKIPPED:
            self.seen.append((statement, parameters))


def run(
    db_path: Path,
    *,
    runs: int,
    deep_page: int,
    slow_ms: float = 50.0,
    only: str = '',
    profile: bool = False,
    log: Callable[[str], None],
) -> None:
    _describe_database(db_path, log)
    raw = sqlite3.connect(db_path, isolation_level=None)
    raw.execute('PRAGMA busy_timeout=10000')
    subjects = _subjects(raw, deep_page, log)
    log(
        f'\nTiming on {db_path} with {runs} runs after a warm-up (ms). Filters use the busiest service and pincode: '
        f'{subjects.service_name} (id {subjects.service_id}) in {subjects.pincode}; the customer with most requests: '
        f'{subjects.email}.'
    )
    measurements = [m for m in _measurements(subjects) if only.lower() in m.label.lower()]
    if profile:
        for measurement in measurements:
            _profile(measurement, runs, log)
        return
    recorder = Recorder()
    for measurement in measurements:
        recorder.active, recorder.seen = True, []
        result = _service(measurement.call)
        recorder.active = False
        measurement.statements = list(recorder.seen)
        measurement.note = _note(result)
        measurement.per_statement_ms = [[] for _ in measurement.statements]
        _replay(raw, measurement)  # warm-up of the raw side
        measurement.per_statement_ms = [[] for _ in measurement.statements]
        for _ in range(runs):
            started = time.perf_counter()
            _service(measurement.call)
            measurement.service_ms.append((time.perf_counter() - started) * 1000)
            measurement.raw_ms.append(_replay(raw, measurement))
        log(f'  measured {measurement.label}')
    _table(measurements, log)
    _plans(raw, measurements, slow_ms, log)
    raw.close()


def _measurements(s: Subjects) -> list[Measurement]:
    def listed(sort: str = 'scheduled', **filters: Any) -> Callable[[Any], Any]:
        return lambda session: requests.list_all_requests(session, s.admin, sort=sort, **filters)

    def users(**filters: Any) -> Callable[[Any], Any]:
        return lambda session: people.list_users(session, s.admin, **filters)

    service, pincode, ago = s.service_id, s.pincode, lambda days: s.today - timedelta(days=days)
    return [
        Measurement('dashboard figures', lambda session: dashboard.figures(session, s.admin, now=clock.now())),
        Measurement('requests: first page', listed()),
        Measurement(f'requests: page {s.deep_page} by cursor', listed(cursor=s.deep_cursor)),
        Measurement(
            'filter: requested + service + pincode', listed(status='requested', service_id=service, pincode=pincode)
        ),
        Measurement('filter: closed + service + pincode', listed(status='closed', service_id=service, pincode=pincode)),
        Measurement('filter: booked in 30 days, by booking', listed('booked', date_from=ago(200), date_to=ago(171))),
        Measurement(
            'filter: booked on one day + status',
            listed('booked', status='cancelled', date_from=ago(3), date_to=ago(3)),
        ),
        Measurement('filter: one customer by email', listed(customer=s.email)),
        Measurement("filter: customer name 'sharma'", listed(customer='sharma'), explain=True),
        Measurement("filter: customer 'sharma' + closed", listed(customer='sharma', status='closed'), explain=True),
        Measurement("filter: professional name 'iyer'", listed(professional='iyer'), explain=True),
        Measurement("filter: customer name 'sh' (short)", listed(customer='sh'), explain=True),
        Measurement('users: first page', users()),
        Measurement("users: search 'sharma'", users(text='sharma'), explain=True),
        Measurement("users: 'sharma' + professional", users(text='sharma', role='professional'), explain=True),
        Measurement("users: search 'sh' (short)", users(text='sh'), explain=True),
        Measurement(
            "catalog: search_services 'repair'",
            lambda session: catalog.search_services(session, text='repair'),
            explain=True,
        ),
        Measurement(
            "customer: find_services 'clean', cold", lambda session: _cold_search(session, s.customer, 'clean')
        ),
    ]


def _cold_search(session: Any, customer: Actor, wanted: str) -> Any:
    """The customer's search as a page runs it, with the professionals per service read fresh (not from the cache)."""
    cache.forget_stores()
    return catalog.find_services(session, customer, text=wanted)


def _subjects(raw: sqlite3.Connection, deep_page: int, log: Callable[[str], None]) -> Subjects:
    service_id, pincode = raw.execute(
        'SELECT service_id, pincode FROM service_request GROUP BY service_id, pincode ORDER BY count(*) DESC LIMIT 1'
    ).fetchone()
    service_name = raw.execute('SELECT name FROM service WHERE id = ?', (service_id,)).fetchone()[0]
    customer_id = raw.execute(
        'SELECT customer_id FROM service_request GROUP BY customer_id ORDER BY count(*) DESC LIMIT 1'
    ).fetchone()[0]
    with session_scope() as session:
        admin = session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id).limit(1))
        if admin is None:
            raise SystemExit('no admin in this database: seed it with this script first')
        admin_actor = identity.actor_for(admin)
        customer = identity.actor_for(session.get(User, customer_id))
    return Subjects(
        admin=admin_actor,
        customer=customer,
        email=customer.email,
        service_id=service_id,
        pincode=pincode,
        service_name=service_name,
        today=clock.now().astimezone(get_settings().zone).date(),
        deep_page=deep_page,
        deep_cursor=_walk(admin_actor, deep_page, log),
    )


def _service(call: Callable[[Any], Any]) -> Any:
    with session_scope() as session:
        return call(session)


def _replay(raw: sqlite3.Connection, measurement: Measurement) -> float:
    """The recorded statements in one read transaction, fetching every row; returns the total in ms."""
    started = time.perf_counter()
    raw.execute('BEGIN')
    for index, (statement, parameters) in enumerate(measurement.statements):
        one = time.perf_counter()
        raw.execute(statement, parameters).fetchall()
        measurement.per_statement_ms[index].append((time.perf_counter() - one) * 1000)
    raw.execute('COMMIT')
    return (time.perf_counter() - started) * 1000


def _profile(measurement: Measurement, runs: int, log: Callable[[str], None]) -> None:
    """cProfile over `runs` service calls after a warm-up: the top 25 by own time, then by cumulative time."""
    _service(measurement.call)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        _service(measurement.call)
    profiler.disable()
    log(f'\ncProfile of {measurement.label}, {runs} calls')
    for order in ('tottime', 'cumulative'):
        stats = pstats.Stats(profiler)
        stats.sort_stats(order).print_stats(25)


def _walk(actor: Actor, deep_page: int, log: Callable[[str], None]) -> str:
    """The next cursor of page deep_page - 1, walking from the first page (not timed)."""
    started = time.perf_counter()
    cursor = None
    for _ in range(deep_page - 1):
        with session_scope() as session:
            page = requests.list_all_requests(session, actor, sort='scheduled', cursor=cursor)
        if page.next_cursor is None:
            raise SystemExit(f'the list ends before page {deep_page}')
        cursor = page.next_cursor
    log(f'walked to page {deep_page} by next_cursor in {time.perf_counter() - started:.1f} s (not timed)')
    return cursor


def _note(result: Any) -> str:
    if isinstance(result, list):
        return f'{len(result)} rows'
    if hasattr(result, 'matches'):
        return f'{len(result.matches)} services'
    if hasattr(result, 'rows'):
        return f'{len(result.rows)} rows of {result.total_label}'
    if hasattr(result, 'by_status'):
        return f'{sum(n for _, n in result.by_status):,} requests, {result.open_requests:,} open'
    return ''


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method='inclusive')[18] if len(values) > 1 else values[0]


def _table(measurements: list[Measurement], log: Callable[[str], None]) -> None:
    log('')
    header = (
        f'{"measurement":<40} {"ours":>7} {"p95":>7} {"min":>7} {"raw":>7} {"p95":>7} {"min":>7} '
        f'{"over raw":>8} {"SQL":>4}  result'
    )
    log(header)
    log('-' * len(header) + '-' * 24)
    for m in measurements:
        over = statistics.median(ours - raw for ours, raw in zip(m.service_ms, m.raw_ms, strict=True))
        ours, raw = (f'{statistics.median(t):>7.2f} {_p95(t):>7.2f} {min(t):>7.2f}' for t in (m.service_ms, m.raw_ms))
        log(f'{m.label:<40} {ours} {raw} {over:>8.2f} {len(m.statements):>4}  {m.note}')


def _plans(raw: sqlite3.Connection, measurements: list[Measurement], slow_ms: float, log: Callable) -> None:
    shown = [
        (m, statement, parameters, statistics.median(times))
        for m in measurements
        for (statement, parameters), times in zip(m.statements, m.per_statement_ms, strict=True)
        if m.explain or statistics.median(times) >= slow_ms
    ]
    log(f'\nStatements over {slow_ms:.0f} ms (raw median) and those of the name searches, with EXPLAIN QUERY PLAN:')
    for m, statement, parameters, median in shown:
        log(f'\n[{m.label}] {median:.2f} ms')
        log('  ' + ' '.join(statement.split()))
        log(f'  parameters: {parameters}')
        depth = {0: 0}
        for node, parent, _, detail in raw.execute(f'EXPLAIN QUERY PLAN {statement}', parameters).fetchall():
            depth[node] = depth.get(parent, 0) + 1
            log(f'  {"  " * depth[node]}{detail}')


def _describe_database(db_path: Path, log: Callable[[str], None]) -> None:
    files = [db_path, db_path.with_name(db_path.name + '-wal')]
    size = sum(f.stat().st_size for f in files if f.exists())
    connection = sqlite3.connect(f'file:{db_path}?mode=ro', uri=True)
    tables = ('user', 'professional_profile', 'service_request', 'review', 'audit_event')
    counts = {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    stats = connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()[0]
    stats = stats and connection.execute('SELECT count(*) FROM sqlite_stat1').fetchone()[0]
    connection.close()
    log(f'\nDatabase {db_path}: {size / 2**20:,.0f} MiB; planner statistics: {"yes" if stats else "NO (no ANALYZE)"}')
    log('  ' + ', '.join(f'{t} {n:,}' for t, n in counts.items()))
