"""Form helpers: refusals next to the field they concern, buttons that wait, notices."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import ui


def show_field_error(inputs: dict[str, ui.element], field: str | None, message: str) -> bool:
    """Mark the input named `field` as invalid with `message`; False when no such input is on the form."""
    element = inputs.get(field or '')
    if element is None:
        return False
    element.props['error'] = True
    element.props['error-message'] = message
    return True


def clear_field_errors(inputs: dict[str, ui.element]) -> None:
    for element in inputs.values():
        element.props['error'] = False
        element.props.pop('error-message', None)


@contextmanager
def busy(*buttons: ui.button) -> Iterator[None]:
    """Show the buttons as working and ignore clicks until the block ends (no double submissions)."""
    for button in buttons:
        button.props('loading')
        button.disable()
    try:
        yield
    finally:
        for button in buttons:
            button.props(remove='loading')
            button.enable()


def notice(message: str) -> ui.label:
    """A calm, readable information line (not an error)."""
    return ui.label(message).classes('w-full p-3 rounded bg-blue-1 text-grey-10').props('role=status').mark('notice')
