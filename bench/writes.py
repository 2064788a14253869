"""Benchmark of the write units of a service request against raw SQL (issue 17; a script, not a test).

    .venv/bin/python bench/writes.py                                 # copy of the 1M seed; 1, 2 and 4 processes
    .venv/bin/python bench/writes.py --processes 1,4 --units 2000 --rounds 5
    .venv/bin/python bench/writes.py --small                         # a fresh small SQLite file, by the migrations
    .venv/bin/python bench/writes.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/hsa_writes

The four units of a request, each in its own `session_scope(write=True)` as the pages call them: `requests.book` (the
customer, an open request at their address), `requests.accept` (a professional, with the `updated_at` they were
shown), `requests.complete` (the professional, once the slot started) and `requests.close` (the customer, with a
rating and remarks). Times are pretended with the services' `now=`: booked a day before the slot, accepted a minute
later, completed 5 minutes into it, closed 12 minutes in. The customers and the approved professionals (the shortest
active service, in the pincode with most of its requests) are signed up fresh through the services on every run.

Beside each, the raw replay: the statements the service sent for the unit, recorded from SQLAlchemy for two sample
jobs, keeping only those that write or decide (the conditional UPDATE ... RETURNING, the INSERTs, the rating's
UPDATE; on PostgreSQL also the SELECT ... FOR UPDATE / FOR SHARE locks), with the same WHERE and the same rows
written, run for fresh jobs through the driver itself: `sqlite3` on the same file with the app's PRAGMAs (WAL,
synchronous=FULL, foreign_keys=ON, busy timeout) and BEGIN IMMEDIATE ... COMMIT per unit, or psycopg with BEGIN ...
COMMIT (bench/write_replay.py: a parameter is a job value only where it is one in both samples, and the replay must
reproduce the second sample exactly). A third sample job goes through the replay, and the rows it leaves (status,
audit actions, notifications, review) must be those the service left. The statements the replay did not need are
listed: that count is the point of the issue.

Modes (--processes): 1 runs --units requests per variant through the four units in --rounds rounds, ours and raw
interleaved (their order alternating), as 4 customers and 8 professionals (8 jobs a slot); N > 1 spawns N processes,
released together by a barrier at every unit: each books its own requests as its own customer, then all of them try
to accept every request of the batch (each must end with exactly one winner: checked by the reports, the row and the
audit trail), each completes what it won and closes its customer's. Each mode starts with an untimed warm-up batch.
Printed per unit: units per second (all processes; accepts count the lost tries too), latency of one unit p50, p95,
p99 and max in ms, for ours and raw, ours - raw at p50 and ours / raw; in a race, the accepts that won and those that
lost apart. Then the part of each unit spent beginning its transaction: on SQLite the wait for the write lock (ours:
the engine's 'begin' listeners, timed by wrapping them; raw: BEGIN IMMEDIATE under SQLite's own busy handler, whose
sleeps grow to 100 ms; not shown on PostgreSQL, where a transaction begins with its first statement). Target: p99
of the slowest unit at most 100 ms on SQLite with 4 writers.

The database: by default a copy of the seed (bench/admin_pages.py seed: var/bench/hsa.db) at var/bench/writes.db,
made once (--recopy makes it again; every run adds its rows to it), so the seed stays untouched. --small builds
var/bench/writes-small.db afresh by the migrations. --database-url runs on PostgreSQL (the database is created if
missing, then migrated).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_P99_MS = 100.0


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    processes = [int(n) for n in args.processes.split(',') if n.strip()]
    if not processes or min(processes) < 1 or args.units < 1 or args.rounds < 1:
        sys.exit('--processes takes counts from 1 (like 1,2,4); --units and --rounds at least 1')
    sys.stdout.reconfigure(line_buffering=True)
    raw_target, where = _database(args)
    os.environ['HSA_BCRYPT_ROUNDS'] = '4'  # the bench's people sign up through the services; their hashes are not timed
    sys.path.insert(0, str(ROOT))

    from bench import write_units  # noqa: PLC0415 (only once the environment points at the benchmark's database)

    _run(write_units, raw_target, where, processes, units=args.units, rounds=args.rounds)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--processes', default='1,2,4', help='the modes: process counts, comma-separated (1,2,4)')
    parser.add_argument('--units', type=int, default=2000, help='requests per variant and mode (default 2000)')
    parser.add_argument('--rounds', type=int, default=5, help='rounds, ours and raw interleaved (default 5)')
    parser.add_argument('--database-url', default='', help='a PostgreSQL URL (postgresql+psycopg://...)')
    parser.add_argument('--small', action='store_true', help='a fresh small SQLite file instead of the seed copy')
    parser.add_argument('--seed-dir', default='var/bench', help='where the seed hsa.db is (default var/bench)')
    parser.add_argument('--recopy', action='store_true', help='copy the seed again over var/bench/writes.db')
    return parser


# --- the database -----------------------------------------------------------------------------------------------------


def _database(args: argparse.Namespace) -> tuple[str, str]:
    """Point the app at the benchmark's database (environment, before it is imported); the replay's target and a
    description."""
    seed_dir = Path(args.seed_dir) if Path(args.seed_dir).is_absolute() else ROOT / args.seed_dir
    os.environ.update({'HSA_DATA_DIR': str(seed_dir), 'HSA_DEMO_DATA': '0'})
    if args.database_url:
        os.environ['HSA_DATABASE_URL'] = args.database_url
        return _postgres(args.database_url), f'PostgreSQL {args.database_url}'
    if args.small:
        path = seed_dir / 'writes-small.db'
        for name in (path.name, f'{path.name}-wal', f'{path.name}-shm'):
            (path.parent / name).unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        where = f'SQLite {path} (fresh, by the migrations)'
    else:
        path = seed_dir / 'writes.db'
        _copy_seed(seed_dir / 'hsa.db', path, again=args.recopy)
        where = f'SQLite {path} (copy of {seed_dir / "hsa.db"}, {_size(path)})'
    os.environ['HSA_DATABASE_URL'] = f'sqlite:///{path}'
    return str(path), where


def _copy_seed(seed: Path, copy: Path, *, again: bool) -> None:
    if copy.exists() and not again:
        return
    if not seed.exists():
        sys.exit(f'no seed at {seed}: build it with bench/admin_pages.py seed, or pass --small')
    started = time.perf_counter()
    for suffix in ('', '-wal', '-shm'):
        Path(f'{copy}{suffix}').unlink(missing_ok=True)
    shutil.copyfile(seed, copy)
    if Path(f'{seed}-wal').exists():  # a seed still open elsewhere: its last commits are in the WAL
        shutil.copyfile(f'{seed}-wal', f'{copy}-wal')
    connection = sqlite3.connect(copy)
    connection.execute('PRAGMA wal_checkpoint(TRUNCATE)')
    connection.close()
    print(f'copied {seed} to {copy} in {time.perf_counter() - started:.0f} s')


def _postgres(url: str) -> str:
    """The database made if missing; the DSN psycopg takes for the replay."""
    import psycopg  # noqa: PLC0415 (PostgreSQL only)
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    parsed = make_url(url)
    dsn = parsed.set(drivername='postgresql').render_as_string(hide_password=False)
    server = parsed.set(drivername='postgresql', database='postgres').render_as_string(hide_password=False)
    with psycopg.connect(server, autocommit=True) as connection:
        if connection.execute('SELECT 1 FROM pg_database WHERE datname = %s', (parsed.database,)).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{parsed.database}"')
    return dsn


def _size(path: Path) -> str:
    return f'{path.stat().st_size / 2**30:.2f} GiB'


# --- the run ----------------------------------------------------------------------------------------------------------


def _run(wu: Any, raw_target: str, where: str, processes: list[int], *, units: int, rounds: int) -> None:
    started = time.perf_counter()
    print(f'\nDatabase: {where}')
    market = wu.prepare(raw_target, max(wu.SINGLE_PROFESSIONALS, *processes))
    slots = wu.Slots(wu.clock.now().date() + wu.DAY * 2, market.minutes)
    print(
        f'Service {market.service_name} (id {market.service_id}, {market.minutes} min) in {market.pincode}; '
        f'{len(market.customers)} customers and {len(market.professionals)} approved professionals signed up fresh.'
    )
    market, recorded, (ours_rows, raw_rows) = wu.record(market, slots)
    _statements(wu, recorded)
    same = 'the same' if ours_rows == raw_rows else 'DIFFERENT'
    print(f'\nRows a request left after its four units, ours: {ours_rows}\n  replayed: {raw_rows} ({same})')
    if ours_rows != raw_rows:
        sys.exit('the replay does not write what the service writes')
    for count in processes:
        mode = wu.plans(market, slots, processes=count, units=units, rounds=rounds)
        per = len(mode[0].batches[-1].slots)
        title = f'{count} process' + ('es racing' if count > 1 else '') + f': {per * count * rounds:,} requests'
        print(f'\n{title} per variant, {rounds} rounds of {per:,} per process and variant (+ warm-up) ...')
        timings = wu.run(market, mode)
        _table(wu, timings, sqlite=not raw_target.startswith('postgresql://'))
        for variant in wu.VARIANTS:
            print(f'  exactly one winner per request, {variant}: {wu.check_winners(timings, variant)}')
        _key_figure(wu, timings, count)
    print(f'\n({time.perf_counter() - started:.0f} s in all)')


def _statements(wu: Any, recorded: list[Any]) -> None:
    print('\nStatements per unit (first sample; + replayed, - not needed by the replay):')
    for unit in recorded:
        kept = sum(unit.kept)
        print(f'  {unit.unit}: the service sent {len(unit.statements)}, the replay runs {kept}')
        for statement, keep in zip(unit.statements, unit.kept, strict=True):
            print(f'    {"+" if keep else "-"} {wu.replay.short(statement)}')


def _table(wu: Any, timings: list[Any], *, sqlite: bool) -> None:
    """A row per unit; a unit some of which were refused (the lost accepts of a race) also gets a row for those that
    went through and one for the refused. On SQLite, the time spent beginning (waiting for the write lock)."""
    print(
        f'  {"unit":<13}{"ours /s":>8}{"p50":>7}{"p95":>7}{"p99":>7}{"max":>7}  |{"raw /s":>8}{"p50":>7}{"p95":>7}'
        f'{"p99":>7}{"max":>7}  | {"ours-raw p50":>12}{"ratio":>8}'
    )
    for unit in wu.UNITS:
        rows = [(unit, None)]
        if wu.figures(timings, 'ours', unit).refused or wu.figures(timings, 'raw', unit).refused:
            rows += [(f'  {unit} won', True), (f'  {unit} lost', False)]
        for label, went in rows:
            ours, raw = wu.figures(timings, 'ours', unit, went), wu.figures(timings, 'raw', unit, went)
            if ours is None or raw is None:
                continue
            print(
                f'  {label:<13}{_cells(ours)}  |{_cells(raw)}  | {ours.p50 - raw.p50:>12.2f}{ours.p50 / raw.p50:>7.1f}x'
            )
    if sqlite:
        print(f'  {"in BEGIN":<13}{"ours p50":>10}{"p99":>8}{"max":>8}  |{"raw p50":>9}{"p99":>8}{"max":>8}  (lock)')
        for unit in wu.UNITS:
            cells = '  |'.join(''.join(f'{ms:>8.2f}' for ms in wu.waits(timings, v, unit)) for v in wu.VARIANTS)
            print(f'  {unit:<13}  {cells}')
    refused = {v: wu.figures(timings, v, 'accept').refused for v in wu.VARIANTS}
    if any(refused.values()):
        print(f'  (accepts refused, lost races: ours {refused["ours"]:,}, raw {refused["raw"]:,}; /s counts every try)')


def _cells(f: Any) -> str:
    rate = '—' if f.per_second is None else f'{f.per_second:,.0f}'
    return f'{rate:>8}{f.p50:>7.2f}{f.p95:>7.2f}{f.p99:>7.2f}{f.max:>7.1f}'


def _key_figure(wu: Any, timings: list[Any], count: int) -> None:
    """The slowest unit by p99, ours against the target, and raw's for comparison."""
    slowest = {}
    for variant in wu.VARIANTS:
        unit = max(wu.UNITS, key=lambda u, v=variant: wu.figures(timings, v, u).p99)
        slowest[variant] = unit, wu.figures(timings, variant, unit).p99
    (unit, p99), (raw_unit, raw_p99) = slowest['ours'], slowest['raw']
    verdict = 'met' if p99 <= TARGET_P99_MS else 'MISSED'
    print(
        f'  slowest unit by p99 with {count} writer(s): ours {unit} {p99:.1f} ms (target {TARGET_P99_MS:.0f} ms: '
        f'{verdict}); raw {raw_unit} {raw_p99:.1f} ms'
    )


if __name__ == '__main__':
    main()
