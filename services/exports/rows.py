"""Frozen rows of exports as their owner sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from models.enums import ExportState


@dataclass(frozen=True, slots=True)
class ExportRow:
    id: int
    description: str  # what it holds, e.g. 'Closed requests: pincode 560001'
    state: ExportState
    rows_done: int
    rows_total: int | None  # known once the run has counted them
    size: int | None  # bytes, once done
    error: str
    created_at: datetime
    finished_at: datetime | None

    @property
    def fraction(self) -> float:
        """How far the run has come, 0..1 (1 when done)."""
        if self.state is ExportState.DONE:
            return 1.0
        return min(1.0, self.rows_done / self.rows_total) if self.rows_total else 0.0


@dataclass(frozen=True, slots=True)
class ExportFile:
    """A finished export its owner may download."""

    path: Path
    download_name: str
    size: int
