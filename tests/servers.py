"""Real servers on loopback that stand in for the world outside: an SMTP server (aiosmtpd) and an HTTP server for
Google Chat webhooks and the SMS gateway. Each records what it received and can be told to misbehave."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def app_environment(**settings: str) -> dict[str, str]:
    """The environment for `python app.py` in a child process: this one's, without pytest's and NiceGUI's variables
    (NiceGUI would otherwise think it runs inside a test and not serve), with `settings` (HSA_...) on top."""
    inherited = {key: value for key, value in os.environ.items() if not key.startswith(('PYTEST_', 'NICEGUI_'))}
    return inherited | settings


def wait_until(condition: Any, *, timeout: float = 20, every: float = 0.05) -> bool:
    """Poll `condition()` until it is true or `timeout` seconds pass; returns its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return bool(condition())


# --- SMTP -------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    """A self-signed certificate for 127.0.0.1 (made with openssl), standing in for a private mail server's."""

    cert: Path
    key: Path

    @classmethod
    def make(cls, folder: Path) -> Certificate:
        cert, key = folder / 'smtp-cert.pem', folder / 'smtp-key.pem'
        request = ['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1']
        names = ['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', str(key), '-out', str(cert)]
        subprocess.run([*request, *names], check=True, capture_output=True)
        return cls(cert, key)

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


class SmtpSink:
    """An SMTP server that keeps every message it accepts. `hold()` makes it take a message and wait before saying
    250 (to kill a sender mid-send); `refuse(code)` answers every DATA with that reply. With `tls` ('starttls' or
    'tls') and a certificate it requires STARTTLS, or speaks TLS from the first byte."""

    def __init__(self, *, tls: str = '', certificate: Certificate | None = None) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.arrived = threading.Event()  # a DATA command came in (held or not)
        self._open = threading.Event()
        self._open.set()
        self._reply = '250 OK'
        self._lock = threading.Lock()
        context = certificate.server_context() if certificate else None
        options = {'tls_context': context, 'require_starttls': True} if tls == 'starttls' else {}
        options |= {'ssl_context': context} if tls == 'tls' else {}
        self._controller = Controller(self, hostname='127.0.0.1', port=self.port, **options)

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._open.set()
        self._controller.stop()

    def reset(self) -> None:
        with self._lock:
            self.messages.clear()
        self.arrived.clear()
        self._open.set()
        self._reply = '250 OK'

    def hold(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def refuse(self, reply: str) -> None:
        self._reply = reply

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if address in m['To']]

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.arrived.set()
        await asyncio.get_running_loop().run_in_executor(None, self._open.wait)
        if not self._reply.startswith('250'):
            return self._reply
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return '250 OK'


# --- HTTP -------------------------------------------------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    raw: bytes = b''  # the body as sent (a signature is over these bytes)


@dataclass
class HttpSink:
    """An HTTP server recording every POST; `answer(prefix, status, delay)` sets how it replies to paths that start
    with `prefix` (default 200 at once)."""

    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    answers: dict[str, tuple[int, float]] = field(default_factory=dict)

    def start(self) -> HttpSink:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get('Content-Length') or 0))
                status, delay = sink.answer_for(self.path)
                time.sleep(delay)
                sink.received.append(Received(self.path, dict(self.headers), json.loads(raw or b'{}'), raw))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a client that timed out has gone
                    self.send_response(status)
                    self.send_header('Content-Type', 'application/json')
                    self.end_headers()
                    self.wfile.write(b'{}' if status < 400 else b'{"error": "stand-in failure"}')

            def log_message(self, *args: Any) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer(('127.0.0.1', self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        self.received.clear()
        self.answers.clear()

    def answer(self, prefix: str, status: int, delay: float = 0.0) -> None:
        self.answers[prefix] = (status, delay)

    def answer_for(self, path: str) -> tuple[int, float]:
        return next((a for prefix, a in self.answers.items() if path.startswith(prefix)), (200, 0.0))

    def to(self, prefix: str) -> list[Received]:
        return [r for r in list(self.received) if r.path.startswith(prefix)]

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self.port}'


# --- Redis ------------------------------------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of a test's own that can be stopped and started again on the same port, keeping its data (an
    append-only file, as a production Redis would): an outage, then the same Redis back."""

    def __init__(self, folder: Path) -> None:
        self.port, self.folder = free_port(), folder
        self.url = f'redis://127.0.0.1:{self.port}/0'
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        options = ['--port', str(self.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes']
        options += ['--appendfsync', 'always', '--dir', str(self.folder)]
        self._process = subprocess.Popen(
            ['redis-server', *options], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if not wait_until(self.answers, timeout=10):
            raise RuntimeError(f'redis-server did not start on port {self.port}')

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()  # an outage, not a shutdown: nothing more is written
            self._process.wait(timeout=10)
            self._process = None

    def answers(self) -> bool:
        import redis  # noqa: PLC0415 (only the tests that start a Redis need the client)

        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=0.5).ping())
        except redis.RedisError:
            return False
