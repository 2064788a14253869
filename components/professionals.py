"""Professionals as customers see them when choosing: rating, reviews, experience and their newest reviews."""

from __future__ import annotations

from nicegui import ui

from components.typed_text import typed_text
from services.people import ProfessionalCard, ReviewSnippet


def rating_words(average: float | None, count: int) -> str:
    """'★ 4.5 · 12 reviews', or 'New: no reviews yet'."""
    if not count or average is None:
        return 'New: no reviews yet'
    return f'★ {average:.1f} · {count} review{"" if count == 1 else "s"}'


def professional_card(card: ProfessionalCard, *, book_url: str | None = None, book_label: str = '') -> ui.element:
    """One professional: name, rating, experience, description and up to three recent reviews; with `book_url`, a
    button (a real link) to book them, labelled `book_label`. Marked `professional-<id>`."""
    with ui.element('li').classes('w-full list-none').mark(f'professional-{card.professional_id}') as item:
        with ui.card().classes('w-full gap-1 h-full').props('flat bordered'):
            with ui.row().classes('w-full items-baseline justify-between gap-x-3 gap-y-0'):
                ui.label(card.name).classes('font-semibold').props('role=heading aria-level=4')
                ui.label(rating_words(card.rating_average, card.rating_count)).classes('text-sm')
            years = card.experience_years
            ui.label(f'{years} year{"" if years == 1 else "s"} of experience').classes('text-sm text-grey-8')
            if card.description:
                ui.label(card.description).classes('text-sm whitespace-pre-line line-clamp-3')
            if card.recent_reviews:
                _reviews(card.recent_reviews)
            if book_url:
                ui.button(book_label or f'Book with {card.name}', icon='event').props(
                    f'href="{book_url}" outline no-caps dense padding="xs md"'
                ).classes('self-start mt-1').mark(f'book-professional-{card.professional_id}')
    return item


def _reviews(reviews: tuple[ReviewSnippet, ...]) -> None:
    with ui.element('ul').classes('w-full flex flex-col gap-1 mt-1').props('aria-label="Recent reviews"'):
        for review in reviews:
            with ui.element('li').classes('text-sm border-l-2 border-amber-400 pl-2'):
                typed_text(f'★ {review.rating}/5' + (f' · “{review.remarks}”' if review.remarks else ''))
