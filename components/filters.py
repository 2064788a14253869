"""The filter card over an admin list (inputs in a grid, Clear and Apply, the filters applied by loading the list
with them in the URL; folded behind a 'Filters (n)' button and removable chips on a phone), and what the list shows
instead when the service refuses its filters or its page link."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nicegui import ui

from components.forms import notice, show_field_error
from services.catalog import ServiceRow

# Spelled out, not made from the number: the stylesheet holds the Tailwind classes the code spells (make css)
WIDE_COLUMNS = {
    2: 'lg:grid-cols-2',
    3: 'lg:grid-cols-3',
    4: 'lg:grid-cols-4',
    5: 'lg:grid-cols-5',
    6: 'lg:grid-cols-6',
}

Inputs = dict[str, ui.element]  # the filter inputs, each named as its value is named in the URL
ToUrl = Callable[[dict[str, str]], str]  # the list's address with these filter values


def filter_card(
    fields: Callable[[], Inputs],
    *,
    to_url: ToUrl,
    clear_url: str,
    marker: str,
    apply_text: str,
    apply_icon: str,
    columns: int,
    label: str = '',
    fold: bool = False,
    defaults: dict[str, str] | None = None,
) -> Inputs:
    """`fields()` creates the inputs inside the card's grid; each is marked `<marker>-<name>`. Apply, or Enter in any
    field, loads `to_url(values)`; Clear loads `clear_url`. `label` names the form as a search for screen readers.
    With `fold`, a phone shows a 'Filters (n)' button instead of the card and the active filters as chips
    (`fold_filters`); `defaults` are the values that filter nothing besides '' (e.g. the usual order)."""

    def apply() -> None:
        ui.navigate.to(to_url(filter_values(inputs)))

    with ui.card().classes('w-full').props('flat bordered') as card, ui.element('form').classes('w-full') as form:
        if label:
            form.props(f'role=search aria-label="{label}"')
        # all columns only from 1024 px: a tablet's (768 px) content is narrower beside the navigation
        grid = f'w-full grid grid-cols-1 sm:grid-cols-2 {WIDE_COLUMNS[columns]} gap-x-3 gap-y-2'
        with ui.element('div').classes(grid):
            inputs = fields()
        for name, element in inputs.items():
            element.classes('w-full').props('outlined dense').mark(f'{marker}-{name}')
        with ui.row().classes('w-full justify-end gap-2 pt-2'):
            ui.button('Clear', on_click=lambda: ui.navigate.to(clear_url)).props('flat no-caps').mark(f'{marker}-clear')
            ui.button(apply_text, icon=apply_icon, on_click=apply).props('type=submit no-caps').mark(f'{marker}-apply')
    form.on('submit.prevent', apply)  # Enter in any field applies the filters
    if fold:
        fold_filters(card, form, active_filters(inputs, defaults or {}), to_url=to_url, marker=marker)
    return inputs


def fold_filters(card: ui.card, form: ui.element, active: list[ActiveFilter], *, to_url: ToUrl, marker: str) -> None:
    """On a phone (narrower than 600 px) the filters would fill the first screen: the card hides, and a 'Filters (n)'
    button opens the same form in a sheet from the bottom (moved into it while it is open), beside one chip per
    active filter that loads the list without it."""
    card.classes('gt-xs')
    with ui.row().classes('lt-sm w-full items-center gap-2').mark(f'{marker}-folded'):
        opener = ui.button(filters_words(len(active)), icon='tune').props('outline no-caps aria-haspopup=dialog')
        opener.mark(f'{marker}-open')
        for shown in active:
            _removable_chip(shown.words, shown.without_url(to_url)).mark(f'{marker}-chip-{shown.name}')
    with ui.dialog().props('position=bottom aria-label="Filters"') as sheet:
        with ui.card().classes('w-full gap-2 max-h-[85vh] overflow-auto') as sheet_card:
            with ui.row().classes('w-full items-center gap-2 flex-nowrap'):
                ui.label('Filters').classes('text-lg font-semibold').props('role=heading aria-level=2')
                ui.space()
                ui.button(icon='close', on_click=sheet.close).props('flat round aria-label="Close"')

    def open_sheet() -> None:
        form.move(sheet_card)
        sheet.open()

    opener.on_click(open_sheet)
    sheet.on('hide', lambda: form.move(card))  # back where a wider window (or a turned phone) shows it


@dataclass(frozen=True, slots=True)
class ActiveFilter:
    """A filter the list is loaded with now: its input's name, what the chip says, and every value as loaded."""

    name: str
    words: str
    values: dict[str, str]
    cleared: str  # what the input holds when it filters nothing

    def without_url(self, to_url: ToUrl) -> str:
        return to_url(self.values | {self.name: self.cleared})


def active_filters(inputs: Inputs, defaults: dict[str, str]) -> list[ActiveFilter]:
    """The inputs that hold something other than '' or their default, in the form's order ('Status: accepted')."""
    values = filter_values(inputs)
    return [
        ActiveFilter(name, f'{_label(element, name)}: {_shown(element, value)}', values, defaults.get(name, ''))
        for (name, value), element in zip(values.items(), inputs.values(), strict=True)
        if value and value != defaults.get(name, '')
    ]


def _removable_chip(words: str, url: str) -> ui.chip:
    """The whole chip removes the filter (a close icon of its own would be a 20 px target inside a 44 px one)."""
    chip = ui.chip(words, on_click=lambda: ui.navigate.to(url))
    return chip.props(f'clickable outline icon-right=close aria-label="Remove {words}"').classes('max-w-full')


def filters_words(count: int) -> str:
    return f'Filters ({count})' if count else 'Filters'


def _label(element: ui.element, name: str) -> str:
    return str(element.props.get('label') or name.replace('_', ' ').capitalize())


def _shown(element: ui.element, value: str) -> str:
    """A select's words for its value ('accepted', not 'assigned'); what was typed otherwise."""
    options = getattr(element, 'options', None)
    if isinstance(options, dict):
        return str(next((words for key, words in options.items() if str(key) == value), value))
    return value


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
