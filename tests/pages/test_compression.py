"""Compression at the edge (pages/compression.py) around a small app: brotli for browsers that take it, gzip for the
rest, nothing for what is small or already compressed, and NiceGUI's files at brotli's best once it is made.
(The real app's answers in Chromium: bench/phone.py.)"""

from __future__ import annotations

import asyncio
import gzip
import os
import random
from collections.abc import AsyncIterator
from pathlib import Path

import brotli
import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, PlainTextResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from pages.compression import BEST_QUALITY, KEPT_PREFIX, Compression

# Text that compresses, with enough variety that quality 11 beats quality 5.
WORDS = ('quasar', 'vue', 'socket', 'booking', 'service', 'pincode', 'slot', 'customer', 'professional', 'review')
TEXT = ' '.join(random.Random(19).choices(WORDS, k=20_000)).encode()
ASSET = f'{KEPT_PREFIX}static/app.js'
OUR_ASSET = '/js/quasar-0123abcd.js'  # ours, at an address that names its content (pages/pwa.py)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    api = FastAPI()

    @api.get('/page')
    async def page() -> HTMLResponse:
        return HTMLResponse(TEXT)

    @api.get('/small')
    async def small() -> PlainTextResponse:
        return PlainTextResponse('ok')

    @api.get('/font')
    async def font() -> Response:
        return Response(TEXT, media_type='font/woff2')

    @api.get('/stream')
    async def stream() -> StreamingResponse:
        async def parts() -> AsyncIterator[bytes]:
            for start in range(0, len(TEXT), 10_000):
                yield TEXT[start : start + 10_000]

        return StreamingResponse(parts(), media_type='text/csv')

    @api.get(ASSET)
    @api.get(OUR_ASSET)
    async def asset() -> Response:
        return Response(TEXT, media_type='text/javascript', headers={'etag': '"v1"'})

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=Compression(api)), base_url='http://c') as client:
        yield client


async def raw_body(client: httpx.AsyncClient, path: str, accept: str) -> tuple[httpx.Response, bytes]:
    """The answer and its body as it came over the wire (httpx would otherwise decode it)."""
    async with client.stream('GET', path, headers={'accept-encoding': accept}) as response:
        return response, b''.join([chunk async for chunk in response.aiter_raw()])


async def test_a_browser_that_takes_brotli_gets_brotli_and_the_same_page(client: httpx.AsyncClient) -> None:
    response, body = await raw_body(client, '/page', 'gzip, deflate, br, zstd')
    assert response.headers['content-encoding'] == 'br'
    assert 'accept-encoding' in response.headers['vary'].lower()
    assert int(response.headers['content-length']) == len(body) < len(TEXT) / 3
    assert brotli.decompress(body) == TEXT


async def test_a_browser_without_brotli_gets_gzip_as_before(client: httpx.AsyncClient) -> None:
    response, body = await raw_body(client, '/page', 'gzip, deflate')
    assert response.headers['content-encoding'] == 'gzip'
    assert gzip.decompress(body) == TEXT


async def test_small_answers_and_fonts_go_as_they_are(client: httpx.AsyncClient) -> None:
    for path, expected in (('/small', b'ok'), ('/font', TEXT)):
        response, body = await raw_body(client, path, 'br')
        assert 'content-encoding' not in response.headers, path
        assert body == expected


async def test_a_streamed_answer_is_compressed_as_it_streams(client: httpx.AsyncClient) -> None:
    response, body = await raw_body(client, '/stream', 'br')
    assert response.headers['content-encoding'] == 'br'
    assert 'content-length' not in response.headers
    assert brotli.decompress(body) == TEXT


@pytest.mark.parametrize('path', [ASSET, OUR_ASSET])
async def test_niceguis_files_and_ours_are_kept_at_brotlis_best_once_made(client: httpx.AsyncClient, path: str) -> None:
    _, first = await raw_body(client, path, 'br')  # sent at once, at the fast quality; the best is made meanwhile
    best = brotli.compress(TEXT, quality=BEST_QUALITY)
    assert len(best) < len(first)
    for _ in range(200):
        response, body = await raw_body(client, path, 'br')
        if body == best:
            break
        await asyncio.sleep(0.05)
    assert body == best, 'the quality-11 body was never served'
    assert response.headers['etag'] == '"v1"'
    assert int(response.headers['content-length']) == len(best)
    assert brotli.decompress(body) == TEXT


def resident_mb() -> float:
    return int(Path('/proc/self/statm').read_text().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 1e6


async def test_a_finished_answer_holds_no_compressor_while_the_page_keeps_its_request() -> None:
    """NiceGUI keeps a page's request, and with it the `send` the middleware handed in, for as long as the page is
    open: a finished compressor held there is 1.4 MB per open page (2.1 MB per dashboard instead of 0.5)."""
    api = FastAPI()
    api.get('/page')(lambda: HTMLResponse(TEXT))

    @api.get('/stream')
    async def stream() -> StreamingResponse:
        return StreamingResponse(iter([TEXT[:50_000], TEXT[50_000:]]), media_type='text/html')

    kept: list[Send] = []

    async def keeping(scope: Scope, receive: Receive, send: Send) -> None:
        kept.append(send)
        await api(scope, receive, send)

    transport = httpx.ASGITransport(app=Compression(keeping))
    async with httpx.AsyncClient(transport=transport, base_url='http://c') as client:
        await raw_body(client, '/page', 'br')  # the first answer's one-off costs are not counted
        before = resident_mb()
        for path in ('/page', '/stream') * 30:
            _, body = await raw_body(client, path, 'br')
            assert brotli.decompress(body) == TEXT, path
        grown = resident_mb() - before
    assert len(kept) == 61
    assert grown < 20, f'60 finished answers still hold {grown:.0f} MB'
