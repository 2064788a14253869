"""Form helpers: show a refusal next to the field it concerns."""

from __future__ import annotations

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
