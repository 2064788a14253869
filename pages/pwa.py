"""What makes the app installable on a phone or a desktop: the web app manifest, its icons, the service worker and
the offline page it shows when the network is gone. All public, the same for everybody, and none of it personal:
the service worker keeps only these and NiceGUI's own static files (pages/static/pwa/sw.js says why).

The head tags that point a page at them are components/pwa.py's, added to every page by components/theme.py.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from fastapi import HTTPException
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from nicegui import APIRouter, __version__, app

from components.pwa import APPLE_TOUCH_ICON, MANIFEST, SERVICE_WORKER
from components.theme import ICON_FONT, ICON_FONT_URL, PRIMARY, QUASAR, QUASAR_URL, STYLESHEET, STYLESHEET_URL

router = APIRouter()
FOLDER = Path(__file__).parent / 'static' / 'pwa'
OFFLINE = '/offline'
OFFLINE_ICON = '/icons/icon-192.png'  # the offline page shows it
# address: (file, size in pixels, purpose); Chromium installs with a 192 and a 512 px icon, Android's launcher cuts
# its own shape out of the maskable one
ICONS = {
    '/icons/icon-192.png': ('icon-192.png', 192, 'any'),
    '/icons/icon-512.png': ('icon-512.png', 512, 'any'),
    '/icons/maskable-512.png': ('maskable-512.png', 512, 'maskable'),
}
APPLE_ICON_FILE = 'apple-touch-icon.png'  # 180 px, for iOS's home screen (it ignores the manifest's icons)
# The service worker is checked for a newer version on every navigation: no-cache makes that check reach us (a
# browser would otherwise keep an old one for up to a day); the shell files may be kept for a day.
NO_CACHE = {'Cache-Control': 'no-cache'}
A_DAY = {'Cache-Control': 'public, max-age=86400'}
FOREVER = {'Cache-Control': 'public, max-age=31536000, immutable'}  # an address that names its content (a hash)
BACKGROUND = '#ffffff'  # the splash screen's, behind the icon while the start page loads
# The paths under which NiceGUI serves its own files, named by its version: the same address is the same file, so the
# service worker may answer them from its cache. Not /_nicegui/auto/ (files the app hands out, some of them private),
# /_nicegui/client/ or dynamic_resources (made per request), nor /_nicegui_ws (the pages' live traffic).
NICEGUI_ASSETS = tuple(f'/_nicegui/{__version__}/{kind}/' for kind in ('static', 'components', 'libraries', 'esm'))


@router.get(MANIFEST, include_in_schema=False)
def manifest_route() -> JSONResponse:
    return JSONResponse(manifest(), media_type='application/manifest+json', headers=A_DAY)


@router.get(SERVICE_WORKER, include_in_schema=False)
def service_worker_route() -> Response:
    # served from the root: a service worker controls only the paths under its own address, and it must control all
    return Response(service_worker(tuple(shell_urls())), media_type='text/javascript', headers=NO_CACHE)


@router.get(OFFLINE, include_in_schema=False)
def offline_route() -> HTMLResponse:
    return HTMLResponse(offline_page(), headers=NO_CACHE)


@router.get('/icons/{name}', include_in_schema=False)
def icon_route(name: str) -> FileResponse:
    if f'/icons/{name}' not in ICONS:
        raise HTTPException(status_code=404)
    return FileResponse(FOLDER / name, media_type='image/png', headers=A_DAY)


@router.get('/fonts/{name}', include_in_schema=False)
def icon_font_route(name: str) -> FileResponse:
    """The Material Icons subset components/theme.py draws icons with, in NiceGUI's full font's place."""
    if f'/fonts/{name}' != ICON_FONT_URL:
        raise HTTPException(status_code=404)
    return FileResponse(ICON_FONT, media_type='font/woff2', headers=FOREVER)


@router.get('/css/{name}', include_in_schema=False)
def stylesheet_route(name: str) -> FileResponse:
    """The Tailwind classes the app uses (components/theme.py), in place of NiceGUI's Tailwind runtime."""
    if f'/css/{name}' != STYLESHEET_URL:
        raise HTTPException(status_code=404)
    return FileResponse(STYLESHEET, media_type='text/css', headers=FOREVER)


