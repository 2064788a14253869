"""Brotli for the browsers that take it (every current one over HTTPS, and on localhost), gzip for the rest.

NiceGUI gzips every answer (level 9, per request): on a phone's first visit of /login, 369 KB of scripts and styles
(bench/phone.py). Brotli at its best (quality 11) makes them 16% smaller, but that quality costs about a second of
CPU for Quasar alone, so it is paid once: NiceGUI's own files live under a path with its version in it and do not
change while it runs (nor do our Quasar and stylesheet, whose addresses name their content), so each is compressed at
quality 11 in a background thread the first time it is asked for (that answer goes out at quality 5, as fast as gzip)
and kept in memory, keyed by its path and ETag. Everything else (the pages, our other routes) is compressed at quality
5 as it is sent.

`ui.run(gzip_middleware_factory=Compression)`: it takes the place of NiceGUI's gzip middleware, the outermost one.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

import brotli
from nicegui import __version__ as nicegui_version
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger('hsa')
MINIMUM_BYTES = 500  # smaller answers go as they are (as NiceGUI's gzip does): the header would eat the gain
FAST_QUALITY = 5  # as fast as gzip's level 9 and about 5% smaller
BEST_QUALITY = 11
KEPT_PREFIX = f'/_nicegui/{nicegui_version}/'  # NiceGUI's static files, components and libraries
# ours at addresses that name their content (pages/pwa.py): the Quasar and the stylesheet every page loads, and the API
# reference's Swagger UI (api/reference.py)
OUR_KEPT_PREFIXES = ('/js/', '/css/', '/api/v1/docs/')
CHANGING_PREFIX = f'{KEPT_PREFIX}dynamic_resources/'  # made by a function each time (NiceGUI does not cache them)
KEPT_MAX_BYTES = 2 * 1024 * 1024  # one file: Quasar's development build is 1 MB; the Sass compiler (3 MB) is not kept
COMPRESSIBLE = ('text/', 'application/javascript', 'application/json', 'application/manifest+json', 'image/svg+xml')


class BestCompressed:
    """NiceGUI's files compressed at quality 11, made one at a time in a background thread (brotli lets go of the
    GIL while it works) and kept for as long as the process runs: a few hundred KB for the files a page loads."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, str], bytes] = {}
        self._pending: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix='brotli')

    def get(self, key: tuple[str, str]) -> bytes | None:
        return self._made.get(key)

    def make(self, key: tuple[str, str], raw: bytes) -> None:
        with self._lock:
            if key in self._made or key in self._pending:
                return
            self._pending.add(key)
        self._worker.submit(self._compress, key, raw)

    def _compress(self, key: tuple[str, str], raw: bytes) -> None:
        try:
            self._made[key] = brotli.compress(raw, quality=BEST_QUALITY)
        except Exception:  # a file that is not kept is only served at quality 5: nothing is lost but bytes
            log.exception('could not compress %s', key[0])
        finally:
            with self._lock:
                self._pending.discard(key)


class Compression:
    """ASGI middleware: brotli when the request accepts it, else NiceGUI's gzip (Starlette's GZipMiddleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=MINIMUM_BYTES)
        self.best = BestCompressed()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] == 'http' and scope['method'] == 'GET' and accepts_brotli(Headers(scope=scope)):
            await BrotliResponse(self.best, scope['path'], send).run(self.app, scope, receive)
        else:
            await self.gzip(scope, receive, send)


def accepts_brotli(headers: Headers) -> bool:
    codings = [part.split(';')[0].strip().lower() for part in headers.get('accept-encoding', '').split(',')]
    return 'br' in codings  # ('br;q=0' would refuse it: no browser sends that)


def kept_path(path: str) -> bool:
    if path.startswith(OUR_KEPT_PREFIXES):
        return True
    return path.startswith(KEPT_PREFIX) and not path.startswith(CHANGING_PREFIX)


class BrotliResponse:
    """One answer on its way out: compressed as it streams, or replaced by the kept quality-11 body."""

    def __init__(self, best: BestCompressed, path: str, send: Send) -> None:
        self.best, self.path, self.send = best, path, send
        self.start: Message | None = None  # held until the first body shows whether compressing pays
        self.passing = False  # sent as it is
        self.replaced = False  # the kept body went out: the app's own body is dropped
        self.compressor: brotli.Compressor | None = None
        self.key: tuple[str, str] | None = None  # NiceGUI's file: (path, ETag)
        self.raw: list[bytes] = []

    async def run(self, app: ASGIApp, scope: Scope, receive: Receive) -> None:
        await app(scope, receive, self.on_message)

    async def on_message(self, message: Message) -> None:
        if message['type'] == 'http.response.start':
            await self.on_start(message)
        elif message['type'] != 'http.response.body' or self.passing:
            await self.send(message)
        elif not self.replaced:
            await self.on_body(message)

    async def on_start(self, message: Message) -> None:
        headers = Headers(raw=message.get('headers', []))
        media_type = headers.get('content-type', '').partition(';')[0].strip().lower()
        whole = message['status'] != HTTPStatus.PARTIAL_CONTENT  # a range is sent as asked for
        if not (whole and 'content-encoding' not in headers and media_type.startswith(COMPRESSIBLE)):
            self.passing = True
            await self.send(message)
            return
        self.start = message
        if message['status'] == HTTPStatus.OK and headers.get('etag') and kept_path(self.path):
            self.key = (self.path, headers['etag'])

    async def on_body(self, message: Message) -> None:
        body, more = message.get('body', b''), message.get('more_body', False)
        if self.start is not None:  # the first body
            kept = self.best.get(self.key) if self.key else None
            if kept is not None:
                self.replaced = True
                await self.send_start(len(kept))
                await self.send({'type': 'http.response.body', 'body': kept})
                return
            if len(body) < MINIMUM_BYTES and not more:
                await self.send_start(None, compressed=False)
                await self.send(message)
                self.passing = True
                return
            if not more:  # the whole answer at once: its compressed length is known
                compressed = brotli.compress(body, quality=FAST_QUALITY)
                await self.send_start(len(compressed))
                await self.send({'type': 'http.response.body', 'body': compressed})
                self.keep(body)
                return
            self.compressor = brotli.Compressor(quality=FAST_QUALITY)
            await self.send_start(None)
        if self.key is not None:
            self.raw.append(body)
        chunk = self.compressor.process(body) + (b'' if more else self.compressor.finish())
        await self.send({'type': 'http.response.body', 'body': chunk, 'more_body': more})
        if not more:
            self.finished()

    def finished(self) -> None:
        """Let go of the compressor (1.4 MB at quality 5) and the copy: a NiceGUI page keeps its request, and with it
        this answer's `send`, for as long as the page is open (300 dashboards held 420 MB of finished compressors)."""
        raw, self.raw, self.compressor = b''.join(self.raw), [], None
        self.keep(raw)

    async def send_start(self, length: int | None, *, compressed: bool = True) -> None:
        start, self.start = self.start, None
        headers = MutableHeaders(raw=start.setdefault('headers', []))
        headers.add_vary_header('Accept-Encoding')
        if compressed:
            headers['Content-Encoding'] = 'br'
            if length is None:
                del headers['Content-Length']
            else:
                headers['Content-Length'] = str(length)
        await self.send(start)

    def keep(self, raw: bytes) -> None:
        if self.key is not None and len(raw) <= KEPT_MAX_BYTES:
            self.best.make(self.key, raw)
