"""Ratings and reviews as the reviewed professional reads them: the average with its count, then each review."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from nicegui import ui

from components.typed_text import isolated
from components.words import local_time
from services.requests import ReviewRow


def rating_summary(average: float | None, count: int) -> None:
    """'4.5 out of 5 from 12 reviews', with stars for the eye (screen readers get the words)."""
    with ui.card().classes('w-full').props('flat bordered').mark('rating-summary'):
        ui.label('Your rating').classes('text-lg font-semibold').props('role=heading aria-level=2')
        if average is None:
            ui.label('No reviews yet: customers rate a job when they close it.').classes('text-grey-8').mark(
                'rating-none'
            )
            return
        with ui.row().classes('items-center gap-3'):
            ui.label(f'{average:.1f}').classes('text-4xl font-semibold').props('aria-hidden=true')
            stars(round(average))
            ui.label(f'{average:.1f} out of 5 from {count} review{"" if count == 1 else "s"}').mark('rating-words')


def stars(rating: int) -> None:
    """Five stars, `rating` of them filled; hidden from screen readers (the text beside them says it)."""
    with ui.row().classes('gap-0 text-amber-8').props('aria-hidden=true'):
        for place in range(1, 6):
            ui.icon('star' if place <= rating else 'star_border', size='sm')


def review_card(review: ReviewRow, zone: ZoneInfo) -> None:
    """One review: the rating, the customer's words as typed, and the job it was for."""
    with ui.card().classes('w-full gap-1').props('flat bordered').mark(f'review-{review.id}'):
        with ui.row().classes('w-full items-center gap-x-3 gap-y-1'):
            stars(review.rating)
            ui.label(f'{review.rating}/5').classes('font-semibold').mark(f'review-{review.id}-rating')
            ui.space()
            ui.label(local_time(review.created_at, zone, weekday=False)).classes('text-sm text-grey-8')
        if review.remarks:
            isolated(ui.label(review.remarks)).classes('whitespace-pre-line break-words').mark(
                f'review-{review.id}-remarks'
            )
        else:
            ui.label('No remarks.').classes('text-grey-8')
        with ui.row().classes('gap-1 text-sm text-grey-8'):
            ui.label(f'{review.customer_name} ·')
            ui.link(review.service_name, f'/professional/requests/{review.request_id}')
            ui.label(f'on {local_time(review.scheduled_at, zone, weekday=False)}')
