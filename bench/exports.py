"""Benchmark of the CSV export of closed requests (a script, not a timed test), on the existing bench seed.

    .venv/bin/python bench/exports.py                      # every case, 3 interleaved runs (about 15 minutes)
    .venv/bin/python bench/exports.py --runs 5 --cases service,booked
    .venv/bin/python bench/exports.py --cases service --runs 1 --profile

Cases (each closed request once; the rows are counted on the seed, never made up):
  service  the closed requests of the service whose count is nearest 100,000 (filter service_id)
  booked   the closed requests booked on the local days from the 1st of the month a year before the last booking,
           as many days as bring the count nearest 100,000 (filters date_from, date_to, sort=booked)
  all      every closed request (no filter): the largest export the seed holds

Each measurement runs in a fresh process, so its peak RSS (VmHWM) is its own:
  ours       the admin's export through the job: `exports.create_export` in a write unit as the seed's admin (no
             publisher is registered, so the job request is dropped), then `exports.run_export(id)`, timed
  raw        a plain sqlite3 + csv loop: one hand-written joined SELECT of the same rows in id order, the same
             cells (local times via zoneinfo, rupees 'NNN.PP', the formula-neutralising apostrophe), the same
             file format (UTF-8 with BOM, CRLF), fsynced like the job's file
  raw pages  the same loop over the exact statement the service sends (captured from SQLAlchemy), 2,000-row keyset
             pages as the job reads them: the SQL cost of the paging itself
The files of a round must be byte-identical (checked by SHA-256; the first differing line is shown otherwise), and
are deleted afterwards. Runs are interleaved (case by case, variant by variant) and medians printed; a warm-up raw run
per case loads the file into the page cache first. If a target is missed (or with --profile), run_export of the
`service` case runs once more under cProfile and the top costs are printed.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
CASES = ('service', 'booked', 'all')
VARIANTS = ('ours', 'raw', 'raw pages')
NEAR = 100_000  # rows wanted in the 100k cases
TARGET_SECONDS = 2.0  # 100,000 rows, through the job
TARGET_RATIO = 1.3  # ours / raw loop
TARGET_PEAK_MB = 100.0  # at the largest export
PAGE_ROWS = 2_000  # services/exports/running.py
SENTINEL = -987_654_321  # an after_id nobody uses: finds its place among the captured parameters
STAMP = '%Y-%m-%d %H:%M:%S.%f'  # the text UTCDateTime stores on SQLite
LOCAL_TIME = '%Y-%m-%d %H:%M'
FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')
RAW_SELECT = (
    'SELECT r.id, r.service_id, s.name, r.customer_id, c.name, r.professional_id, p.name, r.date_of_request, '
    'r.scheduled_at, r.date_of_completion, r.closed_at, r.service_status, r.price, v.rating, v.remarks '
    'FROM service_request AS r JOIN service AS s ON s.id = r.service_id JOIN "user" AS c ON c.id = r.customer_id '
    'LEFT JOIN "user" AS p ON p.id = r.professional_id LEFT JOIN review AS v ON v.request_id = r.id '
    'WHERE {where} ORDER BY r.id'
)


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    data_dir = Path(args.data_dir)
    data_path = data_dir if data_dir.is_absolute() else ROOT / data_dir
    # As bench/admin_pages.py: the app's code must point at the benchmark before anything of it is imported.
    os.environ.update({'HSA_DATA_DIR': str(data_path), 'HSA_DATABASE_URL': '', 'HSA_DEMO_DATA': '0'})
    sys.path.insert(0, str(ROOT))
    if args.child:
        print(json.dumps(_child(json.loads(args.child))), flush=True)
        return
    sys.stdout.reconfigure(line_buffering=True)  # every line out at once, also into a file
    if not (data_path / 'hsa.db').exists():
        sys.exit(f'no database in {data_path}: seed it with bench/admin_pages.py seed')
    cases = [c.strip() for c in args.cases.split(',') if c.strip()]
    unknown = set(cases) - set(CASES)
    if unknown or args.runs < 1:
        sys.exit(f'--cases takes {",".join(CASES)}; --runs at least 1 (unknown: {", ".join(sorted(unknown))})')
    _run(data_path, cases, runs=args.runs, profile=args.profile, top=args.top)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--data-dir', default='var/bench', help='relative to the project folder (default var/bench)')
    parser.add_argument('--runs', type=int, default=3, help='timed runs of each variant, interleaved (default 3)')
    parser.add_argument('--cases', default=','.join(CASES), help=f'comma-separated, of {",".join(CASES)}')
    parser.add_argument('--profile', action='store_true', help='profile run_export even when the targets are met')
    parser.add_argument('--top', type=int, default=20, help='functions listed from the profile (default 20)')
    parser.add_argument('--child', help=argparse.SUPPRESS)  # one measurement, in its own process
    return parser


# --- the parent: prepare the cases, run the children, compare the files, print the figures -------------------------


def _run(data_path: Path, cases: list[str], *, runs: int, profile: bool, top: int) -> None:
    from sqlalchemy import func, select  # noqa: PLC0415 (only once HSA_DATA_DIR points at the benchmark)

    from models import Export, User  # noqa: PLC0415
    from models.db import session_scope  # noqa: PLC0415
    from models.enums import Role  # noqa: PLC0415
    from services.exports.asking import exports_folder, file_path  # noqa: PLC0415

    db_path = data_path / 'hsa.db'
    folder = exports_folder()
    folder_existed = folder.exists()
    with session_scope() as session:
        admin = session.scalar(select(User.email).where(User.role == Role.ADMIN).order_by(User.id).limit(1))
        first_export = (session.scalar(select(func.max(Export.id))) or 0) + 1
    if admin is None:
        sys.exit('no admin in this database: seed it with bench/admin_pages.py seed')
    try:
        _measure(db_path, cases, runs=runs, profile=profile, top=top, admin=admin)
    finally:  # the files this run made, whatever stopped it (the export rows stay, as any export's do)
        with session_scope() as session:
            names = session.scalars(select(Export.stored_name).where(Export.id >= first_export)).all()
        for name in filter(None, names):
            file_path(name).unlink(missing_ok=True)
            file_path(name + '.part').unlink(missing_ok=True)
        for stale in folder.glob('bench-*'):
            stale.unlink()
        if not folder_existed and folder.exists() and not any(folder.iterdir()):
            folder.rmdir()


def _measure(db_path: Path, cases: list[str], *, runs: int, profile: bool, top: int, admin: str) -> None:
    from services.exports.asking import exports_folder  # noqa: PLC0415
    from settings import get_settings  # noqa: PLC0415

    settings = get_settings()
    folder = exports_folder()
    raw = _connect(db_path)
    closed = raw.execute("SELECT count(*) FROM service_request WHERE service_status = 'closed'").fetchone()[0]
    print(
        f'Database {db_path}: {_size(db_path) / 2**20:,.0f} MiB, {closed:,} closed requests; '
        f'{os.cpu_count()} cores, load average {_load()}; exporting as {admin}',
        flush=True,
    )
    base = {'db': str(db_path), 'zone': settings.timezone, 'currency': settings.currency}
    specs = {name: {**base, **_case(raw, name, settings.zone)} for name in cases}
    for name, spec in specs.items():
        _capture(spec)
        print(f'\n[{name}] {spec["label"]}: {spec["rows"]:,} rows; filters {spec["filters"]}', flush=True)
        print('  the page statement the service sends (2,000-row keyset pages):')
        print('    ' + ' '.join(spec['page_sql'].split()))
        for detail in _plan(raw, spec['page_sql'], spec['page_params']):
            print(f'    plan: {detail}')
    raw.close()

    print('\nWarm-up (raw loop once per case, not counted)', flush=True)
    for name, spec in specs.items():
        result = _spawn({**spec, 'variant': 'raw', 'out': str(folder / f'bench-warm-up-{name}.csv')})
        Path(result['path']).unlink(missing_ok=True)
        print(f'  {name}: {result["seconds"]:.2f} s', flush=True)

    results: dict[tuple[str, str], list[dict[str, Any]]] = {(c, v): [] for c in specs for v in VARIANTS}
    for run in range(1, runs + 1):
        print(f'\nRun {run} of {runs} (load average {_load()})', flush=True)
        for name, spec in specs.items():
            files = {}
            for variant in VARIANTS:
                out = str(folder / f'bench-{variant.replace(" ", "-")}-{name}.csv')
                result = _spawn({**spec, 'variant': variant, 'out': out})
                results[name, variant].append(result)
                files[variant] = Path(result['path'])
                print(
                    f'  {name:<8} {variant:<10} {result["seconds"]:>8.2f} s (CPU {result["cpu"]:>7.2f} s)  '
                    f'peak RSS {result["peak_kb"] / 1000:>6.1f} MB{_extra(result)}',
                    flush=True,
                )
            _compare(files, spec['rows'])
    _tables(specs, results, runs)
    missed = _targets(specs, results)
    if (missed or profile) and 'service' in specs:
        _profile(specs['service'], folder, top)
    elif missed:
        print('\n(profile with --cases service --profile)')


def _case(raw: Any, name: str, zone: ZoneInfo) -> dict[str, Any]:
    """The filters of a case, the raw WHERE that selects the same rows, and how many rows that is."""
    if name == 'service':
        service_id, count, service = raw.execute(
            'SELECT r.service_id, count(*), s.name FROM service_request AS r JOIN service AS s ON s.id = r.service_id '
            "WHERE r.service_status = 'closed' GROUP BY r.service_id ORDER BY abs(count(*) - ?) LIMIT 1",
            (NEAR,),
        ).fetchone()
        return {
            'label': f'closed requests of service {service_id} ({service})',
            'filters': {'service_id': service_id},
            'where': "r.service_status = 'closed' AND r.service_id = ?",
            'params': [service_id],
            'rows': count,
        }
    if name == 'booked':
        first, last, count = _booked_days(raw, zone)
        return {
            'label': f'closed requests booked {first} to {last} (local days)',
            'filters': {'date_from': first.isoformat(), 'date_to': last.isoformat(), 'sort': 'booked'},
            'where': "r.service_status = 'closed' AND r.date_of_request >= ? AND r.date_of_request < ?",
            'params': [_midnight(first, zone), _midnight(last + timedelta(days=1), zone)],
            'rows': count,
        }
    count = raw.execute("SELECT count(*) FROM service_request WHERE service_status = 'closed'").fetchone()[0]
    return {
        'label': 'every closed request',
        'filters': {},
        'where': "r.service_status = 'closed'",
        'params': [],
        'rows': count,
    }


def _booked_days(raw: Any, zone: ZoneInfo) -> tuple[date, date, int]:
    """From the 1st of the month a year before the last booking, the run of local days whose closed bookings come
    nearest NEAR."""
    last_booking = raw.execute('SELECT max(date_of_request) FROM service_request').fetchone()[0]
    local = datetime.fromisoformat(last_booking).replace(tzinfo=UTC).astimezone(zone)
    first = date(local.year - 1, local.month, 1)
    day, total = first, 0
    while True:
        count = raw.execute(
            "SELECT count(*) FROM service_request WHERE service_status = 'closed' "
            'AND date_of_request >= ? AND date_of_request < ?',
            (_midnight(day, zone), _midnight(day + timedelta(days=1), zone)),
        ).fetchone()[0]
        if total + count >= NEAR:
            if total + count - NEAR <= NEAR - total or day == first:
                return first, day, total + count
            return first, day - timedelta(days=1), total
        if day >= local.date():
            return first, day, total + count
        total += count
        day += timedelta(days=1)


def _midnight(day: date, zone: ZoneInfo) -> str:
    return datetime.combine(day, day_time.min, zone).astimezone(UTC).strftime(STAMP)


def _capture(spec: dict[str, Any]) -> None:
    """The statement the service sends for a page, with its bound parameters, recorded from SQLAlchemy; the service's
    own count must be the case's."""
    from sqlalchemy import event  # noqa: PLC0415

    from models.db import get_engine, session_scope  # noqa: PLC0415
    from services import requests  # noqa: PLC0415

    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((statement, parameters))

    with session_scope() as session:
        criteria = requests.export_criteria(session, spec['filters'])
        counted = requests.count_closed(session, criteria)
        event.listen(get_engine(), 'before_cursor_execute', record)
        try:
            requests.closed_rows(session, criteria, after_id=SENTINEL, limit=PAGE_ROWS)
        finally:
            event.remove(get_engine(), 'before_cursor_execute', record)
    statement, parameters = next((s, p) for s, p in seen if 'LIMIT' in s)
    if counted != spec['rows']:
        sys.exit(f'the service counts {counted:,} rows for {spec["filters"]}, the raw count is {spec["rows"]:,}')
    spec['page_sql'], spec['page_params'] = statement, list(parameters)
    spec['after_index'] = spec['page_params'].index(SENTINEL)


