"""The UI bridge: committed domain events, from any thread (a page's write unit, a job on the embedded runner) or
from Redis (the workers and the other app processes), are moved onto NiceGUI's event loop and only there emitted to
the pages that subscribed. A page subscribes inside its own build, so its subscriptions end with its client."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from nicegui import Event, app

from services import runtime

log = logging.getLogger(__name__)


class LiveHub:
    """One per app process, created at start-up and kept on `app.state.live` (nothing module-global)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.changed: Event[runtime.DomainEvent] = Event()

    def receive(self, event: runtime.DomainEvent) -> None:
        """From any thread: hand the event to the event loop (a closed loop means the app is stopping)."""
        if self._loop.is_closed():
            return
        try:
            self._loop.call_soon_threadsafe(self.changed.emit, event)
        except RuntimeError:  # the loop closed between the check and the call
            log.debug('event %s dropped: the app is stopping', event.name)


def on_event(name: str, callback: Callable[[dict[str, Any]], Any]) -> None:
    """Call `callback(data)` on this page for every committed event called `name` (on the event loop, in the page's
    context) until the page goes away."""
    hub: LiveHub | None = getattr(app.state, 'live', None)
    if hub is None:  # the app runs without live updates (a command, a test without start-up)
        return

    def relay(event: runtime.DomainEvent) -> Any:
        return callback(event.data) if event.name == name else None

    hub.changed.subscribe(relay)
