"""The fonts the report's PDF is set in: DejaVu Sans (Debian's fonts-dejavu-core), which covers any name a customer
types in Latin, Greek or Cyrillic script, ₹ and the rating stars. fpdf2 parses the whole font file again for every
document, two thirds of a report's time; so most reports are set in slim copies holding only those scripts, made
once per data_dir (about 4 times faster). A report with a character outside them is set in the full font."""

from __future__ import annotations

import functools
import io
from pathlib import Path

from services.core import files
from settings import get_settings

SYSTEM_FONTS = Path('/usr/share/fonts/truetype/dejavu')  # scripts/system-packages.sh checks it is there
FILES = {'': 'DejaVuSans.ttf', 'B': 'DejaVuSans-Bold.ttf'}  # fpdf2 style -> file
SLIM_RANGES = (
    (0x0020, 0x052F),  # Latin, Latin-1, Latin Extended, IPA, Greek, Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese...)
    (0x2000, 0x206F),  # punctuation: dashes, quotes, the ellipsis
    (0x20A0, 0x20CF),  # currency signs, ₹ among them
    (0x2190, 0x21FF),  # arrows
    (0x2600, 0x26FF),  # symbols: the rating stars
)
SLIM_VERSION = 1  # part of the copies' names: a change to the ranges makes new ones


def font_files(text: str) -> dict[str, Path]:
    """The regular and bold font files to set `text` in (every string the document will show, joined)."""
    if set(map(ord, text)) <= _slim_coverage():
        return _slim_files()
    return _full_files()


@functools.cache
def _full_files() -> dict[str, Path]:
    missing = [name for name in FILES.values() if not (SYSTEM_FONTS / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f'The report PDF needs {", ".join(missing)} in {SYSTEM_FONTS}: install fonts-dejavu-core'
        )
    return {style: SYSTEM_FONTS / name for style, name in FILES.items()}


@functools.cache
def _slim_coverage() -> frozenset[int]:
    from fontTools.ttLib import TTFont  # noqa: PLC0415 (fontTools is a sixteenth of the app's start: only reports need it)

    with TTFont(_full_files()['']) as font:
        covered = set(font.getBestCmap())
    wanted = {code for first, last in SLIM_RANGES for code in range(first, last + 1)}
    return frozenset(covered & wanted | {ord('\n')})


def _slim_files() -> dict[str, Path]:
    return _slim_in(get_settings().data_path / 'fonts')


@functools.cache
def _slim_in(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for style, source in _full_files().items():
        slim = folder / f'{source.stem}-slim-{SLIM_VERSION}.ttf'
        if not slim.is_file():
            _write_slim(source, slim)
        files[style] = slim
    return files


def _write_slim(source: Path, target: Path) -> None:
    """A subset of `source` with the slim ranges, written whole and renamed into place (two processes may race)."""
    from fontTools import subset  # noqa: PLC0415 (see _slim_coverage)
    from fontTools.ttLib import TTFont  # noqa: PLC0415

    options = subset.Options()
    options.layout_features, options.name_IDs, options.notdef_outline = ['*'], ['*'], True
    options.drop_tables += ['FFTM']
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(_slim_coverage()))
    with TTFont(source) as font:
        subsetter.subset(font)
        written = io.BytesIO()
        font.save(written)
    files.replace_file(target, written.getvalue())