def _plan(raw: Any, statement: str, parameters: list[Any]) -> list[str]:
    return [row[3] for row in raw.execute(f'EXPLAIN QUERY PLAN {statement}', parameters).fetchall()]


def _spawn(spec: dict[str, Any]) -> dict[str, Any]:
    """One measurement in a fresh interpreter; its last line of output is the result."""
    done = subprocess.run(
        [sys.executable, __file__, '--child', json.dumps(spec)],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f'{spec["variant"]} failed:\n{done.stdout}{done.stderr}')
    return json.loads(done.stdout.strip().splitlines()[-1])


def _compare(files: dict[str, Path], expected: int) -> None:
    digests = {variant: _sha256(path) for variant, path in files.items()}
    lines = {variant: _line_count(path) for variant, path in files.items()}
    if len(set(digests.values())) == 1 and all(n == expected + 1 for n in lines.values()):
        print(f'  files byte-identical ({files["ours"].stat().st_size:,} bytes, {expected:,} rows + header)')
    else:
        print('  FILES DIFFER: ' + ', '.join(f'{v} {d[:12]} {lines[v]:,} lines' for v, d in digests.items()))
        _first_difference(files['ours'], files['raw'])
    for path in files.values():
        path.unlink(missing_ok=True)


def _first_difference(ours: Path, raw: Path) -> None:
    with ours.open('rb') as a, raw.open('rb') as b:
        for number, (left, right) in enumerate(zip(a, b, strict=False), start=1):
            if left != right:
                print(f'  first difference on line {number}:\n    ours {left!r}\n    raw  {right!r}')
                return
    print('  one file is a prefix of the other')


