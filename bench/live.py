"""Benchmark of the admin dashboard's live figures (a script, not a timed test).

    .venv/bin/python bench/live.py clients --dashboards 50,300 --bookings 20   # live updates to N open dashboards
    .venv/bin/python bench/live.py figures --data-dir var/bench --runs 7       # dashboard.figures on the 1M seed

`clients` starts a private redis-server and `python app.py` on free ports, with their own data folder in a temporary
folder under var/bench-live (deleted at the end unless --keep), as production runs them: the app hears domain events
over Redis pub/sub and keeps the dashboard cache and NiceGUI's user storage there. This process creates an admin, a
customer, a service and an approved professional through the services, signs the admin in once in headless Chromium
and reuses its session cookie. For each --dashboards count a fresh app process gets that many real socket.io clients
on /admin: each loads the page over HTTP (a NiceGUI client of its own), then connects to /_nicegui_ws/socket.io with
that client id (the implicit handshake nicegui.js makes) and acknowledges what it received every 3 s like a browser.
Then --bookings requests are booked through the services in this process, --gap seconds apart (each its own burst:
the hub gathers events 0.25 s apart), their events published to Redis by `tasks.relay.RedisRelay`, as a worker's
are. For every booking and every client: the time from the commit (stamped by the unit's first after-commit callback,
before the cache is told and the event published) to the socket.io 'update' carrying the new value of the open
requests counter (marker counter-open). Also the app process's CPU time during the bookings, and its RSS before the
clients connect and after. --gc logs the app's garbage collections (a sitecustomize.py on its PYTHONPATH, in the run's
folder) and compares the bookings that had a full collection in flight with the others; --profile FILE runs py-spy on
the app during the bookings of the largest count (a .txt FILE: raw collapsed stacks, and a summary is printed).

`figures` times `dashboard.figures(session, admin)` on the seed of bench/admin_pages.py: cold (the in-process cache
emptied with `cache.forget_stores()`; with Redis, a private redis-server flushed) and warm (cached), beside the raw
SQL of the same statements (recorded from a cold call) replayed through `sqlite3` on the same file, each statement
timed.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import contextlib
import functools
import html
import json
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
LIVE_DIR = ROOT / 'var' / 'bench-live'
STORAGE_SECRET = 'bench-live-storage-secret-not-for-production-0123'  # fixed: the cookie outlives an app restart
PASSWORD = 'bench live password'
OPEN_REQUESTS = '/admin/requests?status=requested'  # where the open-requests counter (counter-open) links to
ELEMENTS = re.compile(r'parseElements\(String\.raw`(.*?)`\)', re.DOTALL)
QUERY = re.compile(r'^\s*query: (\{.*\}),$', re.MULTILINE)
ACK_SECONDS = 3.0  # nicegui.js acknowledges received messages this often
WAIT_SECONDS = 60
CONNECTING_AT_ONCE = 8  # page loads in flight while the clients connect
SETTLE_SECONDS = 3.0
IDLE_SECONDS = 6.0
LAST_UPDATE_WAIT = 15.0
RUNNER_FRAMES = (  # where every stack of a busy thread starts: left out of the profile summary
    '<module> (app.py:',
    'serve (app.py:',
    'nicegui/ui_run.py:',
    'nicegui/server.py:',
    'uvicorn/server.py:',
    'uvicorn/_compat.py:',
    'asyncio/runners.py:',
    'threading.py:',
    'concurrent/futures/thread.py:',
)
TARGET_P95_MS = 250.0  # at 300 dashboards
TARGET_MB_PER_CLIENT = 0.5
TARGET_COLD_MS, TARGET_WARM_MS = 50.0, 1.0


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    if args.command == 'clients':
        counts = [int(n) for n in args.dashboards.split(',') if n.strip()]
        if not counts or min(counts) < 1 or args.bookings < 1:
            sys.exit('--dashboards takes positive counts (e.g. 50,300) and --bookings at least 1')
        _clients(counts, bookings=args.bookings, gap=args.gap, keep=args.keep, profile=args.profile, gc=args.gc)
    else:
        data_dir = Path(args.data_dir)
        _figures(data_dir if data_dir.is_absolute() else ROOT / data_dir, runs=args.runs, warm_runs=args.warm_runs)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest='command', required=True)
    clients = commands.add_parser('clients', help='live updates reaching N open dashboards')
    clients.add_argument('--dashboards', default='50,300', help='comma-separated client counts (default 50,300)')
    clients.add_argument('--bookings', type=int, default=20, help='bookings per count (default 20)')
    clients.add_argument('--gap', type=float, default=1.0, help='seconds between bookings (default 1)')
    clients.add_argument('--profile', help='py-spy record the app during the bookings of the largest count into FILE')
    clients.add_argument('--gc', action='store_true', help="log the app's garbage collections and their pauses")
    clients.add_argument('--keep', action='store_true', help='keep the data folder under var/bench-live')
    figures = commands.add_parser('figures', help='dashboard.figures cold and warm beside its raw SQL')
    figures.add_argument('--data-dir', default='var/bench', help='the seed (default var/bench)')
    figures.add_argument('--runs', type=int, default=7, help='cold runs of each kind (default 7)')
    figures.add_argument('--warm-runs', type=int, default=200, help='warm runs of each kind (default 200)')
    return parser


# --- clients: the app, Redis and the people ---------------------------------------------------------------------------


@dataclass(slots=True)
class Marketplace:
    admin_email: str
    customer: Any  # services.Actor
    service_id: int
    minutes: int
    booked: int = 0  # bookings so far, over every round: each takes the next free slot


def _clients(counts: list[int], *, bookings: int, gap: float, keep: bool, profile: str | None, gc: bool) -> None:
    LIVE_DIR.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix='run-', dir=LIVE_DIR))
    try:
        with _redis(work) as redis_url:
            environment = {
                'HSA_DATA_DIR': str(work / 'data'),
                'HSA_DATABASE_URL': '',
                'HSA_REDIS_URL': redis_url,
                'HSA_MIGRATE_ON_STARTUP': '1',
                'HSA_ENV': 'development',
                'HSA_BCRYPT_ROUNDS': '4',
                'HSA_EMBEDDED_JOBS': '0',
                'HSA_DEMO_DATA': '0',
                'HSA_STORAGE_SECRET': STORAGE_SECRET,
            }
            # The services in this process must reach the same database and Redis as the app: settings come from the
            # environment, so set it before anything of the project is imported.
            os.environ.update(environment)
            sys.path.insert(0, str(ROOT))
            print(f'{os.cpu_count()} cores, load average {_load()}; data in {work}; Redis {redis_url}')
            rounds = _rounds(work, environment, counts, bookings=bookings, gap=gap, profile=profile, gc=gc)
        _clients_table(rounds, bookings=bookings, gap=gap)
    finally:
        if keep:
            print(f'kept {work}')
        else:
            shutil.rmtree(work, ignore_errors=True)


def _rounds(
    work: Path,
    environment: dict[str, str],
    counts: list[int],
    *,
    bookings: int,
    gap: float,
    profile: str | None,
    gc: bool,
) -> list[Round]:
    _publish_to_redis(environment['HSA_REDIS_URL'])  # before the first commit: it bumps the app's cached figures
    with _app(work, environment, 'sign-in') as (base, _):  # migrates the database on start
        market = _marketplace()
        started = time.perf_counter()
        cookie = _sign_in(base, market.admin_email)
        print(f'signed in once in headless Chromium ({time.perf_counter() - started:.1f} s); its cookie is reused')
    rounds = []
    if gc:  # a sitecustomize.py on the app's PYTHONPATH only: the project's code stays as it is
        (work / 'gc-hook').mkdir()
        (work / 'gc-hook' / 'sitecustomize.py').write_text(GC_HOOK)
    for count in counts:
        gc_log = work / f'gc-{count}.log'
        hook = {'PYTHONPATH': str(work / 'gc-hook'), 'BENCH_GC_LOG': str(gc_log)} if gc else {}
        with _app(work, environment | hook, f'{count}') as (base, pid):
            spy = profile if profile and count == max(counts) else None
            rounds.append(
                asyncio.run(_round(base, pid, cookie, market, count, bookings=bookings, gap=gap, profile=spy))
            )
        if gc:
            rounds[-1].collections = _collections(gc_log)
    return rounds


GC_HOOK = '''"""Written by bench/live.py for the app it starts: log its garbage collections but the quick young ones."""

import functools
import gc
import os
import time

_log = open(os.environ['BENCH_GC_LOG'], 'a', buffering=1)  # noqa: SIM115 (open while the app runs)
_started = []


def _timed(phase, info):
    if phase == 'start':
        _started.append(time.perf_counter())
    elif _started:
        began = _started.pop()
        took = time.perf_counter() - began
        if info['generation'] or took > 0.001:
            _log.write(f"{info['generation']} {began:.6f} {took:.6f} {info['collected']}\\n")


gc.callbacks.append(_timed)
'''


def _collections(gc_log: Path) -> list[tuple[int, float, float]]:
    """(generation, start as time.perf_counter, seconds) of each logged collection (the clock is system-wide)."""
    if not gc_log.exists():
        return []
    rows = (line.split() for line in gc_log.read_text().splitlines())
    return [(int(row[0]), float(row[1]), float(row[2])) for row in rows if len(row) == 4]  # noqa: PLR2004


@contextlib.contextmanager
def _redis(work: Path) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        ['redis-server', '--port', str(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process, 'redis-server')
        yield f'redis://127.0.0.1:{port}/0'
    finally:
        process.terminate()
        process.wait(timeout=15)


@contextlib.contextmanager
def _app(work: Path, environment: dict[str, str], name: str) -> Iterator[tuple[str, int]]:
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(('PYTEST_', 'NICEGUI_'))}
    env |= environment | {'HSA_PORT': str(port)}
    log_file = work / f'app-{name}.log'
    with log_file.open('w') as output:
        process = subprocess.Popen([sys.executable, 'app.py'], cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        _wait_for_port(port, process, f'the app (see {log_file})')
        yield f'http://127.0.0.1:{port}', process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _marketplace() -> Marketplace:
    from models.db import session_scope  # noqa: PLC0415 (only once the environment points at the benchmark)
    from services import Actor, catalog, people  # noqa: PLC0415

    operator = Actor.operator()
    with session_scope(write=True) as session:
        admin = people.create_admin(session, operator, name='Bench Admin', email='admin@bench.test', password=PASSWORD)
    with session_scope(write=True) as session:
        service = catalog.create_service(
            session, operator, name='Deep cleaning', category='Cleaning', base_price=49900, time_required=60
        )
    with session_scope(write=True) as session:
        customer = people.sign_up_customer(
            session,
            name='Bench Customer',
            email='customer@bench.test',
            password=PASSWORD,
            phone='',
            address='1 MG Road, Bengaluru',
            pincode='560001',
        )
    with session_scope(write=True) as session:
        professional = people.sign_up_professional(
            session,
            name='Bench Professional',
            email='pro@bench.test',
            password=PASSWORD,
            phone='+919876543210',
            experience_years=5,
            description='Careful work.',
            pincodes='560001',
            service_id=service.id,
        )
    with session_scope(write=True) as session:
        people.approve(session, operator, professional_id=professional.id)
    return Marketplace(admin.email, customer, service.id, service.time_required)


def _sign_in(base: str, email: str) -> str:
    """Sign in through the real login page once; returns the browser's cookies as a Cookie header."""
    from selenium.webdriver.common.by import By  # noqa: PLC0415 (a test dependency: only for this command)
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

    from bench.browse import browser  # noqa: PLC0415 (the same headless Chromium as `admin_pages.py browse`)

    with browser() as driver:
        driver.get(f'{base}/login')
        for label, text in (('Email', email), ('Password', PASSWORD)):
            box = driver.find_element(
                By.XPATH, f"(//label[.//div[normalize-space()='{label}']])[last()]//*[self::input or self::textarea]"
            )
            box.clear()
            box.send_keys(text)
        driver.find_element(
            By.XPATH, "//button[.//*[normalize-space()='Sign in'] or normalize-space()='Sign in']"
        ).click()
        WebDriverWait(driver, WAIT_SECONDS).until(
            lambda d: d.find_elements(By.XPATH, "//*[text()='Pending approvals']")
        )
        return '; '.join(f'{c["name"]}={c["value"]}' for c in driver.get_cookies())


