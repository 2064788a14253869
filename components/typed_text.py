"""Text as someone typed it (remarks, reviews, reasons) keeps any direction marks it has, and is shown so that they
cannot reorder what follows it on the page."""

from __future__ import annotations

from typing import TypeVar

from nicegui import ui

Shown = TypeVar('Shown', bound=ui.element)


def isolated(element: Shown) -> Shown:
    """`element` as a bidi isolate, like HTML's <bdi>: its direction comes from its own first strong letter
    (`dir=auto`), and an override or isolate typed inside it ends where it ends (`unicode-bidi: isolate`)."""
    return element.props('dir=auto').style('unicode-bidi: isolate')


def typed_text(text: str) -> ui.label:
    """A label of typed text, isolated."""
    return isolated(ui.label(text))
