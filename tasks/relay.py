"""Domain events across processes over Redis pub/sub: every process with Redis publishes what its units committed
on one channel; each app process listens and hands what it hears to its live hub. A listener that loses Redis keeps
trying, says so (`on_state`), and after reconnecting tells the pages to resync (events sent meanwhile are gone)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

import redis
import redis.asyncio as aioredis

from services import runtime

log = logging.getLogger(__name__)
CHANNEL = 'hsa:events:db{}'  # pub/sub ignores the database number: each database of one Redis server is a site
RESYNC = 'live.resync'  # the event a listener emits after a reconnect: pages refresh what they show
RETRY_SECONDS = (0.5, 1, 2, 5)


class RedisRelay:
    """Publishes a process's committed events (the bus's relay). A failed publish is logged, never raised: the
    change is committed whatever happens to its announcement."""

    def __init__(self, url: str) -> None:
        self._client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._channel = channel_of(url)

    def publish(self, event: runtime.DomainEvent) -> None:
        try:
            self._client.publish(self._channel, json.dumps({'name': event.name, 'data': event.data}, default=str))
        except redis.RedisError:
            log.warning('event %s not announced: Redis is unreachable', event.name, exc_info=True)

    def close(self) -> None:
        self._client.close()


async def listen(
    url: str, deliver: Callable[[runtime.DomainEvent], None], on_state: Callable[[str], None] | None = None
) -> None:
    """Hear every process's events until cancelled, reconnecting with a growing pause."""
    failures = 0
    while True:
        try:
            await _listen_once(url, deliver, on_state, resync=failures > 0)
        except (redis.RedisError, OSError):
            pause = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
            failures += 1
            if on_state is not None:
                on_state('reconnecting')
            log.warning('live events: Redis unreachable, trying again in %s s', pause)
            await asyncio.sleep(pause)


async def _listen_once(
    url: str, deliver: Callable[[runtime.DomainEvent], None], on_state: Callable[[str], None] | None, *, resync: bool
) -> None:
    client = aioredis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        async with client.pubsub() as pubsub:
            await pubsub.subscribe(channel_of(url))
            if on_state is not None:
                on_state('live')
            if resync:
                deliver(runtime.DomainEvent(RESYNC))
            async for message in pubsub.listen():
                if message['type'] == 'message':
                    deliver(_event(message['data']))
    finally:
        await client.aclose()


def _event(raw: Any) -> runtime.DomainEvent:
    payload = json.loads(raw)
    return runtime.DomainEvent(str(payload['name']), dict(payload.get('data') or {}))


def channel_of(url: str) -> str:
    """The events channel of the site whose Redis database `url` names."""
    return CHANNEL.format(redis.connection.parse_url(url).get('db', 0))
