"""Benchmark of the admin pages on a million requests (a script, not a timed test).

    .venv/bin/python bench/admin_pages.py run     # seed var/bench from scratch, then time (about 5 minutes)
    .venv/bin/python bench/admin_pages.py seed    # only seed
    .venv/bin/python bench/admin_pages.py time    # only time, on an existing seed
    .venv/bin/python bench/admin_pages.py browse  # serve the seed and walk the admin pages in headless Chromium

`seed` builds a fresh SQLite database in --data-dir through the real migrations, creates the admin and the catalogue
through the real services and bulk-loads the rest (bench/seeding.py). `time` prints, for the dashboard figures,
the admin's requests list (first page, 500th page, filtered pages, by customer or professional name), the admin's user
search and the customer's service search, the server-side time of the service call beside the same query as raw SQL
through `sqlite3`, on the same file in the same run, and the difference (bench/timing.py). `browse` starts
app.py on the seed and times the admin pages in Chromium (bench/browse.py; needs the test dependencies). The
database is left behind for serving: the script prints the command and the admin's sign-in.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_FILES = ('hsa.db', 'hsa.db-wal', 'hsa.db-shm')


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    data_dir = Path(args.data_dir)
    data_path = data_dir if data_dir.is_absolute() else ROOT / data_dir
    # The app's own code must point at the benchmark database: settings are read from the environment, so set it
    # before anything from the project is imported (and never take a database URL from the caller's shell).
    os.environ['HSA_DATA_DIR'] = str(data_path)
    os.environ['HSA_DATABASE_URL'] = ''
    os.environ['HSA_DEMO_DATA'] = '0'
    sys.path.insert(0, str(ROOT))
    if args.command in ('seed', 'run'):
        _seed(args, data_path)
    if args.command in ('time', 'run'):
        _time(args, data_path)
    if args.command == 'browse':
        _browse(data_path)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('command', choices=('run', 'seed', 'time', 'browse'), nargs='?', default='run')
    parser.add_argument('--data-dir', default='var/bench', help='relative to the project folder (default var/bench)')
    parser.add_argument('--requests', type=int, default=1_000_000)
    parser.add_argument('--customers', type=int, default=20_000)
    parser.add_argument('--professionals', type=int, default=2_000)
    parser.add_argument('--seed', type=int, default=2026, help='seed of the random generator (default 2026)')
    parser.add_argument(
        '--audit',
        choices=('all', 'book', 'none'),
        default='all',
        help='audit rows to write: every transition (default), bookings only, or none',
    )
    parser.add_argument('--no-analyze', action='store_true', help='skip ANALYZE, to see the planner without stats')
    parser.add_argument('--runs', type=int, default=20, help='timed runs per measurement, after one warm-up')
    parser.add_argument('--pages', type=int, default=500, help='the deep page to time (default 500)')
    parser.add_argument('--slow-ms', type=float, default=50.0, help='show the query plan of statements this slow')
    parser.add_argument('--only', default='', help='time only the measurements whose label contains this')
    parser.add_argument('--profile', action='store_true', help='run the measurements under cProfile, not timed')
    parser.add_argument('--force', action='store_true', help='allow seeding into the default data folder var/')
    return parser


def _seed(args: argparse.Namespace, data_path: Path) -> None:
    if data_path.resolve() == (ROOT / 'var').resolve() and not args.force:
        sys.exit('refusing to replace the development database in var/: choose another --data-dir (or --force)')
    data_path.mkdir(parents=True, exist_ok=True)
    for name in DB_FILES:
        (data_path / name).unlink(missing_ok=True)
    shutil.rmtree(data_path / 'nicegui', ignore_errors=True)  # browser storage of sessions in the old database

    from bench import seeding  # noqa: PLC0415 (only once HSA_DATA_DIR points at the benchmark)

    result = seeding.seed(
        requests=args.requests,
        customers=args.customers,
        professionals=args.professionals,
        seed_value=args.seed,
        audit=args.audit,
        analyze=not args.no_analyze,
        log=_log,
    )
    size = sum((data_path / name).stat().st_size for name in DB_FILES if (data_path / name).exists())
    print(f'\nSeeded in {result.seconds:.0f} s: {size / 2**20:,.0f} MiB in {data_path / "hsa.db"}')
    for table, count in result.counts.items():
        print(f'  {table:<22} {count:>12,}')
    print('  requests by status: ' + ', '.join(f'{k} {v:,}' for k, v in sorted(result.statuses.items())))
    print(f'  foreign key problems: {result.foreign_key_problems}')
    failed = {rule: count for rule, count in result.broken.items() if count}
    print(f'  rule checks: {len(result.broken) - len(failed)} of {len(result.broken)} pass')
    for rule, count in failed.items():
        print(f'    BROKEN {rule}: {count:,} rows')
    relative = data_path.relative_to(ROOT) if data_path.is_relative_to(ROOT) else data_path
    print(
        '\nServe the site on this data:\n'
        f'  HSA_DATA_DIR={relative} HSA_ENV=development HSA_DEMO_DATA=0 .venv/bin/python app.py\n'
        f'  admin:        {result.admin_email}  password {result.admin_password}\n'
        f'  any customer or professional, e.g. {result.sample_customer} or {result.sample_professional}: '
        f'password {result.user_password}\n'
    )
    (data_path / 'bench-logins.txt').write_text(
        f'admin {result.admin_email} {result.admin_password}\n'
        f'customer {result.sample_customer} {result.user_password}\n'
        f'professional {result.sample_professional} {result.user_password}\n'
    )


def _time(args: argparse.Namespace, data_path: Path) -> None:
    if not (data_path / 'hsa.db').exists():
        sys.exit(f'no database in {data_path}: run the seed first')

    from bench import timing  # noqa: PLC0415 (only once HSA_DATA_DIR points at the benchmark)
    from models.migrate import upgrade_to_head  # noqa: PLC0415 (the same)

    upgrade_to_head()  # a seed made before a newer migration is brought up to date, as the app would on start
    timing.run(
        data_path / 'hsa.db',
        runs=args.runs,
        deep_page=args.pages,
        slow_ms=args.slow_ms,
        only=args.only,
        profile=args.profile,
        log=_log,
    )


def _browse(data_path: Path) -> None:
    if not (data_path / 'bench-logins.txt').exists():
        sys.exit(f'no seed in {data_path}: run the seed first')

    from bench import browse  # noqa: PLC0415 (selenium is a test dependency: only for this command)

    browse.run(data_path, log=_log)


def _log(message: str) -> None:
    print(message, flush=True)


if __name__ == '__main__':
    main()
