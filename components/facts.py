"""Facts about one thing as a definition list: a term and its value on each row."""

from __future__ import annotations

from nicegui import ui

from components.typed_text import typed_text


def facts(*, term_width: str = '10rem') -> ui.element:
    """The list; use it as a container for `fact(...)` rows (terms in a column `term_width` wide on wider screens)."""
    return ui.element('dl').classes(f'w-full grid grid-cols-1 sm:grid-cols-[{term_width}_1fr] gap-x-4 gap-y-1')


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
