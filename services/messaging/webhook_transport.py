"""Posting one webhook delivery, signed by the Standard Webhooks scheme (standardwebhooks.com): the headers
`webhook-id` (the same on every retry), `webhook-timestamp` (seconds, when this attempt was signed) and
`webhook-signature` (`v1,` + base64 of HMAC-SHA256 over `id.timestamp.body` with the endpoint's secret).

The URL is checked again here (services.core.addresses) and the connection goes to the address that check
resolved, not to whatever the name resolves to a moment later. Redirects are not followed: a 3xx is a failure.
Any answer but a 2xx is tried again later (the receiver may be down or deploying), except 410 Gone."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import http.client
import socket
import ssl
import threading
import time

from services.core import addresses
from services.core.errors import ValidationError
from services.messaging.transports import MAX_ERROR, NotConfigured, Outgoing, Undelivered
from settings import Settings

SECRET_PREFIX = 'whsec_'
GONE = 410
USER_AGENT = 'HouseholdServices-Webhooks/1'


def send_webhook(message: Outgoing, settings: Settings) -> None:
    if not message.secret:
        raise NotConfigured('The webhook endpoint is switched off: switch it on to send this again.')
    try:
        target = addresses.resolve(message.address, settings)
    except ValidationError as refusal:
        raise Undelivered(f'refused: {refusal}', transient=False) from None
    body = message.text.encode()
    headers = signed_headers(message.secret, message.key, int(time.time()), body)
    headers |= {'Content-Type': 'application/json', 'User-Agent': USER_AGENT}
    connection = _connection(target, settings)
    # each socket operation has the timeout, and the whole exchange has it too: a receiver that answers a byte at a
    # time must not hold the run past its lease (the lookup above had its own, so two timeouts in all, as budgeted)
    deadline = threading.Timer(settings.delivery_timeout_seconds, _cut, (connection,))
    deadline.start()
    try:
        connection.request('POST', target.path, body=body, headers=headers)
        answer = connection.getresponse()
        detail = answer.read(300).decode('utf-8', 'replace').strip()
    except (OSError, http.client.HTTPException) as failure:  # refused, reset, timeout, TLS, cut at the deadline
        raise Undelivered(f'{target.host}:{target.port}: {failure!r}'[:MAX_ERROR], transient=True) from None
    finally:
        deadline.cancel()
        connection.close()
    if not 200 <= answer.status < 300:  # noqa: PLR2004 (the 2xx range)
        said = f': {detail}' if detail else ''
        raise Undelivered(
            f'HTTP {answer.status} from {target.host}:{target.port}{said}', transient=answer.status != GONE
        )


def _cut(connection: http.client.HTTPConnection) -> None:
    """The deadline passed: whatever the exchange is waiting for now fails at once."""
    with contextlib.suppress(OSError, AttributeError):
        connection.sock.shutdown(socket.SHUT_RDWR)


def signed_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f'{message_id}.{timestamp}.'.encode() + body
    signature = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return {'webhook-id': message_id, 'webhook-timestamp': str(timestamp), 'webhook-signature': f'v1,{signature}'}


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address; the Host header still names the URL's host."""

    def __init__(self, target: addresses.Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, with TLS: the certificate is checked against the URL's host name (SNI too)."""

    def __init__(self, target: addresses.Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _connection(target: addresses.Target, settings: Settings) -> http.client.HTTPConnection:
    timeout = settings.delivery_timeout_seconds
    if target.scheme == 'https':
        return _PinnedHTTPSConnection(target, timeout)
    return _PinnedHTTPConnection(target, timeout)
