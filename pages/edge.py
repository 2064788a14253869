"""The web edge, in front of every route: a request body over the limit is refused (413) before anything reads or
spools it, and every answer carries the browser's protective headers; HTML pages get a Content-Security-Policy whose
script nonce is fresh for each response.

A pure ASGI middleware: Starlette's BaseHTTPMiddleware would hand the route a body it had read into memory first.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pages.failures import log_once

MEGABYTE = 1024 * 1024
# The strictest policy NiceGUI's pages work under in Chromium (tests/browser/test_edge_csp.py proves it for every
# page of every role): nothing but what is named, and each relaxation of "this origin only, nothing inline, nothing
# evaluated" says why (each was tried without and the pages broke or Chromium reported a violation).
CONTENT_SECURITY_POLICY = '; '.join(
    (
        "default-src 'none'",
        # The page's inline scripts (the import map, Vue's start-up, our language script) run by this response's
        # nonce, which the middleware writes into every <script> tag of the page; nothing else inline runs.
        # 'unsafe-eval': Vue compiles the components' string templates at run time (new Function), and NiceGUI runs
        # props starting with ':', event js_handlers and run_javascript with eval (nicegui.js).
        "script-src 'self' 'nonce-{nonce}' 'unsafe-eval'",
        # Quasar, Tailwind's runtime and NiceGUI's addStyle write <style> elements at run time, and elements carry
        # style attributes (a nonce would switch 'unsafe-inline' off, so none here)
        "style-src 'self' 'unsafe-inline'",
        # data: the favicon (ui.run's emoji) is a data: SVG; blob: the uploader previews a chosen image from one
        "img-src 'self' data: blob:",
        "connect-src 'self'",  # socket.io's WebSocket (and its polling fallback) to this origin only
        "font-src 'self'",  # NiceGUI's own fonts and icons
        "frame-src 'self'",  # the admin's review page shows a PDF document (our /documents route) in a frame
        # installable (pages/pwa.py): every page links the web app manifest and registers the service worker /sw.js
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",  # the admin's review page frames our own documents; nobody else frames us
    )
)
PROTECTIVE_HEADERS = (
    ('x-content-type-options', 'nosniff'),
    ('referrer-policy', 'same-origin'),  # stricter than strict-origin-when-cross-origin: other sites get nothing
    ('x-frame-options', 'SAMEORIGIN'),  # frame-ancestors for browsers that ignore it
    (
        'permissions-policy',
        'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()',
    ),
)
HSTS = ('strict-transport-security', 'max-age=31536000')  # a year; not includeSubDomains: other hosts are not ours
SCRIPT_TAG = re.compile(rb'<script(?=[\s>])', re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class EdgePolicy:
    max_body_bytes: int  # a request body over this is refused with 413
    hsts: bool  # the site is served over HTTPS only (production)
    defaults: tuple[tuple[str, str], ...] = ()  # more headers an answer gets unless its route set them (the API's)


class BodyTooLarge(Exception):
    """Raised to whoever reads a request body past the limit: reading stops there."""


class Edge:
    """`app.add_middleware(Edge, policy=...)`; `policy()` is asked for each request (settings are read at call time)."""

    def __init__(self, app: ASGIApp, *, policy: Callable[[], EdgePolicy]) -> None:
        self.app, self.policy = app, policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        policy, nonce = self.policy(), secrets.token_urlsafe(16)
        reply = Reply(send, protective_headers(policy, nonce), nonce, hold_pages=scope['method'] != 'HEAD')
        if declared_length(scope) > policy.max_body_bytes:
            await reply.too_large(policy.max_body_bytes)  # before a byte of the body is read
            return
        body = CountedBody(receive, policy.max_body_bytes, reply)
        try:
            await self.app(scope, body.receive, reply.send)
        except BodyTooLarge:
            if reply.started:
                raise  # a response under way cannot turn into a 413 (no route here answers before reading)
            await reply.too_large(policy.max_body_bytes)
        except Exception as error:  # a plain route failed (NiceGUI's pages answer their own): the one record, a 500
            if reply.started:
                raise
            await reply.failed(log_once(error, 'route failed', path=scope.get('path', '')))


def protective_headers(policy: EdgePolicy, nonce: str) -> list[tuple[str, str]]:
    headers = [*PROTECTIVE_HEADERS, ('content-security-policy', CONTENT_SECURITY_POLICY.format(nonce=nonce))]
    return [*headers, *((HSTS,) if policy.hsts else ()), *policy.defaults]


def declared_length(scope: Scope) -> int:
    """The Content-Length the client announced (0 for none: a chunked body is counted as it arrives)."""
    for name, value in scope['headers']:
        if name == b'content-length':
            return int(value) if value.isdigit() else 0  # the server has refused a malformed one already
    return 0


class CountedBody:
    """The request body, passed on as it arrives until it goes past the limit; then the reader gets BodyTooLarge."""

    def __init__(self, receive: Receive, limit: int, reply: Reply) -> None:
        self._receive, self._limit, self._reply, self._seen = receive, limit, reply, 0

    async def receive(self) -> Message:
        message = await self._receive()
        if message['type'] == 'http.request':
            self._seen += len(message.get('body', b''))
            if self._seen > self._limit:
                # a route that turns errors into an answer of its own (FastAPI's 400 for an unreadable body, Engine.IO's
                # 200 after it logs any error) sends the 413 in its place
                self._reply.refused_with = self._limit
                raise BodyTooLarge
        return message


class Reply:
    """The response on its way out: missing protective headers added (a route's own, such as a document's stricter
    CSP, are kept), and an HTML page held until complete so its script tags get the nonce."""

    def __init__(self, send: Send, headers: list[tuple[str, str]], nonce: str, *, hold_pages: bool) -> None:
        self._send, self._headers, self._nonce, self._hold_pages = send, headers, nonce, hold_pages
        self.started = False
        self.refused_with: int | None = None  # the body limit, once the request body went past it
        self._page_start: Message | None = None
        self._page: list[bytes] = []

    async def send(self, message: Message) -> None:
        if self.refused_with is not None:
            if not self.started:
                await self.too_large(self.refused_with)
            return
        if message['type'] == 'http.response.start':
            self.started = True
            message = {**message, 'headers': self._with_missing(message.get('headers', []))}
            if self._hold_pages and is_html(message):  # (a HEAD answer has no body to mark)
                self._page_start = message
                return
        elif message['type'] == 'http.response.body' and self._page_start is not None:
            self._page.append(message.get('body', b''))
            if not message.get('more_body', False):
                await self._send_page()
            return
        await self._send(message)

    async def too_large(self, limit: int) -> None:
        await self._plain(413, f'The request is too large: at most {limit // MEGABYTE} MB.'.encode(), close=True)

    async def failed(self, reference: str) -> None:
        body = f'Something went wrong on our side. If it keeps happening, tell support the reference {reference}.'
        await self._plain(500, body.encode(), close=False)

    async def _plain(self, status: int, body: bytes, *, close: bool) -> None:
        self.started = True
        headers = [(b'content-type', b'text/plain; charset=utf-8'), (b'content-length', str(len(body)).encode())]
        if close:
            headers.append((b'connection', b'close'))  # the server stops reading the rest instead of draining it
        await self._send({'type': 'http.response.start', 'status': status, 'headers': self._with_missing(headers)})
        await self._send({'type': 'http.response.body', 'body': body})

    async def _send_page(self) -> None:
        # Let go of the held page as it leaves: a NiceGUI page keeps its request, and with it this reply's `send`,
        # for as long as it is open (30 KB an open page otherwise)
        start, held, self._page_start, self._page = self._page_start, self._page, None, []
        assert start is not None  # only called for a held page
        page = SCRIPT_TAG.sub(f'<script nonce="{self._nonce}"'.encode(), b''.join(held))
        headers = [(k, v) for k, v in start['headers'] if k.lower() != b'content-length']
        headers.append((b'content-length', str(len(page)).encode()))
        await self._send({**start, 'headers': headers})
        await self._send({'type': 'http.response.body', 'body': page})

    def _with_missing(self, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        present = {name.lower() for name, _ in headers}
        added = [(name.encode(), value.encode()) for name, value in self._headers if name.encode() not in present]
        return [*headers, *added]


def is_html(start: Message) -> bool:
    headers = dict((k.lower(), v) for k, v in start['headers'])
    return headers.get(b'content-type', b'').startswith(b'text/html') and b'content-encoding' not in headers