def _tables(specs: dict[str, dict[str, Any]], results: dict[tuple[str, str], list[dict]], runs: int) -> None:
    print(
        f'\nMedians of {runs} run(s), each in its own process: wall time, CPU time (user + system of that process, '
        'less sensitive to other load on the machine), ratios ours/this, peak RSS = VmHWM (1 MB = 10^6 B)'
    )
    header = (
        f'{"case":<8} {"rows":>9}  {"variant":<10} {"wall s":>7} {"min s":>7} {"CPU s":>7} {"ours/this":>9} '
        f'{"CPU ratio":>9} {"rows/s":>8} {"peak RSS MB":>11} {"at start":>8}'
    )
    print(header)
    print('-' * len(header))
    for name, spec in specs.items():
        ours = _median(results[name, 'ours'], 'seconds')
        ours_cpu = _median(results[name, 'ours'], 'cpu')
        for variant in VARIANTS:
            found = results[name, variant]
            wall, cpu = _median(found, 'seconds'), _median(found, 'cpu')
            ratio = f'{ours / wall:.2f}x' if variant != 'ours' else ''
            cpu_ratio = f'{ours_cpu / cpu:.2f}x' if variant != 'ours' else ''
            print(
                f'{name:<8} {spec["rows"]:>9,}  {variant:<10} {wall:>7.2f} {min(r["seconds"] for r in found):>7.2f} '
                f'{cpu:>7.2f} {ratio:>9} {cpu_ratio:>9} {spec["rows"] / wall:>8,.0f} '
                f'{_median(found, "peak_kb") / 1000:>11.1f} {_median(found, "base_kb") / 1000:>8.1f}'
            )
    if specs:
        print('\nInside ours (medians): ' + '; '.join(_parts(name, results[name, 'ours']) for name in specs))


