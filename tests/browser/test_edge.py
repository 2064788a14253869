"""The web edge (pages/edge.py) on a real server: the protective headers on every kind of answer, and request bodies
over `max_upload_mb` refused with 413 before the app reads or spools them, while a 5 MB document still uploads."""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import nicegui
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import Page, Server
from tests.browser.steps import demo_password
from tests.factories import PNG_BYTES

MEGABYTE = 1024 * 1024
LIMIT = 6 * MEGABYTE  # settings.toml max_upload_mb
HEADERS = ('x-content-type-options', 'referrer-policy', 'x-frame-options', 'permissions-policy')
UPLOAD_URL = """
const uploader = document.querySelector('.q-uploader');
return uploader && `/_nicegui/client/${window.clientId}/upload/${uploader.id.slice(1)}`;
"""


def test_pages_redirects_assets_and_misses_carry_the_protective_headers(server: Server) -> None:
    for path, status in (
        ('/login', 200),
        ('/admin', 307),  # to /login
        (f'/_nicegui/{nicegui.__version__}/static/nicegui.js', 200),
        ('/no/such/page', 404),
    ):
        response = get(server, path)
        assert response.status == status, path
        assert all(response.getheader(name) for name in HEADERS), (path, response.getheaders())
        assert response.getheader('x-content-type-options') == 'nosniff'
        assert response.getheader('x-frame-options') == 'SAMEORIGIN'
        assert 'camera=()' in response.getheader('permissions-policy')
        policy = response.getheader('content-security-policy')
        assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy, (path, policy)
        assert response.getheader('server') is None, path  # no "uvicorn" telling what to try
        assert response.getheader('strict-transport-security') is None  # development: plain HTTP


def test_every_script_of_a_page_carries_the_nonce_of_its_response(server: Server) -> None:
    nonces = []
    for _ in range(2):
        response = get(server, '/login')
        nonce = re.search(r"'nonce-([^']+)'", response.getheader('content-security-policy'))[1]
        page = response.read().decode()
        scripts = re.findall(r'<script\b[^>]*>', page)
        assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts), scripts
        assert int(response.getheader('content-length')) == len(page.encode())
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_a_route_keeps_its_own_stricter_headers(server: Server) -> None:
    response = get(server, '/documents/1')  # not signed in: sent to sign in, with the documents' own headers
    assert response.status == 307
    assert response.getheader('content-security-policy').startswith('sandbox;')
    assert response.getheader('referrer-policy') == 'no-referrer'


def test_production_sends_hsts_and_a_host_only_secure_cookie(server: Server) -> None:
    server.restart(HSA_ENV='production', HSA_STORAGE_SECRET='a production secret of at least 32 characters')
    response = get(server, '/login')
    assert response.getheader('strict-transport-security') == 'max-age=31536000'
    cookie = response.getheader('set-cookie')
    assert cookie.startswith('__Host-session=')
    assert {'secure', 'httponly', 'path=/', 'samesite=lax'} <= {part.strip().lower() for part in cookie.split(';')}
    assert 'domain=' not in cookie.lower()


def test_a_body_announced_over_the_limit_is_refused_before_it_is_sent(server: Server) -> None:
    answer = post_unsent_body(server, '/_nicegui/client/anyone/upload/1', declared=1024 * MEGABYTE)
    assert answer.startswith('HTTP/1.1 413 '), answer
    assert 'at most 6 MB' in answer


@pytest.mark.browser
def test_an_upload_over_the_limit_is_refused_unread_and_a_5_mb_document_still_uploads(
    server: Server, page: Page, tmp_path: Path
) -> None:
    seeded = server.manage('seed-demo').stdout
    pending = re.search(r'(\S+@demo\.example) awaits approval', seeded)
    assert pending, seeded
    url = open_the_upload(page, pending[1], demo_password(seeded, 'professional')[1])
    written, peak = server_io(server, 'wchar'), server_memory(server, 'VmHWM')

    assert post_unsent_body(server, url, declared=1024 * MEGABYTE).startswith('HTTP/1.1 413 ')
    answer, sent = post_chunked(server, url, total=64 * MEGABYTE)
    assert answer.startswith('HTTP/1.1 413 '), answer

    # Without the edge the app spooled both bodies to temporary files, twice over (2 GiB written for 1 GiB)
    assert server_io(server, 'wchar') - written < 2 * LIMIT
    assert server_memory(server, 'VmHWM') - peak < 32 * MEGABYTE  # half the body: it was never held either
    assert sent < 64 * MEGABYTE  # it stopped reading: the rest was never taken in
    document = tmp_path / 'certificate.png'
    document.write_bytes(PNG_BYTES.ljust(5 * MEGABYTE, b'\0'))  # the largest document there may be
    page.choose('Kind of document', 'ID proof')
    page.driver.find_element(By.CSS_SELECTOR, '.q-uploader input[type=file]').send_keys(str(document))
    page.wait_for_text('Uploaded certificate.png.')


