"""The UI bridge: committed domain events, from any thread (a page's write unit, a job on the embedded runner) or
from Redis (the workers and the other app processes), are moved onto NiceGUI's event loop and only there emitted to
the pages that subscribed. A page subscribes inside its own build, so its subscriptions end with its client.

Pages follow events three ways: `on_event` (a callback per event), `follow` (reload a part of the page once per
burst of events, and after a resync), and `SharedFigure` (one computation per burst for every page watching it, as
the admin dashboard's figures). A burst is coalesced without waiting for it to end: the work starts at the first
event, covers every event that came before it started, and runs once more if more came while it ran. After Redis
comes back from an outage the listener emits RESYNC: every follower reloads, because the events sent meanwhile are
gone."""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Any, Generic, TypeVar

from nicegui import Event, app, background_tasks, context, run

from components.live import show_connection
from services import ServiceError, runtime

log = logging.getLogger(__name__)
RESYNC = 'live.resync'  # emitted after a reconnect: what a page shows may have missed events
LIVE, RECONNECTING = 'live', 'reconnecting'
T = TypeVar('T')


class LiveHub:
    """One per app process, created at start-up and kept on `app.state.live` (nothing module-global)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._channels: dict[str, Event[dict[str, Any]]] = {}  # per event name: only its followers are called
        self.state = LIVE  # whether this process hears every process's events (Redis reachable, or no Redis)
        self.state_changed: Event[str] = Event()
        self._shared: dict[str, SharedFigure[Any]] = {}

    def receive(self, event: runtime.DomainEvent) -> None:
        """From any thread: hand the event to the event loop (a closed loop means the app is stopping)."""
        self._on_loop(self._dispatch, event)

    def set_state(self, state: str) -> None:
        """From any thread: the connection to the other processes' events is 'live' or 'reconnecting'."""
        self._on_loop(self._new_state, state)

    def shared(self, name: str, wanted: Callable[[runtime.DomainEvent], bool]) -> SharedFigure[Any]:
        """The figure called `name`, computed again once per burst of the events it wants."""
        if name not in self._shared:
            self._shared[name] = SharedFigure(wanted)
        return self._shared[name]

    def channel(self, name: str) -> Event[dict[str, Any]]:
        """The event its followers subscribe to, emitted with the data of every committed event called `name`."""
        if name not in self._channels:
            self._channels[name] = Event()
        return self._channels[name]

    def _dispatch(self, event: runtime.DomainEvent) -> None:
        for figure in self._shared.values():
            figure.consider(event)
        if event.name == RESYNC:  # every follower: the events sent while Redis was away are gone
            for channel in list(self._channels.values()):
                channel.emit({})
        elif (channel := self._channels.get(event.name)) is not None:
            channel.emit(event.data)

    def _new_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def _on_loop(self, function: Callable[[Any], None], argument: Any) -> None:
        if self._loop.is_closed():
            return
        try:
            self._loop.call_soon_threadsafe(function, argument)
        except RuntimeError:  # the loop closed between the check and the call
            log.debug('%r dropped: the app is stopping', argument)


def hub() -> LiveHub | None:
    """This process's hub; None where the app runs without live updates (a command, a test without start-up)."""
    return getattr(app.state, 'live', None)


def on_event(name: str | Collection[str], callback: Callable[[dict[str, Any]], Any]) -> None:
    """Call `callback(data)` on this page for every committed event called `name` (or any of the names) and, with
    empty data, after a resync; on the event loop, in the page's context, until the page goes away."""
    live = hub()
    if live is None:
        return
    for each in [name] if isinstance(name, str) else sorted(name):
        live.channel(each).subscribe(callback)  # after a resync, once per name: followers coalesce them