def _median(found: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in found)


def _parts(name: str, found: list[dict[str, Any]]) -> str:
    return (
        f'{name}: create_export unit {_median(found, "create_seconds") * 1000:.0f} ms, '
        f'count {_median(found, "count_seconds"):.2f} s, '
        f'progress units {_median(found, "progress_seconds"):.2f} s ({_median(found, "progress_units"):.0f}), '
        f'fsync+rename {_median(found, "fsync_seconds"):.2f} s'
    )


def _targets(specs: dict[str, dict[str, Any]], results: dict[tuple[str, str], list[dict]]) -> bool:
    def median(name: str, variant: str, key: str = 'seconds') -> float:
        return _median(results[name, variant], key)

    checks = []
    for name in ('service', 'booked'):
        if name in specs:
            seconds, ratio = median(name, 'ours'), median(name, 'ours') / median(name, 'raw')
            rows = specs[name]['rows']
            cpu = median(name, 'ours', 'cpu')
            checks.append(
                (
                    f'{name}: {rows:,} rows <= {TARGET_SECONDS:.0f} s',
                    seconds <= TARGET_SECONDS,
                    f'{seconds:.2f} s (CPU {cpu:.2f} s)',
                )
            )
            cpu_ratio = median(name, 'ours', 'cpu') / median(name, 'raw', 'cpu')
            checks.append(
                (
                    f'{name}: within {TARGET_RATIO}x of the raw loop',
                    ratio <= TARGET_RATIO,
                    f'{ratio:.2f}x (CPU time {cpu_ratio:.2f}x)',
                )
            )
    if 'all' in specs:
        peak = median('all', 'ours', 'peak_kb') / 1000
        rows = specs['all']['rows']
        checks.append(
            (f'all: peak RSS <= {TARGET_PEAK_MB:.0f} MB at {rows:,} rows', peak <= TARGET_PEAK_MB, f'{peak:.1f} MB')
        )
    print('\nTargets')
    for label, met, value in checks:
        print(f'  {"met   " if met else "MISSED"} {label}: {value}')
    return not all(met for _, met, _ in checks)


