"""The Material Icons subset (scripts/subset_icons.py) that stands in for NiceGUI's 129 KB icon font (issue 19): it
draws every icon the app and Quasar name, it is served to be kept for a year, and it is up to date with the script.
In Chromium, on every page of the phone tour: no icon shows as its name and the full font is never fetched
(tests/browser/phone_audit.js)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fontTools.ttLib import TTFont
from nicegui.testing import User

from components.theme import ICON_FONT, ICON_FONT_URL
from scripts.subset_icons import (
    NICEGUI_ICONS,
    SOURCE_FOLDERS,
    drawn_icon_names,
    icon_names_in_source,
    ligature_names,
    original_font,
    quasar_icon_names,
    write_subset,
)

FULL_FONT_KB = 100  # NiceGUI's is 129 KB


def test_the_subset_draws_every_icon_the_source_and_quasar_name() -> None:
    known = set(ligature_names(TTFont(original_font())))
    used = icon_names_in_source(SOURCE_FOLDERS, known)
    quasar = quasar_icon_names()
    assert {'chevron_right', 'menu', 'edit', 'archive', 'toggle_on', 'verified', 'thumb_down'} <= used  # all roads
    assert {'arrow_drop_down', 'cancel', 'check', 'arrow_upward', 'first_page', 'cloud_upload', 'clear_all'} <= quasar
    missing = (used | quasar | NICEGUI_ICONS) - drawn_icon_names(ICON_FONT)
    assert missing == set(), 'run scripts/subset_icons.py'


def test_the_subset_is_small_and_only_ligatures_of_names_it_needs() -> None:
    assert ICON_FONT.stat().st_size < original_font().stat().st_size // 10
    assert ICON_FONT.stat().st_size < FULL_FONT_KB * 1024 // 10
    assert 'wifi' not in ligature_names(TTFont(ICON_FONT))  # an icon nobody draws


def test_the_subset_is_up_to_date_with_the_script(tmp_path: Path) -> None:
    fresh = tmp_path / 'icons.woff2'
    names = write_subset(fresh)
    assert drawn_icon_names(fresh) == names == drawn_icon_names(ICON_FONT)


async def test_the_font_is_served_to_be_kept_for_a_year_under_an_address_naming_it(user: User) -> None:
    assert re.fullmatch(r'/fonts/material-icons-[0-9a-f]{8}\.woff2', ICON_FONT_URL)
    response = await user.http_client.get(ICON_FONT_URL)
    assert response.status_code == 200
    assert response.headers['content-type'] == 'font/woff2'
    assert response.headers['cache-control'] == 'public, max-age=31536000, immutable'
    assert response.content == ICON_FONT.read_bytes()
    assert (await user.http_client.get('/fonts/material-icons-00000000.woff2')).status_code == 404  # an old address


async def test_pages_name_the_subset_and_the_worker_keeps_it_not_the_full_font(user: User) -> None:
    page = (await user.http_client.get('/login')).text
    assert json.dumps(f"src: url({ICON_FONT_URL}) format('woff2')")[1:-1] in page  # in components/theme.py's CSS
    worker = (await user.http_client.get('/sw.js')).text
    shell = json.loads(re.search(r'const SHELL = (\[.*?\]);', worker)[1])
    assert ICON_FONT_URL in shell
    assert not any(path.endswith(original_font().name) for path in shell)
