"""Pieces shared by the app's tables."""

from __future__ import annotations


def column(name: str, label: str, *, align: str = 'left') -> dict[str, str]:
    """A `ui.table` column that shows the row's value named `name`."""
    return {'name': name, 'label': label, 'field': name, 'align': align}