# --- helpers ----------------------------------------------------------------------------------------------------------


def get(server: Server, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection('127.0.0.1', server.port, timeout=30)
    connection.request('GET', path)
    return connection.getresponse()


def post_unsent_body(server: Server, path: str, *, declared: int) -> str:
    """Announce a body of `declared` bytes, send none of it, and return the answer."""
    with socket.create_connection(('127.0.0.1', server.port), timeout=30) as connection:
        connection.sendall(request_head(path, f'Content-Length: {declared}'))
        return read_all(connection)


def post_chunked(server: Server, path: str, *, total: int) -> tuple[str, int]:
    """Send a file of `total` bytes as a chunked multipart body, reading the answer meanwhile; the answer and how
    much of the body was sent."""
    with socket.create_connection(('127.0.0.1', server.port), timeout=30) as connection:
        connection.sendall(request_head(path, 'Transfer-Encoding: chunked'))
        answer: list[str] = []
        reader = threading.Thread(target=lambda: answer.append(read_all(connection)))
        reader.start()
        sent = 0
        try:
            for part in multipart_file(total):
                if not reader.is_alive():
                    break  # answered and closed
                connection.sendall(b'%x\r\n%s\r\n' % (len(part), part))
                sent += len(part)
            else:
                connection.sendall(b'0\r\n\r\n')
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed the connection after its answer
        reader.join()
        return answer[0], sent


def multipart_file(size: int) -> Iterator[bytes]:
    """A form with one PDF file field of `size` bytes, a megabyte at a time."""
    yield b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
    yield b'Content-Type: application/pdf\r\n\r\n%PDF-1.4\n'
    for _ in range(size // MEGABYTE):
        yield b'\0' * MEGABYTE
    yield b'\r\n--x--\r\n'


def request_head(path: str, length: str) -> bytes:
    lines = (f'POST {path} HTTP/1.1', 'Host: 127.0.0.1', 'Content-Type: multipart/form-data; boundary=x', length)
    return ('\r\n'.join(lines) + '\r\n\r\n').encode()


def read_all(connection: socket.socket) -> str:
    """What the server answers until it closes the connection (or goes quiet for the socket's timeout)."""
    received = b''
    with contextlib.suppress(TimeoutError, ConnectionResetError):
        while chunk := connection.recv(65536):
            received += chunk
    return received.decode(errors='replace')


def open_the_upload(page: Page, email: str, password: str) -> str:
    """Sign in as the professional and open their page; the URL its document uploader posts to."""
    page.open('/login?redirect_to=%2Fprofessional')
    page.fill('Email', email)
    page.fill('Password', password)
    page.click('Sign in')
    page.wait_for_path('/professional')
    return WebDriverWait(page.driver, 30).until(lambda driver: driver.execute_script(UPLOAD_URL))


def server_io(server: Server, counter: str) -> int:
    """A counter of /proc/<pid>/io, e.g. wchar: the bytes the app process has written (files and sockets)."""
    assert server.process is not None
    text = Path(f'/proc/{server.process.pid}/io').read_text()
    return int(re.search(rf'^{counter}: (\d+)$', text, re.MULTILINE)[1])


def server_memory(server: Server, field: str) -> int:
    """VmRSS or VmHWM (the peak) of the app process, in bytes."""
    assert server.process is not None
    text = Path(f'/proc/{server.process.pid}/status').read_text()
    return int(re.search(rf'^{field}:\s+(\d+) kB$', text, re.MULTILINE)[1]) * 1024
