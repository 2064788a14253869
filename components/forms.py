"""Form helpers: refusals next to the field they concern, buttons that wait, notices."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import ui

# What a phone's keyboard and the browser's autofill need to know of a field, by the name the service gives it: the
# right keys (an email's @, a phone's digits), and the right saved value (a name, an address, a postal code).
FIELD_HINTS = {
    'name': 'autocomplete=name',
    'email': 'type=email inputmode=email autocomplete=email',
    'phone': 'type=tel inputmode=tel autocomplete=tel',
    'address': 'autocomplete=street-address',
    'pincode': 'inputmode=numeric autocomplete=postal-code maxlength=6',
    'experience_years': 'inputmode=numeric',
}

# A field about someone else, or a list (an admin's search for a customer, the pincodes a professional serves):
# the browser's autofill would offer the user's own name, email or postal code, which is never what goes there
NOT_MINE = 'autocomplete=off'


def with_hints(inputs: dict[str, ui.element]) -> dict[str, ui.element]:
    """The form's inputs, each told its FIELD_HINTS; returns the form."""
    for name, element in inputs.items():
        if name in FIELD_HINTS:
            element.props(FIELD_HINTS[name])
    return inputs


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