def _publish_to_redis(redis_url: str) -> None:
    """What a worker does: committed events go to Redis pub/sub, where every app process hears them. Job requests
    (the booking's notifications) are dropped: no worker runs here."""
    from models.db import set_publisher  # noqa: PLC0415
    from services import runtime  # noqa: PLC0415
    from tasks.cache_store import RedisStore  # noqa: PLC0415
    from tasks.relay import RedisRelay  # noqa: PLC0415

    set_publisher(runtime.Bus(run_job=lambda _request: None, relay=RedisRelay(redis_url).publish).deliver)
    runtime.use_redis_store(RedisStore)  # what the bookings change makes the app's cached figures stale


def _book(market: Marketplace) -> float:
    """Book one request in the next slot; returns the moment its unit committed (time.perf_counter)."""
    from models.db import on_commit, session_scope  # noqa: PLC0415
    from services import clock, requests  # noqa: PLC0415
    from settings import get_settings  # noqa: PLC0415

    index, market.booked = market.booked, market.booked + 1
    now = clock.now()
    day = now.astimezone(get_settings().zone).date() + timedelta(days=2 + index // 8)
    at = requests.available_slots(day, market.minutes, now=now)[index % 8]
    committed: list[float] = []
    with session_scope(write=True) as session:
        on_commit(session, ('bench', 'committed'), lambda: committed.append(time.perf_counter()))  # runs first
        requests.book(session, market.customer, service_id=market.service_id, scheduled_at=at)
    return committed[0]


# --- clients: the dashboards ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Dashboard:
    """One open /admin page: a NiceGUI client built by a page load, followed over socket.io."""

    client_id: str
    counter_id: str  # the element id of the open-requests counter
    shown: int  # the counter's value when the page loaded
    sio: Any = None
    next_message_id: int = 0
    acked: int = -1
    seen: list[tuple[int, float]] = field(default_factory=list)  # (counter value, when it arrived), in order
    sizes: list[int] | None = None  # bytes of each 'update' (only on the first dashboard)

    async def on_update(self, message: dict[str, Any]) -> None:
        arrived = time.perf_counter()
        self._count(message)
        element = message.get(self.counter_id)
        if element is not None and 'text' in element:
            self.seen.append((int(element['text'].replace(',', '')), arrived))
        if self.sizes is not None:
            self.sizes.append(len(json.dumps(message)))

    def first_at(self, value: int) -> float | None:
        """When the counter first showed `value` or more: a burst that took in two bookings shows both at once."""
        return next((arrived for shown, arrived in self.seen if shown >= value), None)

    async def on_javascript(self, message: dict[str, Any]) -> None:
        """Answer what the page asks the browser, as a desktop-wide one would: the left drawer is open (NiceGUI
        asks on connect and logs an error after 1 s without an answer); anything else gets nothing back."""
        self._count(message)
        if message.get('request_id') is not None:
            answer = {'request_id': message['request_id'], 'client_id': self.client_id}
            await self.sio.emit('javascript_response', answer | {'result': '__IS_DRAWER_OPEN__' in message['code']})

    async def on_other(self, _event: str, message: Any = None) -> None:
        self._count(message)

    def _count(self, message: Any) -> None:
        if isinstance(message, dict) and isinstance(message.get('_id'), int):
            self.next_message_id = message['_id'] + 1

    async def ack(self) -> None:
        if self.sio is not None and self.sio.connected and self.next_message_id > self.acked:
            self.acked = self.next_message_id
            await self.sio.emit('ack', {'client_id': self.client_id, 'next_message_id': self.next_message_id})


@dataclass(slots=True)
class Round:
    dashboards: int
    connect_seconds: float
    rss_before: float  # MB (10^6 B)
    rss_after: float
    cpu_seconds: float  # the app's user + system time during the bookings
    idle_cpu: float  # the app's CPU seconds per second with the clients connected and nothing happening
    bookings_seconds: float
    latencies_ms: list[float]
    first_ms: list[float]  # per booking: the first client to see it
    last_ms: list[float]  # per booking: the last one
    missed: int  # client x booking pairs that never saw the value
    bursts: float  # median, over the clients, of the counter updates each received (bookings, if each its own burst)
    update_bytes: list[int]
    client_cpu_seconds: float  # this process (the clients and the bookings) during the bookings
    committed: list[float]  # when each booking committed (time.perf_counter)
    collections: list[tuple[int, float, float]] = field(default_factory=list)  # with --gc: (generation, at, seconds)


async def _round(
    base: str, pid: int, cookie: str, market: Marketplace, count: int, *, bookings: int, gap: float, profile: str | None
) -> Round:
    import aiohttp  # noqa: PLC0415 (installed with NiceGUI)

    async with aiohttp.ClientSession(base_url=base, headers={'Cookie': cookie}) as http:
        # Warm-up: one dashboard sees one booking (the code paths of a first update), then goes away.
        warm = await _open(http, base, cookie)
        await asyncio.to_thread(_book, market)
        await asyncio.sleep(1.0)
        await warm.sio.disconnect()
        await asyncio.sleep(SETTLE_SECONDS + 3)  # NiceGUI deletes a client 3 s after its socket went
        rss_before = _rss_mb(pid)
        started = time.perf_counter()
        limit = asyncio.Semaphore(CONNECTING_AT_ONCE)

        async def one() -> Dashboard:
            async with limit:
                return await _open(http, base, cookie)

        dashboards = await asyncio.gather(*(one() for _ in range(count)))
        connect_seconds = time.perf_counter() - started
        print(f'[{count}] {count} dashboards connected in {connect_seconds:.1f} s')
        acks = asyncio.create_task(_ack_forever(dashboards))
        await asyncio.sleep(SETTLE_SECONDS)
        rss_after = _rss_mb(pid)
        idle = _cpu_seconds(pid)
        await asyncio.sleep(IDLE_SECONDS)  # what the open pages cost when nothing happens (pings, acks)
        idle_cpu = (_cpu_seconds(pid) - idle) / IDLE_SECONDS
        dashboards[0].sizes = []
        spy = _py_spy(pid, profile, seconds=bookings * gap + 5) if profile else None
        cpu, own_cpu, started = _cpu_seconds(pid), time.process_time(), time.perf_counter()
        committed = []
        for _ in range(bookings):
            committed.append(await asyncio.to_thread(_book, market))
            await asyncio.sleep(max(0.0, committed[-1] + gap - time.perf_counter()))
        await _until_seen(dashboards, bookings, deadline=time.perf_counter() + LAST_UPDATE_WAIT)
        cpu, own_cpu = _cpu_seconds(pid) - cpu, time.process_time() - own_cpu
        bookings_seconds = time.perf_counter() - started
        if spy is not None:
            spy.wait()
            print(
                f'[{count}] py-spy profile of the app during the bookings: {profile} (py-spy pauses the app for '
                'every sample: the latencies of this count are inflated, by about half at 300 dashboards)'
            )
            if profile.endswith('.txt'):
                _profile_summary(Path(profile))
        acks.cancel()
        await asyncio.gather(*(d.sio.disconnect() for d in dashboards), return_exceptions=True)
    latencies, first, last, missed = _latencies(dashboards, committed)
    return Round(
        dashboards=count,
        connect_seconds=connect_seconds,
        rss_before=rss_before,
        rss_after=rss_after,
        cpu_seconds=cpu,
        idle_cpu=idle_cpu,
        bookings_seconds=bookings_seconds,
        latencies_ms=latencies,
        first_ms=first,
        last_ms=last,
        missed=missed,
        bursts=statistics.median(len(d.seen) for d in dashboards),
        update_bytes=dashboards[0].sizes or [],
        client_cpu_seconds=own_cpu,
        committed=committed,
    )


async def _open(http: Any, base: str, cookie: str) -> Dashboard:
    """Load /admin (a new NiceGUI client for this browser session), then connect its socket as nicegui.js does."""
    import socketio  # noqa: PLC0415 (python-socketio, installed with NiceGUI)

    async with http.get('/admin', allow_redirects=False) as response:
        page = await response.text()
        if response.status != 200:  # noqa: PLR2004
            raise SystemExit(f'GET /admin answered {response.status}: the session cookie was not accepted')
    elements = json.loads(html.unescape(ELEMENTS.search(page).group(1)))
    query = ast.literal_eval(QUERY.search(page).group(1))  # the template writes a Python dict's repr
    counter_id = _counter_id(elements)
    dashboard = Dashboard(query['client_id'], counter_id, int(elements[counter_id]['text'].replace(',', '')))
    dashboard.next_message_id = int(query['next_message_id'])
    sio = socketio.AsyncClient(reconnection=False)
    sio.on('update', dashboard.on_update)
    sio.on('run_javascript', dashboard.on_javascript)
    sio.on('*', dashboard.on_other)
    dashboard.sio = sio
    handshake = {
        'client_id': query['client_id'],
        'next_message_id': query['next_message_id'],
        'implicit_handshake': 'true',  # NiceGUI handshakes in the connect itself (the page was no prefetch)
        'document_id': str(uuid.uuid4()),
        'tab_id': str(uuid.uuid4()),
    }
    await sio.connect(
        f'{base}/?{urlencode(handshake)}',
        headers={'Cookie': cookie},
        transports=['websocket'],
        socketio_path='/_nicegui_ws/socket.io',
        wait_timeout=WAIT_SECONDS,
    )
    return dashboard


def _counter_id(elements: dict[str, Any]) -> str:
    """The label inside the link to the open requests: the counter marked counter-open (markers stay on the server)."""
    for element in elements.values():
        if element.get('props', {}).get('href') == OPEN_REQUESTS and element.get('children'):
            return str(element['children'][0])
    raise SystemExit(f'no link to {OPEN_REQUESTS} on /admin: has the dashboard changed?')


async def _ack_forever(dashboards: list[Dashboard]) -> None:
    while True:
        await asyncio.sleep(ACK_SECONDS)
        await asyncio.gather(*(d.ack() for d in dashboards), return_exceptions=True)


async def _until_seen(dashboards: list[Dashboard], bookings: int, *, deadline: float) -> None:
    while time.perf_counter() < deadline:
        if all(d.first_at(d.shown + bookings) is not None for d in dashboards):
            return
        await asyncio.sleep(0.1)


def _latencies(
    dashboards: list[Dashboard], committed: list[float]
) -> tuple[list[float], list[float], list[float], int]:
    latencies, first, last, missed = [], [], [], 0
    for index, stamp in enumerate(committed):
        arrived = [d.first_at(d.shown + index + 1) for d in dashboards]
        times = [(at - stamp) * 1000 for at in arrived if at is not None]
        missed += len(arrived) - len(times)
        latencies.extend(times)
        first.append(min(times, default=float('nan')))  # NaN: nobody got it (left out of the percentiles)
        last.append(max(times, default=float('nan')))
    return latencies, first, last, missed


def _py_spy(pid: int, output: str, *, seconds: float) -> subprocess.Popen | None:
    spy = shutil.which('py-spy') or str(Path(sys.executable).with_name('py-spy'))
    if not Path(spy).exists():
        print('py-spy is not installed: no profile (.venv/bin/pip install py-spy)')
        return None
    command = [spy, 'record', '--pid', str(pid), '--duration', str(round(seconds)), '--rate', '200', '-o', output]
    if output.endswith('.txt'):
        command += ['--format', 'raw']
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _clients_table(rounds: list[Round], *, bookings: int, gap: float) -> None:
    print(
        f'\n{bookings} bookings {gap:g} s apart per count; latency = commit -> the socket.io update carrying the new '
        'open-requests count, every client x booking (ms); first/last = the first and last client to get a '
        'booking (median over bookings); bursts = counter updates a client got; app CPU per burst net of what the '
        'open pages cost when idle; RSS in MB (10^6 B)'
    )
    header = (
        f'{"dashboards":>10} {"p50":>6} {"p95":>6} {"max":>6} {"first":>6} {"last":>6} {"missed":>6} {"bursts":>6} '
        f'{"app CPU/burst":>13} {"RSS before":>10} {"RSS after":>9} {"MB/client":>9} {"update KB":>9} '
        f'{"connect s":>9}'
    )
    print(header)
    print('-' * len(header))
    for r in rounds:
        size = statistics.median(r.update_bytes) / 1000 if r.update_bytes else float('nan')
        print(
            f'{r.dashboards:>10} {_percentile(r.latencies_ms, 50):>6.0f} {_percentile(r.latencies_ms, 95):>6.0f} '
            f'{_percentile(r.latencies_ms, 100):>6.0f} {_percentile(r.first_ms, 50):>6.0f} '
            f'{_percentile(r.last_ms, 50):>6.0f} {r.missed:>6} {r.bursts:>6.0f} '
            f'{_burst_cpu_ms(r):>10.0f} ms {r.rss_before:>10.1f} {r.rss_after:>9.1f} '
            f'{(r.rss_after - r.rss_before) / r.dashboards:>9.3f} {size:>9.1f} {r.connect_seconds:>9.1f}'
        )
    for r in rounds:
        busy = r.cpu_seconds / r.bookings_seconds * 100
        print(
            f'[{r.dashboards}] app CPU {r.cpu_seconds:.2f} s over {r.bookings_seconds:.1f} s of bookings ({busy:.0f}% '
            f'of a core; {r.idle_cpu * 100:.1f}% when idle with the clients connected); this process (clients + '
            f'bookings) {r.client_cpu_seconds:.2f} s'
        )
        print(
            f'[{r.dashboards}] per booking, first / last client (ms): '
            + ' '.join(f'{first:.0f}/{last:.0f}' for first, last in zip(r.first_ms, r.last_ms, strict=True))
        )
    for r in rounds:
        _gc_summary(r)
    big = max(rounds, key=lambda r: r.dashboards)
    p95, per_client = _percentile(big.latencies_ms, 95), (big.rss_after - big.rss_before) / big.dashboards
    print(
        f'targets at {big.dashboards} dashboards: p95 <= {TARGET_P95_MS:.0f} ms: '
        f'{"met" if p95 <= TARGET_P95_MS else "MISSED"} ({p95:.0f}); <= {TARGET_MB_PER_CLIENT} MB per client: '
        f'{"met" if per_client <= TARGET_MB_PER_CLIENT else "MISSED"} ({per_client:.3f})'
    )


def _gc_summary(r: Round) -> None:
    """With --gc: the app's collections from the first commit to the last booking's last client, and whether the
    bookings that had a full (generation 2) collection between their commit and their last client were the slow ones."""
    if not r.collections or not r.committed:
        return
    end = r.committed[-1] + max(r.last_ms) / 1000
    during = [(g, at, took * 1000) for g, at, took in r.collections if r.committed[0] <= at <= end]
    by_generation: dict[int, list[float]] = {}
    for generation, _, took in during:
        by_generation.setdefault(generation, []).append(took)
    print(
        f'[{r.dashboards}] garbage collections during the bookings (young ones over 1 ms only): '
        + '; '.join(
            f'generation {g}: {len(t)}, {sum(t):.0f} ms in all, longest {max(t):.0f} ms'
            for g, t in sorted(by_generation.items())
        )
    )
    with_full, others = [], []
    for stamp, last in zip(r.committed, r.last_ms, strict=True):
        full = sum(took for g, at, took in during if g == 2 and stamp <= at <= stamp + last / 1000)  # noqa: PLR2004
        (with_full if full else others).append((last, full))
    if with_full:
        print(
            f'[{r.dashboards}] {len(with_full)} of {len(r.committed)} bookings had a full collection in flight: their '
            f'last client at {_percentile([last for last, _ in with_full], 50):.0f} ms (median; the collections '
            f'{_percentile([full for _, full in with_full], 50):.0f} ms), the others at '
            f'{_percentile([last for last, _ in others], 50):.0f} ms'
        )


def _burst_cpu_ms(r: Round) -> float:
    return (r.cpu_seconds - r.idle_cpu * r.bookings_seconds) / max(r.bursts, 1) * 1000


def _percentile(values: list[float], percent: float) -> float:
    """Nearest rank; NaN for no values."""
    ordered = sorted(value for value in values if value == value)  # noqa: PLR0124 (NaN is not equal to itself)
    if not ordered:
        return float('nan')
    return ordered[min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered)) - 1))]


