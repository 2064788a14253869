"""The REST API beside the service calls it makes (issue 20): what the HTTP layer adds to a call, and how many calls a
second `python app.py` answers under 1, 8 and 32 concurrent clients. A benchmark, not a test.

    .venv/bin/python bench/api.py                      # this tree; 200 timed calls a measurement, 5 s a load level
    .venv/bin/python bench/api.py --calls 500 --seconds 10 --clients 1,8,32,64

The app (`python app.py` from --root) serves a fresh data dir seeded with `manage.py seed-demo`, on the embedded
defaults (SQLite, no Redis). Each measurement alternates the API call (over a kept-alive connection, with the demo
user's bearer token) and the same service calls in this process against the same database, in one unit as the route
makes them: a list; a booking or an acceptance and then reading the request back (the route answers with it).
"over service" is the median of the paired differences: the socket both ways, the HTTP parsing, routing, the token's
check (its session is looked up in the call's unit, every call), validation and JSON both ways. Booking and accepting
take a new slot each time (a service of the demo professional, in a pincode they serve).

The client is the standard library's http.client (--client wire), which does next to nothing per call, so the figure
is the server's and the socket's; httpx (--client httpx) adds about 0.3 ms of its own Python to each call.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus
from http.client import HTTPConnection
from json import dumps, loads
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.phone_app import commit, environment, serve  # noqa: E402

PREFIX = '/api/v1'
LOGIN = re.compile(r'^\s*(admin|professional|customer)\s+(\S+)\s+password\s+(\S+)', re.MULTILINE)


def main() -> None:
    args = _parser().parse_args()
    root = Path(args.root).resolve()
    with tempfile.TemporaryDirectory(prefix='hsa-api-') as folder:
        data = Path(folder)
        logins = _seed(root, data)
        os.environ.update(environment(data))  # this process reads the same database
        with serve(root, data) as base:
            print(f'app: {root} ({commit(root)}); {args.calls} calls a measurement, {args.seconds} s a load level\n')
            _measure(base, logins, args)


def _seed(root: Path, data: Path) -> dict[str, tuple[str, str]]:
    """The demo marketplace in `data`; each role's email and password, as seed-demo prints them."""
    command = [sys.executable, 'manage.py', 'seed-demo']
    done = subprocess.run(command, check=False, cwd=root, env=environment(data), capture_output=True, text=True)
    logins = {role: (email, password) for role, email, password in LOGIN.findall(done.stdout)}
    if done.returncode or set(logins) != {'admin', 'professional', 'customer'}:
        sys.exit(f'seed-demo failed:\n{done.stdout}{done.stderr}')
    return logins


def _measure(base: str, logins: dict[str, tuple[str, str]], args: argparse.Namespace) -> None:
    from services import identity, requests, session_scope  # noqa: PLC0415 (after the environment is set)

    client = Wire(base) if args.client == 'wire' else httpx.Client(base_url=f'{base}{PREFIX}', timeout=30)
    with client as http:
        tokens = {role: _token(http, *login) for role, login in logins.items()}
        actors = {role: identity.authenticate(identity.hash_token(token)) for role, token in tokens.items()}
        slots = _free_slots(http, tokens['professional'], args.calls * 2 + 2)
        rows = [
            _paired(
                'list requests (first page)',
                lambda: http.get('/requests', headers=_bearer(tokens['customer'])),
                lambda: _read(session_scope, requests.list_customer_requests, actors['customer']),
                args.calls,
            ),
            _paired(
                'list requests (status filter)',
                lambda: http.get('/requests', params={'status': 'requested'}, headers=_bearer(tokens['admin'])),
                lambda: _read(session_scope, requests.list_all_requests, actors['admin'], status='requested'),
                args.calls,
            ),
        ]
        booked: list[int] = []
        rows.append(
            _paired(
                'book',
                lambda: booked.append(_book_http(http, tokens['customer'], slots.pop())),
                lambda: booked.append(_book_service(session_scope, requests, actors['customer'], slots.pop())),
                args.calls,
            )
        )
        rows.append(
            _paired(
                'accept',
                lambda: http.post(f'/requests/{booked.pop()}/accept', headers=_bearer(tokens['professional'])),
                lambda: _accept_service(session_scope, requests, actors['professional'], booked.pop()),
                args.calls,
            )
        )
    print(
        f'Per call, ms, client {args.client} (median of the runs; "over service": median of the paired differences)\n'
    )
    print('| call | API p50 | API p95 | service p50 | over service |')
    print('|---|---:|---:|---:|---:|')
    for label, api, service, over in rows:
        print(
            f'| {label} | {_ms(api, 50)} | {_ms(api, 95)} | {_ms(service, 50)} | {statistics.median(over) * 1000:.2f} |'
        )
    print("\nThroughput: GET /api/v1/requests (the customer's first page), concurrent clients for a fixed time\n")
    print('| clients | calls/s | p50 ms | p95 ms | errors |')
    print('|---:|---:|---:|---:|---:|')
    for clients in (int(n) for n in args.clients.split(',')):
        done, latencies, errors = asyncio.run(_load(base, tokens['customer'], clients, args.seconds))
        print(f'| {clients} | {done / args.seconds:.0f} | {_ms(latencies, 50)} | {_ms(latencies, 95)} | {errors} |')