@router.get('/js/{name}', include_in_schema=False)
def quasar_route(name: str) -> FileResponse:
    """Quasar with only the components the app draws (pages/quasar.py), in place of NiceGUI's."""
    if f'/js/{name}' != QUASAR_URL:
        raise HTTPException(status_code=404)
    return FileResponse(QUASAR, media_type='text/javascript', headers=FOREVER)


@router.get(APPLE_TOUCH_ICON, include_in_schema=False)
def apple_touch_icon_route() -> FileResponse:
    return FileResponse(FOLDER / APPLE_ICON_FILE, media_type='image/png', headers=A_DAY)


def manifest() -> dict[str, object]:
    """'/' sends each signed-in role to its own home and everybody else to the sign-in page (pages/auth.py)."""
    return {
        'id': '/',
        'name': 'Household Services',
        'short_name': 'Household',  # under a launcher icon: a dozen letters fit
        'description': 'Trusted professionals for every job at home',
        'start_url': '/',
        'scope': '/',
        'display': 'standalone',
        'background_color': BACKGROUND,
        'theme_color': PRIMARY,
        'icons': [
            {'src': src, 'sizes': f'{size}x{size}', 'type': 'image/png', 'purpose': purpose}
            for src, (_, size, purpose) in ICONS.items()
        ],
    }


def shell_urls() -> list[str]:
    """What the service worker keeps when it installs: ours, and the NiceGUI files every page loads (as NiceGUI's
    page template names them for this app's settings)."""
    # the install icons: fetched by the browser when it installs, not here; the icon font is our subset (NiceGUI's
    # full one is never drawn, components/theme.py) and the stylesheet our Tailwind classes
    ours = [OFFLINE, MANIFEST, OFFLINE_ICON, ICON_FONT_URL, STYLESHEET_URL]
    if prod_js():
        ours.append(QUASAR_URL)  # in NiceGUI's Quasar's place (pages/quasar.py)
    return ours + [f'/_nicegui/{__version__}/static/{name}' for name in nicegui_static_files()]


def nicegui_static_files() -> list[str]:
    suffix = '.prod' if prod_js() else ''
    names = [
        'fonts.css',
        f'quasar.unimportant{suffix}.css',
        f'quasar.important{suffix}.css',
        'nicegui.css',
        f'vue.esm-browser{suffix}.js',
        'socket.io.min.js',
        'nicegui.js',
        'lang/en-US.umd.prod.js',  # the app sets no ui.run(language=...): NiceGUI's default
    ]
    if not prod_js():
        names.append('quasar.umd.js')  # NiceGUI's development build: ours replaces only its production one
    if getattr(app.config, 'tailwind', False):
        names.append('tailwindcss.min.js')
    if unocss := getattr(app.config, 'unocss', None):  # in Tailwind's place (app.py)
        names += [f'unocss/preset-{unocss}.global.js', 'unocss/core.global.js']
    return names


def prod_js() -> bool:
    return getattr(app.config, 'prod_js', True)


@cache
def service_worker(shell: tuple[str, ...]) -> str:
    """sw.js with its names filled in. The cache's name is a digest of everything the worker keeps, so any change to
    the shell (a new icon, a new offline page, another NiceGUI) gets a new cache and the old one is deleted."""
    digest = hashlib.sha256()
    for part in (*shell, (FOLDER / 'sw.js').read_text(), offline_page(), json.dumps(manifest())):
        digest.update(part.encode())
    for name in (*(file for file, _, _ in ICONS.values()), APPLE_ICON_FILE):
        digest.update((FOLDER / name).read_bytes())
    filled = {
        'CACHE_NAME': json.dumps(f'hsa-shell-{digest.hexdigest()[:12]}'),
        'SHELL_URLS': json.dumps(list(shell)),
        'ASSET_PREFIXES': json.dumps(list(NICEGUI_ASSETS)),
    }
    source = (FOLDER / 'sw.js').read_text()
    for placeholder, value in filled.items():
        source = source.replace(f'= {placeholder};', f'= {value};')
    return source


@cache
def offline_page() -> str:
    """A page of its own, not a NiceGUI page: it must show with no server to talk to."""
    page = (FOLDER / 'offline.html').read_text().replace('PRIMARY_COLOUR', PRIMARY)
    return page.replace('NICEGUI_STATIC', f'/_nicegui/{__version__}/static')
