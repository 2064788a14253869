"""Facts about one thing as a definition list: a term and its value on each row."""

from __future__ import annotations

from nicegui import ui

from components.typed_text import typed_text

# the terms' column on wider screens, by its width: spelled out, as the stylesheet holds the classes the code spells
TERM_COLUMNS = {
    '9rem': 'sm:grid-cols-[9rem_1fr]',
    '10rem': 'sm:grid-cols-[10rem_1fr]',
    '12rem': 'sm:grid-cols-[12rem_1fr]',
}


def facts(*, term_width: str = '10rem') -> ui.element:
    """The list; use it as a container for `fact(...)` rows (terms in a column `term_width` wide on wider screens)."""
    return ui.element('dl').classes(f'w-full grid grid-cols-1 {TERM_COLUMNS[term_width]} gap-x-4 gap-y-1')


def fact(term: str, value: str) -> None:
    """One row, its value marked `fact-<term in kebab case>`; long values wrap rather than overflow, and typed ones
    (remarks, reasons) cannot reorder the rows after them."""
    fact_term(term)
    with ui.element('dd').classes('break-words').mark(f'fact-{term.lower().replace(" ", "-")}'):
        typed_text(value)


def fact_term(term: str) -> None:
    """The term alone, for a row whose value is more than text (the caller adds its `dd`)."""
    with ui.element('dt').classes('text-grey-8'):
        ui.label(term)
