"""The web edge (pages/edge.py) around a small FastAPI app of routes that read bodies the ways routes do: what a
route makes of a body cut off at the limit is a 413 whatever it does. (The app's own routes: tests/browser.)"""

from __future__ import annotations

import contextlib
import logging
import re
import tracemalloc
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from starlette.types import Message, Receive, Scope, Send

from pages.edge import BodyTooLarge, Edge, EdgePolicy

LIMIT = 1024
PAGE = '<html><head><script>start()</script><script type="module" src="/a.js"></script></head><scripts/></html>'


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    api = FastAPI()

    @api.post('/form')
    async def form(name: str = Form()) -> PlainTextResponse:  # FastAPI answers 400 when it cannot read the form
        return PlainTextResponse(name)

    @api.post('/swallowed')
    async def swallowed(request: Request) -> PlainTextResponse:  # a route that ignores what went wrong
        with contextlib.suppress(BodyTooLarge):
            await request.body()
        return PlainTextResponse('read it all')

    @api.get('/broken')
    async def broken() -> PlainTextResponse:
        raise RuntimeError('the route broke')

    @api.api_route('/page', methods=['GET', 'HEAD'])
    async def page() -> HTMLResponse:
        return HTMLResponse(PAGE)

    api.add_middleware(Edge, policy=lambda: EdgePolicy(max_body_bytes=LIMIT, hsts=True))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url='http://edge') as client:
        yield client


async def chunks(size: int) -> AsyncIterator[bytes]:
    """A body with no Content-Length: counted as it arrives."""
    yield b'name='
    for _ in range(size // 100):
        yield b'x' * 100


@pytest.mark.parametrize('path', ['/form', '/swallowed'])
async def test_a_body_that_grows_past_the_limit_is_refused_however_the_route_takes_it(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.post(
        path, content=chunks(10 * LIMIT), headers={'content-type': 'application/x-www-form-urlencoded'}
    )
    assert response.status_code == 413
    assert response.text.startswith('The request is too large')
    assert response.headers['x-content-type-options'] == 'nosniff'


async def test_a_body_under_the_limit_reaches_the_route(client: httpx.AsyncClient) -> None:
    response = await client.post(
        '/form', content=chunks(LIMIT // 2), headers={'content-type': 'application/x-www-form-urlencoded'}
    )
    assert response.status_code == 200
    assert response.text == 'x' * (LIMIT // 2 // 100 * 100)


async def test_only_script_tags_get_the_nonce_and_a_head_request_is_left_alone(client: httpx.AsyncClient) -> None:
    response = await client.get('/page')
    nonce = response.headers['content-security-policy'].split("'nonce-")[1].split("'")[0]
    assert response.text == PAGE.replace('<script>', f'<script nonce="{nonce}">').replace(
        '<script type', f'<script nonce="{nonce}" type'
    )
    assert response.headers['strict-transport-security'] == 'max-age=31536000'
    head = await client.head('/page')
    assert head.headers['content-length'] == str(len(PAGE))


async def test_a_plain_route_that_fails_answers_500_with_the_reference_of_its_one_record(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = await client.get('/broken')
    assert response.status_code == 500
    assert response.headers['x-content-type-options'] == 'nosniff'
    reference = re.fullmatch(r'Something went wrong on our side\. .* reference ([0-9a-f]{8})\.', response.text).group(1)
    [record] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert f'route failed (reference {reference}) at /broken' in record.getMessage()


async def test_a_sent_page_is_let_go_though_the_page_keeps_its_request() -> None:
    """NiceGUI keeps a page's request, and with it the `send` the edge handed in, for as long as the page is open:
    the held copy of the page must not stay behind with it (30 KB an open dashboard)."""
    page = PAGE.replace('<scripts/>', 'x' * 50_000)
    kept: list[Send] = []

    async def keeping(scope: Scope, receive: Receive, send: Send) -> None:
        kept.append(send)
        await HTMLResponse(page)(scope, receive, send)

    async def nothing_more() -> Message:
        return {'type': 'http.request', 'body': b'', 'more_body': False}

    sent: list[int] = []

    async def network(message: Message) -> None:  # what leaves is counted, not kept
        sent.append(len(message.get('body', b'')))

    edge = Edge(keeping, policy=lambda: EdgePolicy(max_body_bytes=LIMIT, hsts=False))
    scope = {'type': 'http', 'method': 'GET', 'path': '/page', 'headers': [], 'query_string': b''}
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(20):
            await edge(dict(scope), nothing_more, network)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(kept) == 20 and sum(sent) > 20 * len(page)
    assert held < len(page), f'20 sent pages still hold {held:,} bytes'