def _profile_summary(path: Path, top: int = 25) -> None:
    """The frames most often on the stack of the app's busy threads, from py-spy's raw (collapsed) output."""
    inclusive: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(' ')
        frames = stack.split(';')
        if any(f.startswith('_worker (concurrent/futures/thread.py:81)') for f in frames):
            continue  # a thread of the pool waiting for work (py-spy counts it as busy)
        total += int(count)
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + int(count)
    shown = [(n, f) for f, n in inclusive.items() if not any(runner in f for runner in RUNNER_FRAMES)]
    print(f'\npy-spy, {total:,} samples of busy threads; the frames most often on the stack (% of the samples):')
    for count, frame in sorted(shown, reverse=True)[:top]:
        print(f'  {count / total:>4.0%}  {frame}')


# --- figures ------------------------------------------------------------------------------------------------------


def _figures(data_path: Path, *, runs: int, warm_runs: int) -> None:
    if not (data_path / 'hsa.db').exists():
        sys.exit(f'no database in {data_path}: seed it with bench/admin_pages.py seed')
    os.environ.update({'HSA_DATA_DIR': str(data_path), 'HSA_DATABASE_URL': '', 'HSA_DEMO_DATA': '0'})
    os.environ['HSA_REDIS_URL'] = ''
    sys.path.insert(0, str(ROOT))
    LIVE_DIR.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix='redis-', dir=LIVE_DIR))
    try:
        with _redis(work) as redis_url:
            _time_figures(data_path / 'hsa.db', redis_url, runs=runs, warm_runs=warm_runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)


