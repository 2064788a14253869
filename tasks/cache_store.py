"""The cache's store in Redis (services/core/cache.py says what is cached and when it goes stale): shared by every app
process and worker. The composition roots hand it to the services (`cache.use_redis_store(RedisStore)`), which do not
import Redis themselves."""

from __future__ import annotations

import logging
import pickle
import threading
import time
from collections.abc import Callable
from typing import Any

import redis

log = logging.getLogger(__name__)
NEAR_COPIES = 10_000  # values this process keeps a copy of (the oldest go first)

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
            while len(self._near) > NEAR_COPIES:
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
