"""Writing the generated rows into SQLite fast: bulk pragmas, executemany batches, indexes built after loading."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench import bookings
from bench.audit_trail import AuditWriter
from bench.marketplace import Marketplace, Person
from bench.seed_data import SERVICES
from bench.time_grid import stamp
from models.enums import Role

CHUNK = 50_000  # rows per executemany batch


@dataclass(slots=True)
class Counts:
    rows: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)


def bulk_pragmas(connection: sqlite3.Connection) -> None:
    """Only while seeding: no journal and no fsync (a crash means seeding again), a big page cache, sorts in memory.
    With WAL every page of a gigabyte-sized load would be written twice (to the WAL, then checkpointed), which made
    seeding about a minute slower; the file is switched back to WAL at the end and the app's own connections use
    synchronous=FULL (models/db.py)."""
    connection.execute('PRAGMA journal_mode=OFF')  # no rollback journal, no WAL: every page is written once
    connection.execute('PRAGMA synchronous=OFF')
    connection.execute('PRAGMA cache_size=-400000')  # KiB: 400 MB
    connection.execute('PRAGMA temp_store=MEMORY')
    connection.execute('PRAGMA foreign_keys=OFF')  # checked once at the end with PRAGMA foreign_key_check


def write_people(
    connection: sqlite3.Connection, everyone: list[Person], password_hash: str, market: Marketplace, counts: Counts
) -> None:
    """Users, their profiles and pincodes; their audit rows wait in a temp table to be copied in time order."""
    professionals = [p for p in everyone if p.role is not Role.CUSTOMER]
    user_rows = [_user_row(p, password_hash) for p in everyone]
    customer_rows = [(p.id, p.address, p.pincode) for p in everyone if p.role is Role.CUSTOMER]
    professional_rows = [_professional_row(p, market) for p in professionals]
    pincode_rows = [(p.id, code) for p in professionals for code in p.pincodes]
    writer = AuditWriter(market.admin_id, market.admin_label)
    audit_rows = [row for p in everyone for row in writer.person_rows(p)]
    connection.execute('BEGIN')
    connection.executemany(f'INSERT INTO "user" {_columns(12)}', user_rows)
    connection.executemany('INSERT INTO customer_profile VALUES (?, ?, ?)', customer_rows)
    connection.executemany(
        'INSERT INTO professional_profile (user_id, service_id, experience_years, description, approval_state, '
        'approval_reason, approval_decided_at, submitted_at, rating_count, rating_sum) '
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0)',
        professional_rows,
    )
    connection.executemany('INSERT INTO professional_pincode VALUES (?, ?)', pincode_rows)
    connection.execute(_AUDIT_TEMP)
    connection.executemany(f'INSERT INTO bench_audit VALUES {_values(8)}', audit_rows)
    connection.execute('COMMIT')
    counts.rows.update(
        {
            'user (seeded)': len(user_rows),
            'customer_profile': len(customer_rows),
            'professional_profile': len(professional_rows),
            'professional_pincode': len(pincode_rows),
        }
    )


def _user_row(p: Person, password_hash: str) -> tuple:
    created = stamp(p.created)
    return (
        p.id,
        p.role.value,
        p.name,
        p.email,
        f'+91{9_000_000_000 + p.id}',
        password_hash,
        p.blocked is not None,
        p.blocked_reason,
        stamp(p.blocked) if p.blocked else None,
        p.prefers_dark,
        created,
        created,
    )


def _professional_row(p: Person, market: Marketplace) -> tuple:
    return (
        p.id,
        market.services[p.service][0],
        p.experience,
        f'{p.experience} years of {SERVICES[p.service][0].lower()} work. Own tools.',
        p.state.value,
        p.reason,
        stamp(p.decided) if p.decided else None,
        None,  # submitted_at: as signed up
    )


def write_requests(
    connection: sqlite3.Connection,
    market: Marketplace,
    count: int,
    audit: str,
    counts: Counts,
    log: Callable[[str], None],
) -> None:
    """Requests, reviews and dismissals in chunks, with the secondary indexes dropped while loading and built
    afterwards (one sort per index instead of a million random inserts); the audit trail goes through a temp table
    so that it can be copied in time order."""
    indexes = _indexes(connection, 'service_request', 'review', 'request_dismissal', 'audit_event')
    for sql in indexes:
        connection.execute(f'DROP INDEX {sql.split()[2]}')
    written = _load_requests(connection, market, count, audit, counts, log)
    _copy_audit_trail(connection, log)
    started = time.perf_counter()
    connection.execute('BEGIN')
    for sql in indexes:
        connection.execute(sql)
    connection.execute('COMMIT')
    log(f'  {len(indexes)} indexes built again ({time.perf_counter() - started:.0f} s)')
    counts.rows.update(written)
    counts.rows['audit_event'] = connection.execute('SELECT count(*) FROM audit_event').fetchone()[0]


def write_ratings(connection: sqlite3.Connection, market: Marketplace) -> None:
    """Each professional's rating_count / rating_sum, as the reviews written add up."""
    connection.execute('BEGIN')
    connection.executemany(
        'UPDATE professional_profile SET rating_count = ?, rating_sum = ? WHERE user_id = ?',
        [(p.rating_count, p.rating_sum, p.id) for p in market.professionals if p.rating_count],
    )
    connection.execute('COMMIT')


