"""Benchmark of the monthly activity reports (a script, not a timed test), on a copy of the bench seed.

    .venv/bin/python bench/reports.py                  # copy the seed, sample 3 times, the whole month once (~40 min)
    .venv/bin/python bench/reports.py --no-full        # only the 1,000-customer sample (about 7 minutes)
    .venv/bin/python bench/reports.py --runs 5 --sample 500 --month 2026-10 --profile

A run writes outbox rows keyed 'monthly-report:YYYY-MM:<customer>', so it never touches the seed itself: the seed
(--data-dir, default var/bench) is copied with SQLite's backup API to --copy-dir (default var/bench-reports), the
app is pointed at the copy, and the copy is deleted at the end. If the disk has no room for the copy, only the sample
is timed, on the seed itself, with every queueing unit rolled back (its commit is then not measured). The slim font
copies the PDF code makes in the data folder (fonts/) are deleted too, unless they were there before.

The month is the most recent complete local month with activity (or --month). Measured:
  sample  --sample customers spread evenly over the month's active ones, --runs times, each phase timed on its own
          exactly as `sending._queue_batch` runs it, batch by batch (200): the batch reads (who is subscribed, which
          reports were queued before) and `build_reports` in one read unit, then `report_message` (HTML, text, SMS)
          and `report_pdf` outside any unit (split into fpdf2's add_font, layout, and output), then `_queue_one` for
          each in one write unit and its commit. The outbox rows a run wrote are deleted from the copy afterwards,
          so every run queues them all again.
  full    `reports.queue_monthly_reports(month, now=...)` for every active customer, once, with the same functions
          timed inside it; then once more, when every report was queued before (the rerun a second scheduler or a
          retry makes).
Figures are per 1,000 reports. The machine's load average is printed: other work on it slows the figures down.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import secrets
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB_FILES = ('hsa.db', 'hsa.db-wal', 'hsa.db-shm')
SPARE = 1 << 30  # bytes left free on the disk after the copy
BACKUP_PAGES = 1 << 16  # pages per step of the backup
PHASES = (
    ('reads', 'batch reads (subscribed, queued before)'),
    ('build', 'build_reports (query + totals)'),
    ('email', 'report_message (HTML, text, SMS)'),
    ('pdf', 'report_pdf'),
    ('pdf fonts', '  of which fpdf2 add_font (TTF parsing)'),
    ('pdf output', '  of which fpdf2 output (font subset, compression)'),
    ('pdf layout', '  of which the rest: layout'),
    ('queue', '_queue_one (outbox row + PDF attachment)'),
    ('commit', 'commit of the write unit'),
)


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    source = _absolute(args.data_dir) / 'hsa.db'
    copy_dir = _absolute(args.copy_dir)
    if not source.exists():
        sys.exit(f'no database {source}: seed it with bench/admin_pages.py seed')
    if copy_dir.resolve() == source.parent.resolve():
        sys.exit('--copy-dir must not be the seed folder')
    if args.runs < 0 or args.sample < 1:
        sys.exit('--runs must be at least 0 (0: no sample), --sample at least 1')
    sys.stdout.reconfigure(line_buffering=True)  # every line out at once, also into a file
    size = sum((source.parent / name).stat().st_size for name in DB_FILES[:2] if (source.parent / name).exists())
    copy_dir.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(copy_dir).free
    print(f'Seed {source}: {size / 2**30:.2f} GiB; free on {copy_dir}: {free / 2**30:.1f} GiB', flush=True)
    copying = free >= size + SPARE
    fonts = (copy_dir if copying else source.parent) / 'fonts'  # slim font copies services/reports/fonts.py makes
    fonts_existed = fonts.exists()
    try:
        if copying:
            _backup(source, copy_dir / 'hsa.db')
        else:
            print('Not enough room for a copy: only the sample, on the seed, with every queueing unit rolled back')
        data_dir = copy_dir if copying else source.parent
        # As bench/admin_pages.py: settings come from the environment, set before the project is imported. The
        # unsubscribe links are signed with the site secret, which production settings require to be configured.
        os.environ.update({'HSA_DATA_DIR': str(data_dir), 'HSA_DATABASE_URL': '', 'HSA_DEMO_DATA': '0'})
        os.environ.setdefault('HSA_STORAGE_SECRET', secrets.token_urlsafe(48))
        sys.path.insert(0, str(ROOT))
        _run(args, data_dir / 'hsa.db', copy=copying)
    finally:
        if copying:
            _remove_copy(copy_dir)
        if not fonts_existed:
            shutil.rmtree(fonts, ignore_errors=True)
        if copy_dir.exists() and not any(copy_dir.iterdir()):
            copy_dir.rmdir()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--data-dir', default='var/bench', help='the seed, relative to the project (default var/bench)')
    parser.add_argument('--copy-dir', default='var/bench-reports', help='where the copy goes (deleted at the end)')
    parser.add_argument('--runs', type=int, default=3, help='timed runs of the sample (default 3; 0: none)')
    parser.add_argument('--sample', type=int, default=1000, help='customers in the sample (default 1000)')
    parser.add_argument('--month', help='YYYY-MM (default: the most recent complete month with activity)')
    parser.add_argument('--no-full', dest='full', action='store_false', help='skip the run of the whole month')
    parser.add_argument('--profile', action='store_true', help='cProfile build, render and queue of one batch')
    parser.add_argument('--top', type=int, default=20, help='functions listed from the profile (default 20)')
    return parser


def _absolute(folder: str) -> Path:
    path = Path(folder)
    return path if path.is_absolute() else ROOT / path


def _backup(source: Path, target: Path) -> None:
    """A consistent copy while nothing else need stop: SQLite's online backup, step by step."""
    for name in DB_FILES:
        target.with_name(name).unlink(missing_ok=True)
    started = time.perf_counter()
    src, dst = sqlite3.connect(source, timeout=30), sqlite3.connect(target)
    try:
        src.backup(dst, pages=BACKUP_PAGES)
    finally:
        dst.close()
        src.close()
    print(f'Copied to {target} with the backup API in {time.perf_counter() - started:.0f} s', flush=True)


