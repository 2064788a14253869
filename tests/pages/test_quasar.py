"""Our Quasar (pages/quasar.py, built by `make quasar` from scripts/quasar/quasar.json) in place of NiceGUI's: every
page loads it from an address kept for a year, the service worker keeps it, it is NiceGUI's Quasar version, and it
registers every Quasar component the app draws and no other. In Chromium, no page of the phone tour is left with a
component Quasar could not draw (tests/browser/phone_audit.js: 'unknown component').
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import nicegui
from nicegui import ui
from nicegui.element import Element
from nicegui.testing import User

from components.theme import QUASAR, QUASAR_URL

ROOT = Path(__file__).resolve().parents[2]
WANTED = json.loads((ROOT / 'scripts' / 'quasar' / 'quasar.json').read_text())
NICEGUI_QUASAR = Path(nicegui.__file__).parent / 'static' / 'quasar.umd.prod.js'
OUR_CODE = [path for folder in ('pages', 'components') for path in (ROOT / folder).rglob('*.py')]
TAG = r'q-[a-z]+(?:-[a-z]+)*'
# an element made with a Quasar tag: NiceGUI's classes (`super().__init__('q-card')`, `tag='q-btn'`), its page layout
# (`Element('q-layout')`) and ours (`ui.element('q-markup-table')`)
ELEMENT_TAG = re.compile(rf"""(?:__init__\(|Element\(|element\()(?:tag=)?['"]({TAG})['"]""")
# a Quasar component in a Vue template or render function: NiceGUI's components' .js files and our slot templates
TEMPLATE_TAG = re.compile(rf"""<({TAG})\b|\bh\(['"]({TAG})['"]""")
VERSION = re.compile(r'Quasar Framework v(\d+\.\d+\.\d+)')


def component_name(tag: str) -> str:
    return ''.join(part.title() for part in tag.split('-'))  # q-item-label: QItemLabel


def elements_we_use() -> set[type[Element]]:
    """NiceGUI's element classes our pages and components make (ui.button, ...), and those made for them (a tooltip)."""
    names = {name for path in OUR_CODE for name in re.findall(r'\bui\.([a-z_]+)\b', path.read_text())}
    made = {thing for name in names if inspect.isclass(thing := getattr(ui, name, None)) and issubclass(thing, Element)}
    return made | {ui.tooltip}  # Element.tooltip() makes one


def tags_drawn() -> set[str]:
    tags = set(ELEMENT_TAG.findall((Path(nicegui.__file__).parent / 'client.py').read_text()))  # the page layout
    for element in elements_we_use():
        for kind in element.__mro__:
            if not (inspect.isclass(kind) and issubclass(kind, Element)) or kind is Element:
                continue
            tags |= set(ELEMENT_TAG.findall(inspect.getsource(kind)))
            if (component := kind.__dict__.get('component')) is not None:
                tags |= {tag for found in TEMPLATE_TAG.findall(component.path.read_text()) for tag in found if tag}
    for path in OUR_CODE:
        text = path.read_text()
        tags |= set(ELEMENT_TAG.findall(text)) | {tag for found in TEMPLATE_TAG.findall(text) for tag in found if tag}
    return tags


def test_our_quasar_registers_every_component_the_app_draws_and_no_other() -> None:
    drawn = {component_name(tag) for tag in tags_drawn()}
    assert {'QBtn', 'QLayout', 'QTd', 'QUploaderAddTrigger', 'QMarkupTable'} <= drawn  # the scan finds each kind
    assert drawn == set(WANTED['components']), 'scripts/quasar/quasar.json must name these; then `make quasar`'


def test_our_quasar_is_built_from_the_list_at_nicegui_s_quasar_version() -> None:
    ours = QUASAR.read_text()
    assert VERSION.search(ours)[1] == VERSION.search(NICEGUI_QUASAR.read_text(encoding='utf-8'))[1] == WANTED['version']
    # build.mjs's `const components = { QLayout, ... }`, minified to {QLayout:oa,QPageContainer:na,...}
    registered = re.search(r'\{(QLayout:[^}]*)\}', ours)[1]
    assert [pair.split(':')[0] for pair in registered.split(',')] == WANTED['components'], 'run `make quasar`'
    assert 'name:"QRating"' not in ours and 'name:"QEditor"' not in ours  # not drawn: not bundled
    assert len(ours) < len(NICEGUI_QUASAR.read_text(encoding='utf-8')) * 0.6


async def test_every_page_loads_our_quasar_in_place_of_nicegui_s(user: User) -> None:
    for path in ('/login', '/register', '/no-such-page'):
        page = (await user.http_client.get(path)).text
        assert len(re.findall(rf'<script [^>]*src="{QUASAR_URL}"', page)) == 1, path
        assert 'quasar.umd' not in page, path
    worker = (await user.http_client.get('/sw.js')).text
    shell = json.loads(re.search(r'const SHELL = (\[.*?\]);', worker)[1])
    assert QUASAR_URL in shell
    assert not any('quasar.umd' in path for path in shell)


async def test_our_quasar_is_served_to_be_kept_for_a_year_under_an_address_naming_it(user: User) -> None:
    assert re.fullmatch(r'/js/quasar-[0-9a-f]{8}\.js', QUASAR_URL)
    response = await user.http_client.get(QUASAR_URL)
    assert response.status_code == 200
    assert response.headers['content-type'].startswith('text/javascript')
    assert response.headers['cache-control'] == 'public, max-age=31536000, immutable'
    assert response.content == QUASAR.read_bytes()
    assert (await user.http_client.get('/js/quasar-00000000.js')).status_code == 404  # an old address