def _paired(label: str, api: Callable[[], Any], service: Callable[[], Any], calls: int) -> tuple[Any, ...]:
    api(), service()  # warm up both
    api_times, service_times, over = [], [], []
    for _ in range(calls):
        started = time.perf_counter()
        answer = api()
        middle = time.perf_counter()
        service()
        ended = time.perf_counter()
        if hasattr(answer, 'status_code') and answer.status_code >= HTTPStatus.BAD_REQUEST:
            sys.exit(f'{label}: {answer.status_code} {answer.text}')
        api_times.append(middle - started)
        service_times.append(ended - middle)
        over.append((middle - started) - (ended - middle))
    return label, api_times, service_times, over


async def _load(base: str, token: str, clients: int, seconds: float) -> tuple[int, list[float], int]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            started = time.perf_counter()
            answer = await http.get('/requests', headers=_bearer(token))
            latencies.append(time.perf_counter() - started)
            errors += answer.status_code != HTTPStatus.OK

    async with httpx.AsyncClient(base_url=f'{base}/api/v1', timeout=60, limits=limits) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    return len(latencies), latencies, errors


def _read(session_scope: Callable[..., Any], call: Callable[..., Any], actor: Any, **kwargs: Any) -> Any:
    with session_scope() as session:
        return call(session, actor, **kwargs)


def _accept_service(session_scope: Callable[..., Any], requests: Any, actor: Any, request_id: int) -> Any:
    with session_scope(write=True) as session:
        requests.accept(session, actor, request_id=request_id)
        return requests.get_request(session, actor, request_id=request_id)


def _book_http(http: Any, token: str, slot: tuple[int, str]) -> int:
    service_id, start = slot
    answer = http.post('/requests', json={'service_id': service_id, 'scheduled_at': start}, headers=_bearer(token))
    if answer.status_code != HTTPStatus.CREATED:
        sys.exit(f'book: {answer.status_code} {answer.text}')
    return answer.json()['id']


def _book_service(session_scope: Callable[..., Any], requests: Any, actor: Any, slot: tuple[int, str]) -> int:
    service_id, start = slot
    with session_scope(write=True) as session:
        request_id = requests.book(session, actor, service_id=service_id, scheduled_at=datetime.fromisoformat(start))
        requests.get_request(session, actor, request_id=request_id)
        return request_id


def _free_slots(http: Any, professional_token: str, wanted: int) -> list[tuple[int, str]]:
    """Starts of the demo professional's service, an hour apart or more, none overlapping another: each booking
    takes its own slot and the professional can accept them all."""
    from services import catalog, clock, requests, session_scope  # noqa: PLC0415

    me = http.get('/me', headers=_bearer(professional_token)).json()
    with session_scope() as session:
        service = next(row for row in catalog.list_services(session) if row.name == me['service'])
    found: list[tuple[int, str]] = []
    last_end = clock.now()
    for day in requests.bookable_days(service.time_required):
        for start in requests.available_slots(day, service.time_required):
            if start >= last_end:
                found.append((service.id, start.isoformat()))
                last_end = start + timedelta(minutes=service.time_required)
    if len(found) < wanted:
        sys.exit(f'only {len(found)} free slots of {service.name}; ask for fewer --calls')
    return found[:wanted]


def _token(http: Any, email: str, password: str) -> str:
    answer = http.post('/tokens', json={'email': email, 'password': password})
    if answer.status_code != HTTPStatus.CREATED:
        sys.exit(f'sign-in of {email}: {answer.status_code} {answer.text}')
    return answer.json()['token']


def _bearer(token: str) -> dict[str, str]:
    return {'Authorization': f'Bearer {token}'}


class Wire:
    """A kept-alive HTTP/1.1 connection of the standard library's, with the few calls the bench makes, shaped as
    httpx's (get / post, an answer with status_code, text and json())."""

    def __init__(self, base: str) -> None:
        address = urlsplit(base)
        self.connection = HTTPConnection(address.hostname or '127.0.0.1', address.port, timeout=30)

    def __enter__(self) -> Wire:
        return self

    def __exit__(self, *_: object) -> None:
        self.connection.close()

    def get(self, path: str, *, params: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> Answer:
        query = f'?{urlencode(params)}' if params else ''
        return self._call('GET', f'{PREFIX}{path}{query}', None, headers or {})

    def post(self, path: str, *, json: Any = None, headers: dict[str, str] | None = None) -> Answer:
        body = None if json is None else dumps(json).encode()
        content = {'Content-Type': 'application/json'} if body is not None else {}
        return self._call('POST', f'{PREFIX}{path}', body, {**(headers or {}), **content})

    def _call(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Answer:
        self.connection.request(method, path, body=body, headers=headers)
        answer = self.connection.getresponse()
        return Answer(answer.status, answer.read().decode())


@dataclass(frozen=True)
class Answer:
    status_code: int
    text: str

    def json(self) -> Any:
        return loads(self.text)


def _ms(times: list[float], percentile: int) -> str:
    ordered = sorted(times)
    return f'{ordered[min(len(ordered) - 1, len(ordered) * percentile // 100)] * 1000:.2f}'


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--root', default=str(ROOT), help='the app to serve (a checkout; default this one)')
    parser.add_argument('--calls', type=int, default=200, help='timed calls a measurement (default 200)')
    parser.add_argument('--seconds', type=float, default=5, help='seconds a load level (default 5)')
    parser.add_argument('--clients', default='1,8,32', help='concurrent clients, comma-separated (default 1,8,32)')
    parser.add_argument('--client', choices=('wire', 'httpx'), default='wire', help="the timed calls' HTTP client")
    return parser


if __name__ == '__main__':
    main()
