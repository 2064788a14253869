"""The Tailwind stylesheet built from the classes the code spells (`make css`, scripts/tailwind/input.css) in place
of NiceGUI's Tailwind runtime (issue 19): every page links it, none loads the runtime, it is served to be kept for a
year and the service worker keeps it. In Chromium, every class drawn on every page of the phone tour has a rule
(tests/browser/phone_audit.js)."""

from __future__ import annotations

import json
import re

from nicegui.testing import User

from components.filters import WIDE_COLUMNS
from components.theme import STYLESHEET, STYLESHEET_LINK, STYLESHEET_URL

RUNTIME = 'tailwindcss.min.js'  # NiceGUI's Tailwind runtime


async def test_the_stylesheet_is_served_to_be_kept_for_a_year_under_an_address_naming_it(user: User) -> None:
    assert re.fullmatch(r'/css/tailwind-[0-9a-f]{8}\.css', STYLESHEET_URL)
    response = await user.http_client.get(STYLESHEET_URL)
    assert response.status_code == 200
    assert response.headers['content-type'].startswith('text/css')
    assert response.headers['cache-control'] == 'public, max-age=31536000, immutable'
    assert response.content == STYLESHEET.read_bytes()
    assert (await user.http_client.get('/css/tailwind-00000000.css')).status_code == 404  # an old address


async def test_every_page_links_the_stylesheet_and_none_loads_the_runtime(user: User) -> None:
    for path in ('/login', '/register', '/no-such-page'):
        page = (await user.http_client.get(path)).text
        assert page.count(STYLESHEET_LINK) == 1, path
        assert RUNTIME not in page and 'text/tailwindcss' not in page, path
    worker = (await user.http_client.get('/sw.js')).text
    shell = json.loads(re.search(r'const SHELL = (\[.*?\]);', worker)[1])
    assert STYLESHEET_URL in shell
    assert not any(path.endswith(RUNTIME) for path in shell)


def test_the_stylesheet_has_the_classes_the_code_picks_from_a_table() -> None:
    """A class made at run time from a number would be missing (`lg:grid-cols-{n}` was): the filters' columns are
    spelled out, so each has its rule, in the utilities layer of NiceGUI's cascade."""
    css = STYLESHEET.read_text()
    for spelled in WIDE_COLUMNS.values():
        assert '.' + spelled.replace(':', '\\:') + '{' in css, spelled
    assert '@layer utilities{' in css and '.w-full{width:100%}' in css
