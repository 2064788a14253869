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
import pickle
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
FAMILIES = (DASHBOARD, SEARCH, RATING_CARD)

REQUEST_EVENTS_THAT_CHANGE_RATINGS = {'request.closed', 'request.auto_closed', 'request.reviewed'}
REQUEST_EVENTS_THAT_CHANGE_EARNINGS = {'request.completed', *REQUEST_EVENTS_THAT_CHANGE_RATINGS}
PROFESSIONAL_EVENTS = {'professional.approved', 'professional.rejected', 'professional.resubmitted'}


def stale_scopes(name: str, data: dict[str, Any]) -> list[tuple[Family, Any]]:
    """The scopes a committed event makes stale: exactly what it changes, never everything."""
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


# KEYS: the epoch and the scope's generation; ARGV: the entry's name before and after 'epoch.generation', and the
# generation of the copy this process holds ('' for none). Returns the generation, then (unless the copy held is of
# that generation) the value and its milliseconds to live.
LOOKUP = """
local generation = (redis.call('GET', KEYS[1]) or '0') .. '.' .. (redis.call('GET', KEYS[2]) or '0')
if generation == ARGV[3] then return {generation} end
local entry = ARGV[1] .. generation .. ARGV[2]
return {generation, redis.call('GET', entry), redis.call('PTTL', entry)}
"""


class RedisStore:
    """In Redis, shared by every process. Values are pickled frozen rows of our own (Redis is ours, on loopback or a
    private network). A failure is logged, then the cache is left alone for a few seconds, so an outage costs one
    short timeout rather than one per read."""

    PAUSE_AFTER_FAILURE = 5.0

    def __init__(self, url: str, namespace: str) -> None:
        import redis  # noqa: PLC0415 (only with Redis configured)

        self._errors = (redis.RedisError, OSError)
        self._client = redis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        self._prefix = f'hsa:cache:{namespace}:'
        self._down_until = 0.0
        self._owes_epoch = False  # a bump failed: the next call that reaches Redis moves the epoch on first
        self._lookup = self._client.register_script(LOOKUP)  # one round trip (EVALSHA) instead of two
        self._near: dict[str, tuple[str, float, Any]] = {}  # scope:key -> (generation, until, value)
        self._near_lock = threading.Lock()

    def lookup(self, scope: str, key: str) -> tuple[str, Any | None] | None:
        """One round trip; a value this process holds a copy of (of the current generation, not expired) does not
        travel or get unpickled again (a warm dashboard read: 1.2 ms -> well under 1)."""
        held = self._near.get(f'{scope}:{key}')
        held_generation = held[0] if held is not None and held[1] > time.monotonic() else ''
        keys, args = [f'{self._prefix}epoch', f'{self._prefix}gen:{scope}'], [f'{self._prefix}{scope}:', f':{key}']
        found = self._call(lambda: self._lookup(keys=keys, args=[*args, held_generation]), default=None)
        if found is None:
            return None
        generation = found[0].decode()
        if len(found) == 1:
            return generation, held[2]
        raw, milliseconds = found[1], found[2]
        if raw is None:
            return generation, None
        value = pickle.loads(raw)  # our own rows, written by put below
        self._hold(scope, key, generation, value, milliseconds / 1000)
        return generation, value

    def bump(self, scope: str) -> None:
        if self._call(lambda: self._client.incr(f'{self._prefix}gen:{scope}'), default=None) is None:
            self._owes_epoch = True

    def new_epoch(self) -> None:
        self._forget_copies()
        if self._call(lambda: self._client.incr(f'{self._prefix}epoch'), default=None) is None:
            self._owes_epoch = True

    def _forget_copies(self) -> None:
        """After an outage the copies held here cannot be trusted: a Redis that lost its data counts from 0 again."""
        with self._near_lock:
            self._near.clear()

    def put(self, scope: str, key: str, generation: str, value: Any, ttl_seconds: int) -> None:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        entry = f'{self._prefix}{scope}:{generation}:{key}'
        if self._call(lambda: self._client.set(entry, payload, ex=ttl_seconds), default=None):
            self._hold(scope, key, generation, value, ttl_seconds)

    def _hold(self, scope: str, key: str, generation: str, value: Any, seconds: float) -> None:
        """Keep a copy of what Redis holds, for as long as Redis keeps it (bounded: the oldest copies go)."""
        with self._near_lock:
            self._near[f'{scope}:{key}'] = (generation, time.monotonic() + seconds, value)
            while len(self._near) > MemoryStore.MAX_ENTRIES:
                self._near.pop(next(iter(self._near)))

    def _call(self, command: Callable[[], Any], *, default: Any) -> Any:
        if time.monotonic() < self._down_until:
            return default
        try:
            if self._owes_epoch:
                self._client.incr(f'{self._prefix}epoch')
                self._owes_epoch = False
            result = command()
        except self._errors:
            self._forget_copies()
            self._down_until = time.monotonic() + self.PAUSE_AFTER_FAILURE
            log.warning('the cache is unreachable: reading without it for %g s', self.PAUSE_AFTER_FAILURE)
            return default
        return result


_stores: dict[tuple[str, str], Store] = {}
_stores_lock = threading.Lock()


def _store() -> Store:
    """The store for the configured Redis and database (one per pair: tests switch databases in one process)."""
    settings = get_settings()
    database = settings.effective_database_url
    key = (settings.redis_url, database)
    with _stores_lock:
        store = _stores.get(key)
        if store is None:
            namespace = hashlib.sha256(database.encode()).hexdigest()[:12]
            store = _stores[key] = RedisStore(settings.redis_url, namespace) if settings.redis_url else MemoryStore()
        return store


def forget_stores() -> None:
    """Drop this process's stores and what the in-process ones hold (tests switch databases whose ids start again)."""
    with _stores_lock:
        _stores.clear()
