"""Time the admin's dashboard figures and requests pages: the service call beside the same SQL through `sqlite3`.

For each measurement the service call runs once as a warm-up while every statement it sends to SQLite is recorded
(SQLAlchemy's `before_cursor_execute`, after parameters are bound, so the text and values are exactly what SQLite
received). The timed runs then alternate the service call (a `session_scope()` unit, as a page runs it) and a replay
of those statements through a plain `sqlite3` connection to the same file in one read transaction, fetching every
row. The difference is what the service layer adds on top of SQLite: SQLAlchemy, row objects, privacy rules.
Statements slower than --slow-ms are listed with SQLite's EXPLAIN QUERY PLAN.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from models import User
from models.db import get_engine, session_scope
from models.enums import Role
from services import Actor, clock, dashboard, identity, requests
from settings import get_settings

SKIPPED = ('BEGIN', 'COMMIT', 'ROLLBACK')


@dataclass(slots=True)
class Measurement:
    label: str
    call: Callable[[Any], Any]  # session -> result
    statements: list[tuple[str, Any]] = field(default_factory=list)
    service_ms: list[float] = field(default_factory=list)
    raw_ms: list[float] = field(default_factory=list)
    per_statement_ms: list[list[float]] = field(default_factory=list)
    note: str = ''


class Recorder:
    """Collects the statements the engine sends while `active`."""

    def __init__(self) -> None:
        self.active = False
        self.seen: list[tuple[str, Any]] = []
        event.listen(get_engine(), 'before_cursor_execute', self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if self.active and statement.strip().upper() not in SKIPPED:
            self.seen.append((statement, parameters))


def run(db_path: Path, *, runs: int, deep_page: int, slow_ms: float = 50.0, log: Callable[[str], None]) -> None:
    settings = get_settings()
    now = clock.now()
    _describe_database(db_path, log)
    with session_scope() as session:
        admin = session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id).limit(1))
        if admin is None:
            raise SystemExit('no admin in this database: seed it with this script first')
        actor = identity.actor_for(admin)
    raw = sqlite3.connect(db_path, isolation_level=None)
    raw.execute('PRAGMA busy_timeout=10000')
    service_id, pincode, service_name = _busiest(raw)
    email = raw.execute(
        'SELECT email FROM "user" WHERE id = (SELECT customer_id FROM service_request GROUP BY customer_id '
        'ORDER BY count(*) DESC LIMIT 1)'
    ).fetchone()[0]
    today = now.astimezone(settings.zone).date()
    log(
        f'\nTiming on {db_path} with {runs} runs after a warm-up (ms). Filters use the busiest service and pincode: '
        f'{service_name} (id {service_id}) in {pincode}; the customer with most requests: {email}.'
    )
    cursor = _walk(actor, deep_page, log)
    measurements = [
        Measurement('dashboard figures', lambda s: dashboard.figures(s, actor, now=now)),
        Measurement('requests: first page', lambda s: requests.list_all_requests(s, actor, sort='scheduled')),
        Measurement(
            f'requests: page {deep_page} by cursor',
            lambda s: requests.list_all_requests(s, actor, sort='scheduled', cursor=cursor),
        ),
        Measurement(
            'filter: requested + service + pincode',
            lambda s: requests.list_all_requests(
                s, actor, status='requested', service_id=service_id, pincode=pincode, sort='scheduled'
            ),
        ),
        Measurement(
            'filter: closed + service + pincode',
            lambda s: requests.list_all_requests(
                s, actor, status='closed', service_id=service_id, pincode=pincode, sort='scheduled'
            ),
        ),
        Measurement(
            'filter: booked in 30 days, by booking',
            lambda s: requests.list_all_requests(
                s, actor, date_from=today - timedelta(days=200), date_to=today - timedelta(days=171), sort='booked'
            ),
        ),
        Measurement(
            'filter: booked on one day + status',
            lambda s: requests.list_all_requests(
                s,
                actor,
                status='cancelled',
                date_from=today - timedelta(days=3),
                date_to=today - timedelta(days=3),
                sort='booked',
            ),
        ),
        Measurement(
            "filter: customer name 'sharma'",
            lambda s: requests.list_all_requests(s, actor, customer='sharma', sort='scheduled'),
        ),
        Measurement(
            'filter: one customer by email',
            lambda s: requests.list_all_requests(s, actor, customer=email, sort='scheduled'),
        ),
        Measurement(
            "filter: professional name 'iyer'",
            lambda s: requests.list_all_requests(s, actor, professional='iyer', sort='scheduled'),
        ),
    ]
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
    _slow_statements(raw, measurements, slow_ms, log)
    raw.close()


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


def _busiest(raw: sqlite3.Connection) -> tuple[int, str, str]:
    service_id, pincode = raw.execute(
        'SELECT service_id, pincode FROM service_request GROUP BY service_id, pincode ORDER BY count(*) DESC LIMIT 1'
    ).fetchone()
    name = raw.execute('SELECT name FROM service WHERE id = ?', (service_id,)).fetchone()[0]
    return service_id, pincode, name


def _note(result: Any) -> str:
    if hasattr(result, 'rows'):
        total = f'{result.total:,}+' if result.total_capped else f'{result.total:,}'
        return f'{len(result.rows)} rows of {total}'
    if hasattr(result, 'by_status'):
        return f'{sum(n for _, n in result.by_status):,} requests, {result.open_requests:,} open'
    return ''


def _table(measurements: list[Measurement], log: Callable[[str], None]) -> None:
    log('')
    header = (
        f'{"measurement":<40} {"service median":>14} {"min":>8} {"raw SQL median":>15} {"min":>8} {"SQL":>4}  result'
    )
    log(header)
    log('-' * len(header) + '-' * 24)
    for m in measurements:
        log(
            f'{m.label:<40} {statistics.median(m.service_ms):>14.1f} {min(m.service_ms):>8.1f} '
            f'{statistics.median(m.raw_ms):>15.1f} {min(m.raw_ms):>8.1f} {len(m.statements):>4}  {m.note}'
        )


def _slow_statements(raw: sqlite3.Connection, measurements: list[Measurement], slow_ms: float, log: Callable) -> None:
    slow = [
        (m, statement, parameters, statistics.median(times))
        for m in measurements
        for (statement, parameters), times in zip(m.statements, m.per_statement_ms, strict=True)
        if statistics.median(times) >= slow_ms
    ]
    log(f'\nStatements over {slow_ms:.0f} ms (raw median), with EXPLAIN QUERY PLAN: {len(slow) or "none"}')
    for m, statement, parameters, median in slow:
        log(f'\n[{m.label}] {median:.1f} ms')
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