def _profile(spec: dict[str, Any], folder: Path, top: int) -> None:
    """run_export of the service case under cProfile in a fresh process; the top costs, by own and by total time."""
    import pstats  # noqa: PLC0415

    stats_path = folder / 'bench-profile.prof'
    result = _spawn({**spec, 'variant': 'ours', 'out': '', 'profile': str(stats_path)})
    Path(result['path']).unlink(missing_ok=True)
    stats = pstats.Stats(str(stats_path))
    stats_path.unlink(missing_ok=True)
    entries = stats.stats  # (file, line, name) -> (primitive calls, calls, own time, total time, callers)
    total = max(entry[3] for entry in entries.values())
    print(
        f'\ncProfile of run_export, {spec["label"]} ({result["rows"]:,} rows): {total:.1f} s under the profiler '
        f'({result["seconds"]:.1f} s wall), unprofiled median above. Own time (tottime), top {top}:'
    )
    _profile_rows(sorted(entries.items(), key=lambda item: -item[1][2])[:top], total)
    print(f'\nTotal time (cumtime) of the project code and of the SQLAlchemy result path, top {top}:')
    mine = [item for item in entries.items() if _interesting(item[0][0])]
    _profile_rows(sorted(mine, key=lambda item: -item[1][3])[:top], total)
    calls = next((entry[1] for key, entry in entries.items() if key[2] == 'get_settings'), 0)
    per_call = _get_settings_cost()
    print(
        f'\nUnprofiled, settings.get_settings() costs {per_call:.1f} us a call here ({len(os.environ)} environment '
        f'variables); run_export made {calls:,} calls: about {calls * per_call / 1e6:.2f} s of the unprofiled time.'
    )


