"""The service workers of bench/phone.py's browser, throttled like its page, their traffic counted.

DevTools emulates a network per target: a service worker is a target of its own, so what it fetches for the page
(a network-first page, a file not yet in its cache, its install's precache) would go unthrottled, and Chromium logs
it on the worker, not the page (whose answer from the worker counts 0 bytes). So, as Lighthouse does, a second
DevTools connection to the browser attaches to every service worker as it starts, paused until it is throttled, and
keeps what its requests moved on the wire.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
import urllib.request
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

SERVICE_WORKERS_ONLY = [{'type': 'service_worker', 'exclude': False}, {'exclude': True}]


class Workers:
    """`Workers(debugger_address, conditions)`; `take()` hands over what the workers fetched since the last call."""

    def __init__(self, debugger_address: str, conditions: dict[str, Any]) -> None:
        with urllib.request.urlopen(f'http://{debugger_address}/json/version', timeout=10) as answer:
            browser = json.load(answer)['webSocketDebuggerUrl']
        self.conditions = conditions
        self.last_event = 0.0  # time.monotonic() of the workers' last network event
        self._socket: ClientConnection = connect(browser, max_size=None, open_timeout=10)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._urls: dict[str, str] = {}
        self._sizes: list[tuple[int, str]] = []
        threading.Thread(target=self._listen, name='service-workers', daemon=True).start()
        auto_attach = {'autoAttach': True, 'waitForDebuggerOnStart': True, 'flatten': True}
        self._send('Target.setAutoAttach', auto_attach | {'filter': SERVICE_WORKERS_ONLY})

    def take(self) -> list[tuple[int, str]]:
        with self._lock:
            sizes, self._sizes = self._sizes, []
        return sizes

    def close(self) -> None:
        self._socket.close()

    def _send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> None:
        message = {'id': next(self._ids), 'method': method, 'params': params or {}}
        self._socket.send(json.dumps(message | ({'sessionId': session} if session else {})))

    def _listen(self) -> None:
        with contextlib.suppress(ConnectionClosed):  # the browser went away at the end of the cell
            for raw in self._socket:
                self._heard(json.loads(raw))

    def _heard(self, message: dict[str, Any]) -> None:
        method, params, session = message.get('method', ''), message.get('params', {}), message.get('sessionId')
        if method == 'Target.attachedToTarget':
            worker = params['sessionId']
            self._send('Network.enable', session=worker)
            self._send('Network.emulateNetworkConditions', {'offline': False} | self.conditions, session=worker)
            self._send('Runtime.runIfWaitingForDebugger', session=worker)  # throttled before its first fetch
        elif method.startswith('Network.') and session:
            self.last_event = time.monotonic()
            if method == 'Network.requestWillBeSent':
                self._urls[params['requestId']] = params['request']['url']
            elif method == 'Network.loadingFinished' and params['encodedDataLength'] > 0:
                with self._lock:
                    self._sizes.append((round(params['encodedDataLength']), self._urls.get(params['requestId'], '?')))