@dataclass(slots=True)
class Statement:
    label: str
    sql: str
    parameters: Any
    service_ms: list[float] = field(default_factory=list)  # in the cold calls: from its start to the next one's
    raw_ms: list[float] = field(default_factory=list)  # sqlite3 execute + fetchall


STATEMENT_LABELS = (  # the first needle found in a statement names it
    (' LIMIT ', 'longest waiting (5 rows, joined)'),
    ('GROUP BY service_request.service_status', 'requests by status'),
    ('GROUP BY service_request.service_id', 'requests by service'),
    ('FROM service WHERE service.id IN', 'service names'),
    ('UNION ALL', f'booked per day ({30} range counts)'),
    ('professional_profile.approval_state', 'pending approvals'),
    ('service_request.scheduled_at >', 'waiting too long (count)'),
    ('GROUP BY review.rating', 'ratings'),
    ('WHERE user.id = ?', 'the admin (require_role)'),
)


class StatementTimer:
    """Records what the engine sends (text and bound parameters, after binding) and when each statement starts.
    SQLite computes a grouped count while its rows are fetched, after cursor.execute returns, and the ORM fetches
    right away: so a statement's share of a call is taken from its start to the next statement's (the last one's to
    the end of the call), which holds its execution, the fetch, the Python around its rows and the building of the
    next statement."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event  # noqa: PLC0415

        self.active, self.seen, self.call = False, [], (0.0, 0.0)
        event.listen(engine, 'before_cursor_execute', self._before)

    def _before(self, _conn: Any, _cursor: Any, sql: str, parameters: Any, _context: Any, _many: bool) -> None:
        if self.active and sql.strip().upper() not in ('BEGIN', 'COMMIT', 'ROLLBACK'):
            self.seen.append((sql, parameters, time.perf_counter()))

    def spans_ms(self) -> tuple[float, list[float]]:
        """(ms from the call's start to its first statement, ms of each statement as above) for the last call."""
        starts = [started for _, _, started in self.seen]
        ends = [*starts[1:], self.call[1]]
        return (starts[0] - self.call[0]) * 1000, [
            (end - start) * 1000 for start, end in zip(starts, ends, strict=True)
        ]


def _use_redis(url: str) -> None:
    from settings import reload_settings  # noqa: PLC0415

    os.environ['HSA_REDIS_URL'] = url
    reload_settings()


def _time_figures(db_path: Path, redis_url: str, *, runs: int, warm_runs: int) -> None:
    import redis  # noqa: PLC0415

    from models.db import get_engine, session_scope  # noqa: PLC0415
    from services import dashboard  # noqa: PLC0415
    from services.core import cache  # noqa: PLC0415
    from tasks.cache_store import RedisStore  # noqa: PLC0415

    cache.use_redis_store(RedisStore)  # as app.py does with Redis configured
    actor = _seed_admin()
    raw = sqlite3.connect(db_path, isolation_level=None)
    raw.execute('PRAGMA busy_timeout=10000')
    requests = raw.execute('SELECT count(*) FROM service_request').fetchone()[0]
    print(f'{db_path}: {requests:,} requests; {os.cpu_count()} cores, load average {_load()}')
    timer = StatementTimer(get_engine())
    flush = redis.Redis.from_url(redis_url).flushdb

    def in_unit(prepare: Callable[[], Any]) -> tuple[float, float]:
        """(ms of the figures call, ms of the whole read unit around it, as the dashboard page runs it)."""
        prepare()
        started = time.perf_counter()
        with session_scope() as session:
            called = time.perf_counter()
            dashboard.figures(session, actor)
            timer.call = (called, time.perf_counter())
        return (timer.call[1] - called) * 1000, (time.perf_counter() - started) * 1000

    in_memory, in_redis = functools.partial(_use_redis, ''), functools.partial(_use_redis, redis_url)

    def cold_memory() -> None:
        in_memory()
        cache.forget_stores()  # the in-process store goes, and what it held

    def cold_redis() -> None:
        in_redis()
        flush()

    timer.active = True  # the statements of a cold call, recorded once and replayed raw below
    in_unit(cold_memory)
    timer.active = False
    statements = [Statement(_statement_label(sql), sql, parameters) for sql, parameters, _ in timer.seen]
    results: dict[str, list[tuple[float, float]]] = {'cold, in-process store': [], 'cold, Redis (flushed)': []}
    raw_totals, heads = [], []
    for _ in range(runs + 1):  # the first round is a warm-up, dropped
        timer.active, timer.seen = True, []
        results['cold, in-process store'].append(in_unit(cold_memory))
        timer.active = False
        head, spans = timer.spans_ms()
        heads.append(head)
        for statement, ms in zip(statements, spans, strict=True):
            statement.service_ms.append(ms)
        results['cold, Redis (flushed)'].append(in_unit(cold_redis))
        raw_totals.append(_replay(raw, statements))
    for name, prepare in (('warm, in-process store', in_memory), ('warm, Redis', in_redis)):
        in_unit(prepare)  # fills the cache
        results[name] = [in_unit(prepare) for _ in range(warm_runs + 1)]
    raw.close()
    _figures_tables(results, statements, raw_totals, statistics.median(heads[1:]), runs=runs, warm_runs=warm_runs)
    _plans(db_path, statements)


def _seed_admin() -> Any:
    from sqlalchemy import select  # noqa: PLC0415

    from models import User  # noqa: PLC0415
    from models.db import session_scope  # noqa: PLC0415
    from models.enums import Role  # noqa: PLC0415
    from models.migrate import upgrade_to_head  # noqa: PLC0415
    from services import identity  # noqa: PLC0415

    upgrade_to_head()  # as bench/admin_pages.py time: a seed made before a newer migration is brought up to date
    with session_scope() as session:
        admin = session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id).limit(1))
        if admin is None:
            sys.exit('no admin in this database: seed it with bench/admin_pages.py seed')
        return identity.actor_for(admin)


