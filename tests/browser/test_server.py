"""The server as a browser meets it, below the pages."""

from __future__ import annotations

import base64
import os
import socket

from tests.browser.conftest import Server

HANDSHAKE_TIMEOUT = 10


def test_the_pages_websocket_is_opened_without_compression(server: Server) -> None:
    """A compressor per open page held 0.28 MB of it (bench/memory.py): the server declines per-message deflate
    even when the browser offers it, as Chromium does."""
    response = _websocket_handshake(server.port, offer='permessage-deflate; client_max_window_bits')

    assert response.startswith('HTTP/1.1 101'), response
    assert 'sec-websocket-extensions' not in response.lower()


def _websocket_handshake(port: int, *, offer: str) -> str:
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        'GET /_nicegui_ws/socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n'
        f'Host: 127.0.0.1:{port}\r\n'
        'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n'
        f'Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Extensions: {offer}\r\n\r\n'
    )
    with socket.create_connection(('127.0.0.1', port), timeout=HANDSHAKE_TIMEOUT) as connection:
        connection.sendall(request.encode())
        received = b''
        while b'\r\n\r\n' not in received:
            chunk = connection.recv(4096)
            if not chunk:
                break
            received += chunk
    return received.split(b'\r\n\r\n', 1)[0].decode('latin-1')