_AUDIT_TEMP = (
    'CREATE TEMP TABLE bench_audit (occurred_at TEXT, actor_id INTEGER, actor_label TEXT, action TEXT, '
    'target_type TEXT, target_id INTEGER, reason TEXT, details TEXT)'
)
_USER_COLUMNS = (
    'id, role, name, email, phone, password_hash, is_blocked, blocked_reason, blocked_at, prefers_dark, '
    'created_at, password_changed_at'
)


def _columns(count: int) -> str:
    return f'({_USER_COLUMNS}) VALUES {_values(count)}'


def _values(count: int) -> str:
    return f'({", ".join("?" * count)})'


def _indexes(connection: sqlite3.Connection, *tables: str) -> list[str]:
    marks = ', '.join('?' * len(tables))
    query = f"SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})"
    return [sql for (sql,) in connection.execute(query, tables)]


REQUEST_COLUMNS = (
    'id, service_id, customer_id, professional_id, requested_professional_id, service_status, date_of_request, '
    'scheduled_at, ends_at, time_required, price, address, pincode, remarks, assigned_at, date_of_completion, '
    'closed_at, cancelled_at, cancel_reason, updated_at'
)
REQUEST_SQL = f'INSERT INTO service_request ({REQUEST_COLUMNS}) VALUES {_values(20)}'
REVIEW_SQL = 'INSERT INTO review (request_id, customer_id, professional_id, rating, remarks, created_at) VALUES {}'
DISMISSAL_SQL = 'INSERT INTO request_dismissal (request_id, professional_id, dismissed_at) VALUES (?, ?, ?)'
AUDIT_COLUMNS = 'occurred_at, actor_id, actor_label, action, target_type, target_id, reason, details'


class _Batch:
    """Rows waiting for one executemany per table."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.requests: list[tuple] = []
        self.reviews: list[tuple] = []
        self.dismissals: list[tuple] = []
        self.audits: list[tuple] = []
        self.written = {'service_request': 0, 'review': 0, 'request_dismissal': 0}

    def flush(self) -> None:
        self.connection.executemany(REQUEST_SQL, self.requests)
        self.connection.executemany(REVIEW_SQL.format(_values(6)), self.reviews)
        self.connection.executemany(DISMISSAL_SQL, self.dismissals)
        self.connection.executemany(f'INSERT INTO bench_audit VALUES {_values(8)}', self.audits)
        self.written['service_request'] += len(self.requests)
        self.written['review'] += len(self.reviews)
        self.written['request_dismissal'] += len(self.dismissals)
        self.requests, self.reviews, self.dismissals, self.audits = [], [], [], []


def _load_requests(
    connection: sqlite3.Connection,
    market: Marketplace,
    count: int,
    audit: str,
    counts: Counts,
    log: Callable[[str], None],
) -> dict[str, int]:
    """Generate and write in one transaction, a chunk at a time; returns the rows written per table."""
    writer = AuditWriter(market.admin_id, market.admin_label)
    batch = _Batch(connection)
    started = time.perf_counter()
    connection.execute('BEGIN')
    for row, review, events, dismissal in bookings.generate(market, count):
        batch.requests.append(row)
        counts.statuses[row[5]] = counts.statuses.get(row[5], 0) + 1
        if review is not None:
            batch.reviews.append(review)
        if dismissal is not None:
            batch.dismissals.append(dismissal)
        if audit != 'none':
            batch.audits.extend(writer.rows(row[0], events if audit == 'all' else events[:1]))
        if len(batch.requests) >= CHUNK:
            batch.flush()
            if batch.written['service_request'] % (CHUNK * 4) == 0:
                log(f'  {batch.written["service_request"]:,} requests ({time.perf_counter() - started:.0f} s)')
    batch.flush()
    connection.execute('COMMIT')
    log(
        f'  {batch.written["service_request"]:,} requests generated and written ({time.perf_counter() - started:.0f} s)'
    )
    return batch.written


def _copy_audit_trail(connection: sqlite3.Connection, log: Callable[[str], None]) -> None:
    """From the temp table into audit_event in time order, so that ids grow with occurred_at as in production."""
    started = time.perf_counter()
    connection.execute('BEGIN')
    connection.execute(
        f'INSERT INTO audit_event ({AUDIT_COLUMNS}) SELECT {AUDIT_COLUMNS} FROM bench_audit ORDER BY occurred_at'
    )
    connection.execute('DROP TABLE bench_audit')
    connection.execute('COMMIT')
    log(f'  audit trail copied in time order ({time.perf_counter() - started:.0f} s)')