def _remove_copy(copy_dir: Path) -> None:
    try:
        from models.db import dispose_engines  # noqa: PLC0415 (imported only if the run got that far)

        dispose_engines()
    except ImportError:
        pass
    for name in (*DB_FILES, 'dev-storage-secret'):
        (copy_dir / name).unlink(missing_ok=True)
    print(f'Deleted the copy in {copy_dir}')


# --- timing ----------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Phases:
    """Seconds spent in each phase, and how many reports they were for."""

    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys([name for name, _ in PHASES], 0.0))
    reports: int = 0

    def add(self, phase: str, seconds: float) -> None:
        self.seconds[phase] += seconds

    @contextmanager
    def timing(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(phase, time.perf_counter() - started)

    def settle(self) -> None:
        s = self.seconds
        s['pdf layout'] = max(0.0, s['pdf'] - s['pdf fonts'] - s['pdf output'])


def _wrap(owner: Any, name: str, phases: Callable[[], Phases | None], phase: str) -> Callable[[], None]:
    """Time every call of `owner.name` into the current Phases (if any); returns what puts it back."""
    inner = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        target = phases()
        if target is None:
            return inner(*args, **kwargs)
        started = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            target.add(phase, time.perf_counter() - started)

    setattr(owner, name, timed)
    return lambda: setattr(owner, name, inner)


class _MissingGlyphs(logging.Filter):
    """Counts fpdf2's 'Font ... is missing the following glyphs' warnings (one per PDF) instead of printing them."""

    def __init__(self) -> None:
        super().__init__()
        self.documents = 0
        self.glyphs: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if 'missing the following glyphs' not in str(record.msg):
            return True
        self.documents += 1
        self.glyphs.update(re.findall(r"'([^']+)' \(", str(record.args[-1])))
        return False


# --- the run ---------------------------------------------------------------------------------------------------------


def _run(args: argparse.Namespace, db_path: Path, *, copy: bool) -> None:
    from fpdf import FPDF  # noqa: PLC0415 (only once HSA_DATA_DIR points at the copy)

    from services.reports import sending  # noqa: PLC0415

    month = _month(args.month)
    active, seconds = _active(month)
    print(
        f'\nMonth {month:%Y-%m}: {len(active):,} customers with activity (found in {seconds:.2f} s); '
        f'{os.cpu_count()} cores, load average {_load()}',
        flush=True,
    )
    if not active:
        sys.exit('no activity that month: choose another with --month')
    sample = [active[i * len(active) // args.sample] for i in range(min(args.sample, len(active)))]
    current: list[Phases | None] = [None]
    missing = _MissingGlyphs()
    logging.getLogger('fpdf.output').addFilter(missing)
    restore = [
        _wrap(FPDF, 'add_font', lambda: current[0], 'pdf fonts'),
        _wrap(FPDF, 'output', lambda: current[0], 'pdf output'),
    ]
    try:
        runs = []
        for run in range(1, args.runs + 1):
            current[0] = phases = Phases()
            started = time.perf_counter()
            _sample(month, sample, phases, commit=copy)
            total = time.perf_counter() - started
            current[0] = None
            phases.settle()
            runs.append((total, phases))
            print(
                f'  sample run {run}: {phases.reports:,} reports in {total:.1f} s '
                f'({total / phases.reports * 1000:.1f} s per 1,000); load average {_load()}',
                flush=True,
            )
            if copy:
                _delete_queued(db_path, month)
        if runs:
            _sample_table(runs, copy=copy)
        if args.profile:
            _profile(month, sample[: sending.BATCH], args.top, db_path, commit=copy)
        if args.full and copy:
            restore += [
                _wrap(sending, name, lambda: current[0], phase)
                for name, phase in (
                    ('build_reports', 'build'),
                    ('report_message', 'email'),
                    ('report_pdf', 'pdf'),
                    ('_queue_one', 'queue'),
                )
            ]
            restore.append(_progress(sending, len(active)))
            current[0] = phases = Phases()
            _full(month, phases, db_path)
            current[0] = None
        elif args.full:
            print('\n(no full run without a copy of the seed)')
    finally:
        for undo in restore:
            undo()
    if missing.documents:
        print(
            f'\nfpdf2 warned {missing.documents:,} times that a PDF font lacks glyphs it was asked to set (they come '
            f'out blank): {" ".join(sorted(missing.glyphs))}'
        )
    print(f'\nPeak RSS of this process (VmHWM): {_peak_mb():.0f} MB')


def _progress(sending: Any, active: int) -> Callable[[], None]:
    """A line every 10 batches of a whole-month run, so a run stopped half way still says how fast it went."""
    inner, state = sending._queue_batch, {'run': None, 'started': 0.0, 'batches': 0}

    def batch(month: date, customer_ids: list[int], run: Any, now: Any) -> None:
        if state['run'] is not run:  # a new run: count from here
            state.update(run=run, started=time.perf_counter(), batches=0)
        inner(month, customer_ids, run, now)
        state['batches'] += 1
        if state['batches'] % 10 == 0 and run.queued:
            elapsed = time.perf_counter() - state['started']
            print(
                f'    {len(run.queued):,} queued, {state["batches"] * sending.BATCH:,} of {active:,} customers, '
                f'{elapsed:.0f} s ({elapsed / len(run.queued) * 1000:.1f} s per 1,000); load {_load()}',
                flush=True,
            )

    sending._queue_batch = batch
    return lambda: setattr(sending, '_queue_batch', inner)


def _month(given: str | None) -> date:
    """--month, or the most recent complete local month with activity in the audit trail."""
    from sqlalchemy import func, select  # noqa: PLC0415

    from models import AuditEvent  # noqa: PLC0415
    from models.db import session_scope  # noqa: PLC0415
    from services import clock, reports  # noqa: PLC0415
    from services.reports import months  # noqa: PLC0415

    if given:
        return reports.parse_month(given)
    with session_scope() as session:
        latest = session.scalar(
            select(func.max(AuditEvent.occurred_at)).where(AuditEvent.target_type == months.REQUEST_TARGET)
        )
    if latest is None:
        sys.exit('no activity in this database')
    month, current = months.local_month_of(latest), months.local_month_of(clock.now())
    return months.previous_month(current) if month >= current else month


def _active(month: date) -> tuple[list[int], float]:
    from models.db import session_scope  # noqa: PLC0415
    from services.reports import months  # noqa: PLC0415

    started = time.perf_counter()
    with session_scope() as session:
        active = list(session.scalars(months.customers_active_in(month)).all())
    return active, time.perf_counter() - started


class _RolledBack(Exception):
    """Raised at the end of a queueing unit that must not commit (no copy of the seed)."""


def _sample(month: date, customers: list[int], phases: Phases, *, commit: bool) -> None:
    """What `sending._queue_batch` does, batch by batch, each phase timed on its own."""
    from sqlalchemy import select  # noqa: PLC0415

    from models import OutboxMessage, User  # noqa: PLC0415
    from models.db import session_scope  # noqa: PLC0415
    from services import clock  # noqa: PLC0415
    from services.reports import sending  # noqa: PLC0415
    from services.reports.building import build_reports  # noqa: PLC0415
    from services.reports.email import report_message  # noqa: PLC0415
    from services.reports.pdf import report_pdf  # noqa: PLC0415
    from services.reports.unsubscribe import unsubscribe_url  # noqa: PLC0415

    now = clock.now()
    for start in range(0, len(customers), sending.BATCH):
        batch = customers[start : start + sending.BATCH]
        with session_scope() as session:
            with phases.timing('reads'):
                people = dict(
                    session.execute(
                        select(User.id, User.name).where(
                            User.id.in_(batch), User.report_opt_out_at.is_(None), User.is_blocked.is_(False)
                        )
                    ).all()
                )
                keys = {sending.report_key(month, customer_id): customer_id for customer_id in people}
                sent = session.scalars(
                    select(OutboxMessage.idempotency_key).where(OutboxMessage.idempotency_key.in_(keys))
                )
                for key in sent:
                    people.pop(keys[key])
            with phases.timing('build'):
                reports = build_reports(session, month, people, unsubscribe=unsubscribe_url) if people else []
        with phases.timing('email'):
            messages = [report_message(report) for report in reports]
        with phases.timing('pdf'):
            pdfs = [report_pdf(report) for report in reports]
        try:
            with session_scope(write=True) as session:
                with phases.timing('queue'):
                    for report, message, pdf in zip(reports, messages, pdfs, strict=True):
                        sending._queue_one(session, month, report, message, pdf, now)
                if not commit:
                    raise _RolledBack
                committing = time.perf_counter()
            phases.add('commit', time.perf_counter() - committing)
        except _RolledBack:
            pass
        phases.reports += len(reports)


def _sample_table(runs: list[tuple[float, Phases]], *, copy: bool) -> None:
    reports = runs[0][1].reports
    totals = [total for total, _ in runs]
    print(
        f'\nSample of {reports:,} reports, {len(runs)} run(s): seconds per 1,000 reports, median (min); '
        f'{"committed, then deleted from the copy" if copy else "queueing rolled back: commit not measured"}'
    )
    width = max(len(label) for _, label in PHASES) + 2
    for name, label in PHASES:
        values = [phases.seconds[name] / phases.reports * 1000 for _, phases in runs]
        share = statistics.median(values) / (statistics.median(totals) / reports * 1000) * 100
        print(f'  {label:<{width}} {statistics.median(values):>8.2f} ({min(values):.2f})  {share:>5.1f}%')
    per_thousand = [total / reports * 1000 for total in totals]
    print(f'  {"total":<{width}} {statistics.median(per_thousand):>8.2f} ({min(per_thousand):.2f})  100.0%')
    pdf_ms = statistics.median(phases.seconds['pdf'] / phases.reports * 1000 for _, phases in runs)
    print(f'  one PDF takes {pdf_ms:.0f} ms; one report end to end {statistics.median(per_thousand):.0f} ms')


def _delete_queued(db_path: Path, month: date) -> None:
    """Forget the reports a sample run queued (on the copy only), so the next run queues them all again."""
    from services.reports import month_text  # noqa: PLC0415

    with sqlite3.connect(db_path, timeout=30) as connection:
        pattern = f'monthly-report:{month_text(month)}:%'
        connection.execute(
            'DELETE FROM outbox_attachment WHERE message_id IN '
            '(SELECT id FROM outbox_message WHERE idempotency_key LIKE ?)',
            (pattern,),
        )
        connection.execute('DELETE FROM outbox_message WHERE idempotency_key LIKE ?', (pattern,))
    connection.close()


def _full(month: date, phases: Phases, db_path: Path) -> None:
    from services import clock, reports  # noqa: PLC0415
    from services.reports import month_text  # noqa: PLC0415

    print(f'\nThe whole month through reports.queue_monthly_reports (load average {_load()})', flush=True)
    started = time.perf_counter()
    run = reports.queue_monthly_reports(month, now=clock.now())
    total = time.perf_counter() - started
    phases.settle()
    queued = len(run.queued)
    print(f'  {run}\n  {total:.0f} s in all: {total / max(queued, 1) * 1000:.1f} s per 1,000 queued reports')
    print('  seconds per 1,000 queued reports, and share of the run:')
    width = max(len(label) for _, label in PHASES) + 2
    for name, label in PHASES:
        if name in ('reads', 'commit'):
            continue
        value = phases.seconds[name]
        print(f'    {label:<{width}} {value / max(queued, 1) * 1000:>8.2f}  {value / total * 100:>5.1f}%')
    timed = sum(phases.seconds[name] for name in ('build', 'email', 'pdf', 'queue'))
    rest = total - timed
    label = 'the rest: finding customers, batch reads, commits'
    print(f'    {label:<{width}} {rest / max(queued, 1) * 1000:>8.2f}  {rest / total * 100:>5.1f}%')
    with sqlite3.connect(db_path) as connection:
        messages, pdf_bytes, html_bytes = connection.execute(
            'SELECT count(DISTINCT m.id), sum(length(a.content)), sum(length(m.body_html)) FROM outbox_message AS m '
            'LEFT JOIN outbox_attachment AS a ON a.message_id = m.id WHERE m.idempotency_key LIKE ?',
            (f'monthly-report:{month_text(month)}:%',),
        ).fetchone()
    connection.close()
    print(
        f'  outbox: {messages:,} messages, PDFs {(pdf_bytes or 0) / 2**20:,.0f} MiB '
        f'({(pdf_bytes or 0) / max(messages, 1) / 1024:.0f} KiB each), HTML {(html_bytes or 0) / 2**20:,.0f} MiB'
    )
    started = time.perf_counter()
    again = reports.queue_monthly_reports(month, now=clock.now())
    print(f'  run again (every report queued before): {again}; {time.perf_counter() - started:.1f} s', flush=True)


def _profile(month: date, customers: list[int], top: int, db_path: Path, *, commit: bool) -> None:
    import cProfile  # noqa: PLC0415
    import pstats  # noqa: PLC0415

    profiler = cProfile.Profile()
    profiler.runcall(_sample, month, customers, Phases(), commit=commit)
    if commit:
        _delete_queued(db_path, month)
    stats = pstats.Stats(profiler)
    entries = stats.stats  # (file, line, name) -> (primitive calls, calls, own time, total time, callers)
    total = max(entry[3] for entry in entries.values())
    print(f'\ncProfile of one batch ({len(customers)} customers): {total:.1f} s under the profiler')
    for title, key in (('own time', 2), ('total time', 3)):
        print(f'  top {top} by {title}:')
        print(f'  {"calls":>10} {"own s":>8} {"total s":>8} {"total %":>7}  function')
        for (file, line, name), (_, calls, own, cumulative, _) in sorted(
            entries.items(), key=lambda item: -item[1][key]
        )[:top]:
            where = file.split('site-packages/')[-1].removeprefix(str(ROOT) + '/')
            label = f'{where}:{line} {name}' if file != '~' else name
            print(f'  {calls:>10,} {own:>8.2f} {cumulative:>8.2f} {cumulative / total * 100:>6.1f}%  {label}')


def _peak_mb() -> float:
    for line in Path('/proc/self/status').read_text().splitlines():
        if line.startswith('VmHWM:'):
            return int(line.split()[1]) / 1000
    return 0.0


def _load() -> str:
    return ' '.join(Path('/proc/loadavg').read_text().split()[:3])


if __name__ == '__main__':
    main()