class Coalesced:
    """Runs `job` as soon as asked: once for everything asked before it starts, and once more if asked while it runs
    (so the last change is never missed, and a burst costs at most two runs)."""

    def __init__(self, job: Callable[[], Awaitable[None]], *, pause: float = 0.0) -> None:
        self._job, self._pause = job, pause
        self._state = 'idle'  # idle -> scheduled -> running (-> again -> running) -> idle

    def ask(self) -> None:
        if self._state == 'idle':
            self._state = 'scheduled'
            background_tasks.create(self._run(), name='live-coalesced')
        elif self._state == 'running':
            self._state = 'again'

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._pause)  # 0: after the events already queued, so that they are covered
            self._state = 'running'
            try:
                await self._job()
            except Exception:  # a failing reload must not stop the next ones
                log.exception('a live update failed')
            if self._state != 'again':
                self._state = 'idle'
                return


def follow(
    names: Collection[str],
    reload: Callable[[], Any],
    *,
    wanted: Callable[[dict[str, Any]], bool] | None = None,
    pause: float = 0.0,
) -> None:
    """Reload part of this page (e.g. a refreshable) when the events it shows (those `wanted` of them) come, and after
    a resync: at once, once per burst (`pause`: wait that long first, for pages whose events come in floods)."""
    client = context.client

    async def again() -> None:
        if client.is_deleted:
            return
        with client.content:
            result = reload()
            if inspect.isawaitable(result):
                await result

    coalesced = Coalesced(again, pause=pause)

    def changed(data: dict[str, Any]) -> None:
        if not data or wanted is None or wanted(data):
            coalesced.ask()

    on_event(names, changed)


def newest_only(draw: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """For an async refreshable (put it under `@ui.refreshable`): when refreshes overlap (an action's own refresh and
    the live event of the same change), only the newest one's drawing stays. Each refresh empties the part before it
    starts, but an older one still loading drew after that, beside the newer one: the request shown twice. The older
    one's elements are deleted as it finishes (not a wrapper's: a click on the way still has its part to answer in)."""
    newest, kept = 0, set[int]()

    @functools.wraps(draw)
    async def drawn(*args: Any, **kwargs: Any) -> None:
        nonlocal newest, kept
        newest += 1
        mine, part = newest, context.slot
        await draw(*args, **kwargs)
        if mine == newest:
            kept = {element.id for element in part.children}
            return
        for element in [element for element in part.children if element.id not in kept]:
            element.delete()  # what this older refresh drew: the part was emptied for the newer one before it

    return drawn


def follow_connection() -> None:
    """Keep this page's live indicator telling the truth about the connection to the other processes' events."""
    live = hub()
    if live is None:
        return
    show_connection(live.state)
    live.state_changed.subscribe(show_connection)


class ShownRows:
    """The ids a live list shows: what a reload brought that is new, and whether an event is about a shown row."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self._loaded = False

    def update(self, ids: set[int]) -> set[int]:
        """Now showing `ids`; returns those that are new (none on the first load)."""
        new = ids - self.ids if self._loaded else set()
        self.ids, self._loaded = ids, True
        return new

    def __contains__(self, request_id: object) -> bool:
        return request_id in self.ids


class SharedFigure(Generic[T]):
    """A figure every watching page shows (the admin dashboard's): computed once per burst of the events it wants,
    whatever the number of pages, then handed to each. The computation runs as one of the watching viewers (with
    their permissions); a viewer refused meanwhile (blocked) is skipped."""

    def __init__(self, wanted: Callable[[runtime.DomainEvent], bool]) -> None:
        self._wanted = wanted
        self._computers: dict[str, Callable[[], T]] = {}  # client id -> the computation as that viewer
        self._coalesced = Coalesced(self._recompute)
        self.updated: Event[T] = Event()
        self.computations = 0  # how many times it was computed (the tests and the benchmark read it)

    def watch(self, compute: Callable[[], T], show: Callable[[T], Any]) -> None:
        """From a page's build: show every new value on this page until it goes away."""
        client = context.client
        self._computers[client.id] = compute
        client.on_delete(lambda: self._computers.pop(client.id, None))
        self.updated.subscribe(show)

    def consider(self, event: runtime.DomainEvent) -> None:
        if self._computers and (event.name == RESYNC or self._wanted(event)):
            self._coalesced.ask()

    async def _recompute(self) -> None:
        for compute in list(self._computers.values()):
            try:
                value = await run.io_bound(compute)
            except ServiceError:
                continue
            self.computations += 1
            self.updated.emit(value)
            return
