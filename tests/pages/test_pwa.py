"""What makes the app installable (pages/pwa.py, components/pwa.py), over plain HTTP: the manifest, its icons, the
service worker and the offline page. Chromium's own verdict and the worker at work: tests/browser/test_installable.py.
"""

from __future__ import annotations

import io
import json
import re

import httpx
from nicegui.testing import User
from PIL import Image

from components.theme import PRIMARY
from tests.factories import make_customer
from tests.pages.support import open_as

PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'
SAFE_ZONE = 0.4  # of the width: the radius of the circle every maskable icon keeps, whatever the launcher's mask
# what a cached copy could give away: a page, a download, NiceGUI's per-tab traffic, the files it hands out by token
PRIVATE_PREFIXES = ('/customer', '/professional', '/admin', '/account', '/documents', '/exports', '/notifications')
NICEGUI_PRIVATE = ('/_nicegui/auto/', '/_nicegui/client/', '/_nicegui_ws')


async def get(user: User, path: str) -> httpx.Response:
    response = await user.http_client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response


async def test_the_manifest_names_the_app_its_icons_colour_and_start(user: User) -> None:
    response = await get(user, '/manifest.webmanifest')
    assert response.headers['content-type'] == 'application/manifest+json'
    manifest = response.json()
    assert manifest['name'] == 'Household Services'
    assert 0 < len(manifest['short_name']) <= 12  # what fits under a launcher icon
    assert manifest['display'] == 'standalone'
    assert manifest['start_url'] == manifest['scope'] == '/'  # '/' sends each role to its home (test_auth_pages)
    assert manifest['theme_color'] == PRIMARY
    sizes = {(icon['sizes'], icon['purpose']) for icon in manifest['icons']}
    assert {('192x192', 'any'), ('512x512', 'any'), ('512x512', 'maskable')} <= sizes
    assert all(icon['type'] == 'image/png' for icon in manifest['icons'])


async def test_every_icon_is_a_png_of_the_size_it_claims(user: User) -> None:
    manifest = (await get(user, '/manifest.webmanifest')).json()
    claimed = [(icon['src'], int(icon['sizes'].split('x')[0])) for icon in manifest['icons']]
    for src, size in [*claimed, ('/apple-touch-icon.png', 180)]:
        response = await get(user, src)
        assert response.headers['content-type'] == 'image/png'
        assert response.content.startswith(PNG_SIGNATURE), src
        assert Image.open(io.BytesIO(response.content)).size == (size, size), src


async def test_the_maskable_icon_keeps_its_house_inside_the_safe_zone(user: User) -> None:
    """Every launcher mask keeps the central circle of 80%: nothing but the background may lie outside it."""
    image = Image.open(io.BytesIO((await get(user, '/icons/maskable-512.png')).content)).convert('RGB')
    width, height = image.size
    centre, radius = (width - 1) / 2, SAFE_ZONE * width
    outside = [
        (x, y)
        for y in range(0, height, 2)
        for x in range(0, width, 2)
        if (x - centre) ** 2 + (y - centre) ** 2 > radius**2 and image.getpixel((x, y)) != hex_rgb(PRIMARY)
    ]
    assert outside == []
    assert image.getpixel((width // 2, height // 2 - width // 8)) == (255, 255, 255)  # the house is there


async def test_the_service_worker_is_served_from_the_root_and_rechecked_every_time(user: User) -> None:
    response = await get(user, '/sw.js')
    assert response.headers['content-type'].startswith('text/javascript')
    assert response.headers['cache-control'] == 'no-cache'
    assert re.search(r'const CACHE = \"hsa-shell-[0-9a-f]{12}\";', response.text)


async def test_the_service_worker_keeps_only_the_static_shell_and_all_of_it_answers(user: User) -> None:
    """It precaches these on install (all or nothing: one missing file and it never installs)."""
    shell, assets = worker_lists((await get(user, '/sw.js')).text)
    assert set(shell) >= {'/offline', '/manifest.webmanifest', '/icons/icon-192.png'}
    assert (
        '/icons/icon-512.png' not in shell
    )  # the browser fetches the install icons when it installs: not every visitor
    for path in [*shell, *assets]:
        assert not path.startswith(PRIVATE_PREFIXES + NICEGUI_PRIVATE), path
    assert all(re.fullmatch(r'/_nicegui/\d+\.\d+\.\d+/(static|components|libraries|esm)/', prefix) for prefix in assets)
    for path in shell:
        await get(user, path)


async def test_the_worker_precaches_the_nicegui_files_a_page_loads(user: User) -> None:
    shell, _ = worker_lists((await get(user, '/sw.js')).text)
    page = (await get(user, '/login')).text
    loaded = set(re.findall(r'(?:src="|url\(")(/_nicegui/[\d.]+/static/[^"]+)"', page))
    assert loaded and loaded <= set(shell)


async def test_every_page_links_the_manifest_and_registers_the_worker_under_the_nonce(user: User) -> None:
    response = await get(user, '/login')
    page = response.text
    nonce = re.search(r"'nonce-([^']+)'", response.headers['content-security-policy'])[1]
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert f'<meta name="theme-color" content="{PRIMARY}">' in page
    assert '<link rel="apple-touch-icon" href="/apple-touch-icon.png">' in page
    assert f'<script nonce="{nonce}">if (\'serviceWorker\' in navigator) navigator.serviceWorker.register(' in page
    policy = response.headers['content-security-policy']
    assert "manifest-src 'self'" in policy
    assert "worker-src 'self'" in policy


async def test_the_offline_page_is_the_same_for_everybody_and_needs_nothing_else(user: User) -> None:
    anonymous = (await get(user, '/offline')).text
    customer = make_customer(name='Ishaan Offline', address='42 Quiet Lane')
    await open_as(user, customer, '/customer', 'customer-welcome')
    response = await get(user, '/offline')
    assert response.text == anonymous  # nothing of the signed-in viewer's
    for private in ('Ishaan', customer.email, 'Quiet Lane'):
        assert private not in response.text
    assert 'You are offline' in response.text
    assert 'Try again' in response.text
    assert '<script' not in response.text  # nothing to run: shown from the cache, under any policy
    assert not re.search(r'(src|href)="(https?:)?//', response.text)  # nothing from elsewhere
    assert response.headers['content-type'].startswith('text/html')


def worker_lists(source: str) -> tuple[list[str], list[str]]:
    """The worker's SHELL (precached addresses) and ASSETS (prefixes it may keep on the way)."""
    shell = json.loads(re.search(r'const SHELL = (\[.*?\]);', source)[1])
    assets = json.loads(re.search(r'const ASSETS = (\[.*?\]);', source)[1])
    return shell, assets


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
