"""Write pages/static/fonts/material-icons-subset.woff2: NiceGUI's Material Icons font cut down to the icons the app
draws (issue 19: the whole font is 129 KB on every first visit; this is a few KB).

Material Icons draws an icon from its name: the text `chevron_right` is one ligature ('rlig') of the letters. The
subset keeps the letters and digits, and the ligatures of the names the app's source uses (`icon_names_in_source`)
plus every icon Quasar's own components draw (`quasar_icon_names`: the material-icons icon set in NiceGUI's Quasar).
Run it again after adding an icon: `.venv/bin/python scripts/subset_icons.py`. tests/pages/test_icon_font.py fails
while the committed file lacks a name the source uses, and components/theme.py serves the file in NiceGUI's place.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterable
from pathlib import Path

import nicegui
from fontTools import subset
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
NICEGUI_STATIC = Path(nicegui.__file__).parent / 'static'
SOURCE_FOLDERS = (ROOT / 'pages', ROOT / 'components')
OUTPUT = ROOT / 'pages' / 'static' / 'fonts' / 'material-icons-subset.woff2'
# what an icon name is spelled with; all of them stay in the subset so that any icon's text is drawn by this font
# (a letter missing here could send the browser to NiceGUI's full font for it)
LETTERS = string.ascii_lowercase + string.digits + '_'
# icon names inside Quasar props and templates: icon=x, icon-right="x", :icon="'x'", <q-icon name="x">
EXTENSION, LIGATURE = 7, 4  # GSUB lookup types
PROPS_ICON = re.compile(r"""\bicon(?:-right|-left)?=["']?'?([a-z0-9_]+)|<q-icon[^>]*\bname=["']([a-z0-9_]+)""")


def original_font() -> Path:
    """NiceGUI's Material Icons woff2, as its fonts.css names it."""
    css = (NICEGUI_STATIC / 'fonts.css').read_text()
    face = re.search(r'font-family: "Material Icons";[^}]*?src: url\(([^)]+)\)', css)
    return NICEGUI_STATIC / face[1]


def ligature_names(font: TTFont) -> dict[str, str]:
    """Every name the font turns into an icon, and the icon's glyph (its GSUB ligature table, read back)."""
    letters = {glyph: chr(code) for code, glyph in font.getBestCmap().items()}
    names: dict[str, str] = {}
    for subtable in _ligature_subtables(font):
        for first, ligatures in subtable.ligatures.items():
            for ligature in ligatures:
                spelled = [first, *ligature.Component]
                if all(glyph in letters for glyph in spelled):
                    names[''.join(letters[glyph] for glyph in spelled)] = ligature.LigGlyph
    return names


def drawn_icon_names(path: Path) -> set[str]:
    """The names a font file turns into a glyph that draws something (not an empty box): what it can show."""
    font = TTFont(path)
    glyphs = font.getGlyphSet()
    drawn = set()
    for name, glyph in ligature_names(font).items():
        pen = BoundsPen(glyphs)
        glyphs[glyph].draw(pen)
        if pen.bounds is not None:
            drawn.add(name)
    return drawn


def _ligature_subtables(font: TTFont) -> Iterable[object]:
    for lookup in font['GSUB'].table.LookupList.Lookup:
        for wrapped in lookup.SubTable:
            subtable = wrapped.ExtSubTable if wrapped.LookupType == EXTENSION else wrapped
            if subtable.LookupType == LIGATURE:
                yield subtable


def icon_names_in_source(folders: Iterable[Path], known: set[str]) -> set[str]:
    """The icon names the app's code spells out. An icon name reaches Quasar through many roads (icon='x', ui.icon,
    a NavItem, a tuple unpacked later, `.name = 'x'`, props strings, templates), so every string literal of the code
    that is an icon name counts: a word that only happens to be one ('search' as a marker) costs a few bytes, a
    missed icon shows as its name."""
    names: set[str] = set()
    for folder in folders:
        for path in sorted(folder.rglob('*.py')):
            for text in _string_literals(path):
                if text in known:
                    names.add(text)
                names.update(name for match in PROPS_ICON.findall(text) for name in match if name in known)
    return names


def _string_literals(path: Path) -> Iterable[str]:
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def quasar_icon_names() -> set[str]:
    """Every icon of Quasar's material-icons icon set (selects' arrows, chips' and fields' cancel, table sorting and
    paging, the uploader's buttons, notifications' types...), read from the Quasar bundle NiceGUI serves."""
    bundle = (NICEGUI_STATIC / 'quasar.umd.prod.js').read_text()
    start = bundle.index('{name:"material-icons",')
    return set(re.findall(r':"([a-z0-9_]+)"', bundle[start : _closing_brace(bundle, start) + 1]))


def _closing_brace(text: str, start: int) -> int:
    depth = 0
    for end, char in enumerate(text[start:], start):
        depth += {'{': 1, '}': -1}.get(char, 0)
        if depth == 0:
            return end
    raise ValueError('unbalanced braces')


# NiceGUI's own elements draw these (ui.input's password toggle); not in Quasar's icon set
NICEGUI_ICONS = {'visibility', 'visibility_off'}


def wanted_names(known: set[str]) -> set[str]:
    return (icon_names_in_source(SOURCE_FOLDERS, known) | quasar_icon_names() | NICEGUI_ICONS) & known


def write_subset(output: Path = OUTPUT) -> set[str]:
    """Write the subset; return the icon names it draws."""
    # the original's timestamp, not now's: the same names give the same bytes, and so the same address (theme.py)
    font = TTFont(original_font(), recalcTimestamp=False)
    known = ligature_names(font)
    names = wanted_names(set(known))
    _keep_only_ligatures(font, names)
    options = subset.Options()
    options.flavor = 'woff2'
    options.layout_features = ['rlig', 'liga']
    options.name_IDs = ['*']  # the font's own name and licence notice (Apache 2.0) stay with it
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(char) for char in LETTERS])
    subsetter.subset(font)
    output.parent.mkdir(parents=True, exist_ok=True)
    font.save(output)
    return names


def _keep_only_ligatures(font: TTFont, names: set[str]) -> None:
    """Drop the ligatures of other icons first: the subsetter keeps every ligature its letters can spell, which with
    all the letters kept would be the whole font."""
    letters = {glyph: chr(code) for code, glyph in font.getBestCmap().items()}
    for subtable in _ligature_subtables(font):
        for first, ligatures in list(subtable.ligatures.items()):
            kept = [lig for lig in ligatures if ''.join(letters.get(g, '?') for g in [first, *lig.Component]) in names]
            if kept:
                subtable.ligatures[first] = kept
            else:
                del subtable.ligatures[first]


if __name__ == '__main__':
    drawn = write_subset()
    print(f'{OUTPUT.relative_to(ROOT)}: {len(drawn)} icons, {OUTPUT.stat().st_size} bytes')