def _statement_label(sql: str) -> str:
    flat = ' '.join(sql.split())
    return next((label for needle, label in STATEMENT_LABELS if needle in flat), flat[:40])


def _replay(raw: sqlite3.Connection, statements: list[Statement]) -> float:
    """The statements in one read transaction, each timed with its rows fetched; returns the total in ms."""
    started = time.perf_counter()
    raw.execute('BEGIN')
    for statement in statements:
        one = time.perf_counter()
        raw.execute(statement.sql, statement.parameters).fetchall()
        statement.raw_ms.append((time.perf_counter() - one) * 1000)
    raw.execute('COMMIT')
    return (time.perf_counter() - started) * 1000


def _figures_tables(
    results: dict[str, list[tuple[float, float]]],
    statements: list[Statement],
    raw_totals: list[float],
    head_ms: float,
    *,
    runs: int,
    warm_runs: int,
) -> None:
    print(
        f'\ndashboard.figures(session, admin), ms: medians (min) of {runs} cold runs after a warm-up, {warm_runs} warm'
    )
    header = f'{"":<26} {"figures() call":>16} {"min":>8} {"read unit + call":>17} {"min":>8}'
    print(header)
    print('-' * len(header))
    for name, pairs in results.items():
        kept = pairs[1:]  # the first is a warm-up
        calls, units = [c for c, _ in kept], [u for _, u in kept]
        print(
            f'{name:<26} {statistics.median(calls):>16.3f} {min(calls):>8.3f} '
            f'{statistics.median(units):>17.3f} {min(units):>8.3f}'
        )
    raw_kept = raw_totals[1:]
    print(f'{"raw SQL, sqlite3":<26} {statistics.median(raw_kept):>16.3f} {min(raw_kept):>8.3f}')
    print(f'\nwhere the cold time goes, per statement (ms, medians of {runs}):')
    header = f'{"statement":<34} {"ours (to the next)":>18} {"raw: execute + fetch":>20} {"share of raw":>12}'
    print(header)
    print('-' * len(header))
    total = sum(statistics.median(s.raw_ms[1:]) for s in statements)
    print(f'{"(before the first statement)":<34} {head_ms:>18.2f}')
    for statement in statements:
        ours, raw = statistics.median(statement.service_ms[1:]), statistics.median(statement.raw_ms[1:])
        print(f'{statement.label:<34} {ours:>18.2f} {raw:>20.2f} {raw / total:>11.0%}')
    ours = head_ms + sum(statistics.median(s.service_ms[1:]) for s in statements)
    print(f'{"sum of the medians":<34} {ours:>18.2f} {total:>20.2f}')
    cold = statistics.median(c for c, _ in results['cold, in-process store'][1:])
    warm = statistics.median(c for c, _ in results['warm, in-process store'][1:])
    print(
        f'\ntargets: cold <= {TARGET_COLD_MS:.0f} ms: {"met" if cold <= TARGET_COLD_MS else "MISSED"} ({cold:.1f}); '
        f'warm <= {TARGET_WARM_MS:g} ms: {"met" if warm <= TARGET_WARM_MS else "MISSED"} ({warm:.3f})'
    )


