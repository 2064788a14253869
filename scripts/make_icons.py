"""Draw the app's icons (a white house on the primary blue) into pages/static/pwa/; run once after a change and commit
the PNGs: `.venv/bin/python scripts/make_icons.py`. Pillow comes with fpdf2 (requirements.txt).

Each icon is drawn four times larger and scaled down, which smooths the roof's slanted edges.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from components.theme import PRIMARY  # noqa: E402 (the project root is on the path only from here)

FOLDER = ROOT / 'pages' / 'static' / 'pwa'
OVERSAMPLE = 4
WHITE = (255, 255, 255, 255)
# name: (size in pixels, glyph width as a share of the size, background drawn to the edges)
# 'any' icons are a rounded square: launchers and Chromium's install dialog show them as they are. The maskable one
# and Apple's fill the square: the launcher cuts its own shape out of them, so the glyph keeps to the middle
# (maskable: within the central circle of 80% that every mask keeps; tests/pages/test_pwa.py checks it).
ICONS = {
    'icon-192.png': (192, 0.56, False),
    'icon-512.png': (512, 0.56, False),
    'maskable-512.png': (512, 0.46, True),
    'apple-touch-icon.png': (180, 0.56, True),  # iOS rounds the corners itself and shows transparency as black
}
CORNER_RADIUS = 0.2  # of the size, for the rounded square


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, (size, glyph, full_bleed) in ICONS.items():
        icon(size, glyph, full_bleed=full_bleed).save(FOLDER / name, optimize=True)
        print(f'wrote {FOLDER.relative_to(ROOT) / name} ({size}x{size})')


def icon(size: int, glyph: float, *, full_bleed: bool) -> Image.Image:
    big = size * OVERSAMPLE
    image = Image.new('RGBA', (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if full_bleed:
        draw.rectangle((0, 0, big, big), fill=PRIMARY)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=int(big * CORNER_RADIUS), fill=PRIMARY)
    house(draw, big, int(big * glyph))
    return image.resize((size, size), Image.Resampling.LANCZOS)


def house(draw: ImageDraw.ImageDraw, canvas: int, width: int) -> None:
    """A roof over a body with a door, centred in the canvas; `width` is the roof's, the glyph is as tall as wide."""
    left, top = (canvas - width) / 2, (canvas - width) / 2

    def at(x: float, y: float) -> tuple[float, float]:
        return left + x * width, top + y * width

    draw.polygon([at(0.5, 0), at(1, 0.45), at(0, 0.45)], fill=WHITE)  # the roof
    draw.rectangle((*at(0.7, 0.08), *at(0.82, 0.3)), fill=WHITE)  # the chimney, on the roof's right slope
    draw.rectangle((*at(0.14, 0.44), *at(0.86, 1)), fill=WHITE)  # the body, under the eaves
    draw.rectangle((*at(0.4, 0.62), *at(0.6, 1)), fill=PRIMARY)  # the door


if __name__ == '__main__':
    main()