def _profile_rows(rows: list[tuple[tuple[str, int, str], tuple]], total: float) -> None:
    print(f'  {"calls":>10} {"own s":>8} {"total s":>8} {"total %":>7}  function')
    for (file, line, name), (_, calls, own, cumulative, _) in rows:
        where = _short(file)
        label = f'{where}:{line} {name}' if where != '~' else name
        print(f'  {calls:>10,} {own:>8.2f} {cumulative:>8.2f} {cumulative / total * 100:>6.1f}%  {label}')


def _interesting(file: str) -> bool:
    return (file.startswith(str(ROOT)) and '.venv' not in file) or 'sqlalchemy/engine' in file


def _short(file: str) -> str:
    for prefix in (str(ROOT / '.venv' / 'lib'), str(ROOT) + '/'):
        if file.startswith(prefix):
            return file.removeprefix(prefix).split('site-packages/')[-1]
    return Path(file).name if file != '~' else '~'


def _get_settings_cost() -> float:
    import timeit  # noqa: PLC0415

    from settings import get_settings  # noqa: PLC0415

    number = 20_000
    return min(timeit.repeat(get_settings, number=number, repeat=3)) / number * 1e6


# --- the children: one measurement each ------------------------------------------------------------------------------


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    if spec['variant'] == 'ours':
        return _ours(spec)
    return _raw(spec, paged=spec['variant'] == 'raw pages')


def _ours(spec: dict[str, Any]) -> dict[str, Any]:
    """The admin asks for the export (the job request is dropped: no publisher in a script), then the job runs."""
    from sqlalchemy import select  # noqa: PLC0415

    from models import Export, User  # noqa: PLC0415
    from models.db import session_scope  # noqa: PLC0415
    from models.enums import Role  # noqa: PLC0415
    from services import exports, identity  # noqa: PLC0415
    from services.exports import running  # noqa: PLC0415
    from services.exports.asking import file_path  # noqa: PLC0415

    base_kb = _memory()['VmRSS']
    timers = _Timers()
    timers.wrap(running, 'durable_rename', 'fsync')
    timers.wrap(running, '_progress', 'progress')
    timers.wrap(running.requests, 'count_closed', 'count')
    with session_scope() as session:
        admin = session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id).limit(1))
        actor = identity.actor_for(admin)
    started = time.perf_counter()
    with session_scope(write=True) as session:
        export_id = exports.create_export(session, actor, filters=spec['filters']).id
    created = time.perf_counter() - started
    if spec.get('profile'):
        import cProfile  # noqa: PLC0415

        profiler = cProfile.Profile()
        started, cpu = time.perf_counter(), time.process_time()
        profiler.runcall(exports.run_export, export_id)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        profiler.dump_stats(spec['profile'])
    else:
        started, cpu = time.perf_counter(), time.process_time()
        exports.run_export(export_id)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    with session_scope() as session:
        export = session.get(Export, export_id)
        state, rows, stored_name = export.state.value, export.rows_done, export.stored_name
    if state != 'done':
        raise SystemExit(f'export {export_id} ended {state}: {export.error}')
    memory = _memory()
    return {
        'seconds': seconds,
        'cpu': cpu,
        'rows': rows,
        'path': str(file_path(stored_name)),
        'peak_kb': memory['VmHWM'],
        'base_kb': base_kb,
        'create_seconds': created,
        'count_seconds': timers.seconds['count'],
        'progress_seconds': timers.seconds['progress'],
        'progress_units': timers.calls['progress'],
        'fsync_seconds': timers.seconds['fsync'],
    }