def _plans(db_path: Path, statements: list[Statement]) -> None:
    """The query plan of every statement taking a tenth of the raw SQL time or more, slowest first."""
    total = sum(statistics.median(s.raw_ms[1:]) for s in statements)
    slow = [s for s in statements if statistics.median(s.raw_ms[1:]) >= total / 10]
    connection = sqlite3.connect(f'file:{db_path}?mode=ro', uri=True)
    for statement in sorted(slow, key=lambda s: -statistics.median(s.raw_ms[1:])):
        print(f'\n{statement.label}, {statistics.median(statement.raw_ms[1:]):.1f} ms raw:')
        print('  ' + ' '.join(statement.sql.split())[:300])
        plan = [row[3] for row in connection.execute(f'EXPLAIN QUERY PLAN {statement.sql}', statement.parameters)]
        for detail in dict.fromkeys(plan):  # once each, in order (the per-day counts repeat one plan 30 times)
            times = plan.count(detail)
            print(f'  plan: {detail}' + (f' (x{times})' if times > 1 else ''))
    connection.close()


# --- helpers ------------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        with socket.socket() as attempt:
            if attempt.connect_ex(('127.0.0.1', port)) == 0:
                return
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f'{what} did not start')
        time.sleep(0.2)


def _rss_mb(pid: int) -> float:
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) * 1024 / 1e6
    raise SystemExit(f'no VmRSS for process {pid}')


def _cpu_seconds(pid: int) -> float:
    """User + system time of a process, all its threads (from /proc/<pid>/stat)."""
    fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def _load() -> str:
    return ' '.join(f'{value:.1f}' for value in os.getloadavg())


if __name__ == '__main__':
    main()
