"""The cache of read-heavy figures: what is cached, for how long, and which committed events make it stale, all here.

Entries live in Redis when `redis_url` is set (shared by every app process and worker), else in this process. Each
cached thing belongs to a *scope* (a family and what it is about: the dashboard; one service's search results; one
professional's rating card) that carries a generation number; an entry is stored under its scope's current
generation. A unit that changes what a scope shows bumps the generation right after it commits and before its event
is announced, so a page woken by the event never reads the old entry, and a value computed from the old data while
the unit committed is stored under the old generation, where nobody looks again. The expiry bounds what only time
changes (bookings today, requests now waiting too long) and what a Redis outage made us miss.

A cache that fails (Redis unreachable) is skipped: reads compute the value, nothing raises. A bump lost in an
outage would leave a stale entry behind, so every entry also carries the store's *epoch*, which `forget_everything`
moves on: a process whose bump failed does it as soon as Redis answers again, and every app process does it when its
event listener reconnects (it may have missed other processes' bumps as well as their events).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from models.db import on_commit
from settings import get_settings

log = logging.getLogger(__name__)
T = TypeVar('T')


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    ttl_seconds: int


DASHBOARD = Family('dashboard', 30)  # the admin dashboard's figures (one entry); 'today' moves on with the clock
SEARCH = Family('search', 300)  # per service: the professionals serving a pincode, best rated first
RATING_CARD = Family('rating-card', 300)  # per professional: the earnings on their rating card (the rating is a row)
# who an API token belongs to (one entry per session key): a client calling many times a second is looked up once
# in two seconds, not on every call. Forgotten at once when a session ends or a user changes (their events below);
# the two seconds bound what no event tells this process (a block from the command line without Redis)
VIEWERS = Family('viewers', 2)
FAMILIES = (DASHBOARD, SEARCH, RATING_CARD, VIEWERS)
VIEWER_EVENTS = ('session.', 'user.', 'professional.')  # a session ended; a user blocked, approved, changed

REQUEST_EVENTS_THAT_CHANGE_RATINGS = {'request.closed', 'request.auto_closed', 'request.reviewed'}
REQUEST_EVENTS_THAT_CHANGE_EARNINGS = {'request.completed', *REQUEST_EVENTS_THAT_CHANGE_RATINGS}
PROFESSIONAL_EVENTS = {'professional.approved', 'professional.rejected', 'professional.resubmitted'}


def stale_scopes(name: str, data: dict[str, Any]) -> list[tuple[Family, Any]]:
    """The scopes a committed event makes stale: exactly what it changes, never everything."""
    viewers: list[tuple[Family, Any]] = [(VIEWERS, '')] if name.startswith(VIEWER_EVENTS) else []
    return viewers + _stale_figures(name, data)


def _stale_figures(name: str, data: dict[str, Any]) -> list[tuple[Family, Any]]:
    if name.startswith('request.'):
        scopes: list[tuple[Family, Any]] = [(DASHBOARD, '')]
        if name in REQUEST_EVENTS_THAT_CHANGE_RATINGS:
            scopes.append((SEARCH, data.get('service_id')))
        if name in REQUEST_EVENTS_THAT_CHANGE_EARNINGS and data.get('professional_id'):
            scopes.append((RATING_CARD, data['professional_id']))
        return scopes
    if name in PROFESSIONAL_EVENTS or name in {'professional.profile_edited', 'user.blocked', 'user.unblocked'}:
        return [(DASHBOARD, ''), *((SEARCH, service_id) for service_id in data.get('service_ids', ()))]
    if name == 'service.changed':
        return [(DASHBOARD, ''), (SEARCH, data.get('service_id'))]
    return []


def forget_on_commit(session: Session, name: str, data: dict[str, Any]) -> None:
    """Once this unit commits, bump the generation of every scope its event `name` makes stale."""
    for family, about in stale_scopes(name, data):
        scope = scope_key(family, about)
        on_commit(session, ('cache', scope), lambda scope=scope: _store().bump(scope))


def cached(family: Family, about: Any, key: str, compute: Callable[[], T]) -> T:
    """The value of `key` in the scope (family, about), computed and stored when missing or stale."""
    store, scope = _store(), scope_key(family, about)
    looked_up = store.lookup(scope, key)
    if looked_up is None:  # the cache is out of order: read straight through
        return compute()
    generation, found = looked_up
    if found is not None:
        return found
    value = compute()
    store.put(scope, key, generation, value, family.ttl_seconds)
    return value


def scope_key(family: Family, about: Any) -> str:
    return f'{family.name}:{about}'


def forget_everything() -> None:
    """Make every entry stale at once: only after an outage, when bumps may have been lost (never per write)."""
    _store().new_epoch()


# --- where entries live -----------------------------------------------------------------------------------------------


class Store(Protocol):
    def lookup(self, scope: str, key: str) -> tuple[str, Any | None] | None:
        """The scope's current 'epoch.generation' and the value stored under it (None: missing); None when the store
        cannot be reached."""

    def bump(self, scope: str) -> None: ...

    def new_epoch(self) -> None: ...

    def put(self, scope: str, key: str, generation: str, value: Any, ttl_seconds: int) -> None: ...


class MemoryStore:
    """In this process, for the embedded defaults (one app process, jobs in it). Bounded: the oldest entries go."""

    MAX_ENTRIES = 10_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generations: dict[str, int] = {}
        self._epoch = 0
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()

    def lookup(self, scope: str, key: str) -> tuple[str, Any | None]:
        with self._lock:
            generation = f'{self._epoch}.{self._generations.get(scope, 0)}'
            found = self._entries.get(f'{scope}:{generation}:{key}')
            return generation, None if found is None or found[0] < time.monotonic() else found[1]

    def new_epoch(self) -> None:
        with self._lock:
            self._epoch += 1
            self._entries.clear()

    def bump(self, scope: str) -> None:
        with self._lock:
            self._generations[scope] = self._generations.get(scope, 0) + 1

    def put(self, scope: str, key: str, generation: str, value: Any, ttl_seconds: int) -> None:
        entry = f'{scope}:{generation}:{key}'
        with self._lock:
            self._entries[entry] = (time.monotonic() + ttl_seconds, value)
            self._entries.move_to_end(entry)
            while len(self._entries) > self.MAX_ENTRIES:
                self._entries.popitem(last=False)


_stores: dict[tuple[str, str], Store] = {}
_stores_lock = threading.Lock()
_redis_store: Callable[[str, str], Store] | None = None  # (url, namespace) -> a store; wired in by the roots


def use_redis_store(make: Callable[[str, str], Store] | None) -> None:
    """The composition roots (app.py, the Celery app, manage.py) hand in how to reach Redis (tasks/cache_store.py):
    the services themselves do not import it (design.md §5)."""
    global _redis_store  # noqa: PLW0603 (one slot, filled at start-up, like the publisher's)
    _redis_store = make
    forget_stores()


def _store() -> Store:
    """The store for the configured Redis and database (one per pair: tests switch databases in one process)."""
    settings = get_settings()
    database = settings.effective_database_url
    key = (settings.redis_url, database)
    with _stores_lock:
        store = _stores.get(key)
        if store is None:
            namespace = hashlib.sha256(database.encode()).hexdigest()[:12]
            store = _stores[key] = _new_store(settings.redis_url, namespace)
        return store


def _new_store(redis_url: str, namespace: str) -> Store:
    """In this process without Redis; with Redis, there. A process configured for Redis that was not handed the store
    is a wiring mistake, said at once: its changes would leave every other process's cache stale without a word."""
    if not redis_url:
        return MemoryStore()
    if _redis_store is None:
        raise RuntimeError(
            'redis_url is set, but this process was not handed the Redis cache store: its composition '
            'root must call runtime.use_redis_store(tasks.cache_store.RedisStore)'
        )
    return _redis_store(redis_url, namespace)


def forget_stores() -> None:
    """Drop this process's stores and what the in-process ones hold (tests switch databases whose ids start again)."""
    with _stores_lock:
        _stores.clear()
