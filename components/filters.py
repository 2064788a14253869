"""The filter card over an admin list (inputs in a grid, Clear and Apply, the filters applied by loading the list
with them in the URL), and what the list shows instead when the service refuses its filters or its page link."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from components.forms import notice, show_field_error
from services.catalog import ServiceRow

Inputs = dict[str, ui.element]  # the filter inputs, each named as its value is named in the URL


def filter_card(
    fields: Callable[[], Inputs],
    *,
    to_url: Callable[[dict[str, str]], str],
    clear_url: str,
    marker: str,
    apply_text: str,
    apply_icon: str,
    columns: int,
    label: str = '',
) -> Inputs:
    """`fields()` creates the inputs inside the card's grid; each is marked `<marker>-<name>`. Apply, or Enter in any
    field, loads `to_url(values)`; Clear loads `clear_url`. `label` names the form as a search for screen readers."""

    def apply() -> None:
        ui.navigate.to(to_url(filter_values(inputs)))

    with ui.card().classes('w-full').props('flat bordered'), ui.element('form').classes('w-full') as form:
        if label:
            form.props(f'role=search aria-label="{label}"')
        with ui.element('div').classes(f'w-full grid grid-cols-1 sm:grid-cols-2 md:grid-cols-{columns} gap-x-3'):
            inputs = fields()
        for name, element in inputs.items():
            element.classes('w-full').props('outlined dense').mark(f'{marker}-{name}')
        with ui.row().classes('w-full justify-end gap-2 pt-2'):
            ui.button('Clear', on_click=lambda: ui.navigate.to(clear_url)).props('flat no-caps').mark(f'{marker}-clear')
            ui.button(apply_text, icon=apply_icon, on_click=apply).props('type=submit no-caps').mark(f'{marker}-apply')
    form.on('submit.prevent', apply)  # Enter in any field applies the filters
    return inputs


def filter_values(inputs: Inputs) -> dict[str, str]:
    """What each input holds now, trimmed ('' for nothing)."""
    return {name: str(element.value or '').strip() for name, element in inputs.items()}


def service_options(services: list[ServiceRow]) -> dict[str, str]:
    """Every service to filter by, retired ones said so, after 'Any service' ('')."""
    return {'': 'Any service'} | {str(s.id): s.name + ('' if s.is_active else ' (retired)') for s in services}


def known(value: str, options: dict[str, str]) -> str:
    """What a select can show: a value from the URL that it does not offer shows as '' (the refusal says why)."""
    return value if value in options else ''


def show_refusal(inputs: Inputs, refusal: Exception, *, first_page_url: str, first_page_marker: str, noun: str) -> None:
    """A stale page link: a notice and a way back to the first page. A bad filter: the refusal next to its input
    (or as a notice), and a line saying the list waits for it (marked `<noun>-refused`)."""
    if getattr(refusal, 'field', None) == 'cursor':
        notice(str(refusal))
        ui.link('Go to the first page', first_page_url).mark(first_page_marker)
        return
    refusal_notice(inputs, refusal)
    ui.label(f'Fix the filter above to see {noun}.').classes('text-grey-8').mark(f'{noun}-refused')


def refusal_notice(inputs: Inputs, refusal: Exception) -> ui.label | None:
    """The refusal shown on the input its `field` names; a notice (returned) when it names none of them."""
    if show_field_error(inputs, getattr(refusal, 'field', None), str(refusal)):
        return None
    return notice(str(refusal))