class _Timers:
    """Wall time spent in a few module functions (a wrapper adds well under a microsecond a call)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def wrap(self, module: Any, name: str, label: str) -> None:
        inner = getattr(module, name)
        self.seconds[label], self.calls[label] = 0.0, 0

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started
                self.calls[label] += 1

        setattr(module, name, timed)


def _raw(spec: dict[str, Any], *, paged: bool) -> dict[str, Any]:
    """The same rows and cells with nothing but sqlite3, csv and zoneinfo (no project code imported)."""
    base_kb = _memory()['VmRSS']
    zone, path = ZoneInfo(spec['zone']), Path(spec['out'])
    started, cpu = time.perf_counter(), time.process_time()
    connection = _connect(Path(spec['db']))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, 'w', encoding='utf-8-sig', newline='') as out:
        writer = csv.writer(out, lineterminator='\r\n')
        writer.writerow(_header(spec['zone'], spec['currency']))
        batches = _raw_pages(connection, spec) if paged else [_raw_single(connection, spec)]
        writer.writerows(_raw_cells(row, zone) for batch in batches for row in batch)
        out.flush()
        os.fsync(out.fileno())
    connection.close()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {'seconds': seconds, 'cpu': cpu, 'path': str(path), 'peak_kb': _memory()['VmHWM'], 'base_kb': base_kb}


def _raw_single(connection: Any, spec: dict[str, Any]) -> Any:
    return connection.execute(RAW_SELECT.format(where=spec['where']), spec['params'])


def _raw_pages(connection: Any, spec: dict[str, Any]) -> Any:
    """The captured page statement, replayed with each page's after_id, each page read whole like the job's."""
    parameters, after = list(spec['page_params']), 0
    while True:
        parameters[spec['after_index']] = after
        page = connection.execute(spec['page_sql'], parameters).fetchall()
        yield page
        if len(page) < PAGE_ROWS:
            return
        after = page[-1][0]


def _raw_cells(row: tuple[Any, ...], zone: ZoneInfo) -> list[Any]:
    (request_id, service_id, service, customer_id, customer, professional_id, professional) = row[:7]
    booked, scheduled, completed, closed, status, price, rating, remarks = row[7:]
    cells = (
        request_id,
        service_id,
        service,
        customer_id,
        customer,
        professional_id or '',
        professional or '',
        _raw_local(booked, zone),
        _raw_local(scheduled, zone),
        _raw_local(completed, zone),
        _raw_local(closed, zone),
        status,
        f'{price // 100}.{price % 100:02d}',
        rating or '',
        remarks or '',
    )
    return ["'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell for cell in cells]


def _raw_local(text: str | None, zone: ZoneInfo) -> str:
    if text is None:
        return ''
    return datetime.fromisoformat(text).replace(tzinfo=UTC).astimezone(zone).strftime(LOCAL_TIME)


def _header(zone: str, currency: str) -> tuple[str, ...]:
    # A copy of services.requests.export_header on purpose: the raw child imports nothing of the app, so its time and
    # peak RSS are the plain loop's alone (the byte-identical check catches any drift between the two).
    return (
        'Request ID',
        'Service ID',
        'Service',
        'Customer ID',
        'Customer',
        'Professional ID',
        'Professional',
        f'Requested at ({zone})',
        f'Scheduled for ({zone})',
        f'Completed at ({zone})',
        f'Closed at ({zone})',
        'Status',
        f'Price ({currency})',
        'Rating',
        'Remarks',
    )


# --- small helpers ---------------------------------------------------------------------------------------------------


def _connect(db_path: Path) -> Any:
    import sqlite3  # noqa: PLC0415

    connection = sqlite3.connect(db_path, isolation_level=None)
    connection.execute('PRAGMA busy_timeout=10000')
    return connection


def _memory() -> dict[str, int]:
    """VmRSS and VmHWM (peak) of this process, in kB."""
    found = {}
    for line in Path('/proc/self/status').read_text().splitlines():
        key, _, value = line.partition(':')
        if key in ('VmRSS', 'VmHWM'):
            found[key] = int(value.split()[0])
    return found


def _extra(result: dict[str, Any]) -> str:
    if 'create_seconds' not in result:
        return ''
    return f'  ({result["rows"]:,} rows; create_export unit {result["create_seconds"] * 1000:.0f} ms)'


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open('rb') as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _line_count(path: Path) -> int:
    with path.open('rb') as file:
        return sum(chunk.count(b'\n') for chunk in iter(lambda: file.read(1 << 20), b''))


def _size(db_path: Path) -> int:
    files = (db_path, db_path.with_name(db_path.name + '-wal'))
    return sum(f.stat().st_size for f in files if f.exists())


def _load() -> str:
    return ' '.join(Path('/proc/loadavg').read_text().split()[:3])


if __name__ == '__main__':
    main()
