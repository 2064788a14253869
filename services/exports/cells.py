"""CSV as spreadsheets read it: UTF-8 with a byte order mark, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

BOM = '\ufeff'
FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')  # OWASP "CSV injection"


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would read as a formula (or that starts with a tab or CR it strips before reading)
    gets a leading apostrophe: shown as typed, never run. Numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class CsvWriter:
    """Rows into an open text file, every cell made safe."""

    def __init__(self, file: IO[str]) -> None:
        self._writer = csv.writer(file, lineterminator='\r\n')

    def header(self, names: Iterable[str]) -> None:
        self._writer.writerow(names)

    def rows(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self._writer.writerows([safe_cell(cell) for cell in row] for row in rows)
