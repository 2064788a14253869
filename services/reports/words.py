"""The words the monthly report is shown in: one source for the email parts and the PDF, so they say the same."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from models.enums import RequestStatus
from services.core.rows import format_money
from services.reports.rows import MonthlyReport

NO_VALUE = '—'
MAX_STARS = 5
STATUS_WORDS = {
    RequestStatus.REQUESTED: 'Requested',
    RequestStatus.ASSIGNED: 'Assigned',
    RequestStatus.COMPLETED: 'Completed',
    RequestStatus.CLOSED: 'Closed',
    RequestStatus.CANCELLED: 'Cancelled',
    RequestStatus.EXPIRED: 'Expired',
}


def status_word(status: RequestStatus) -> str:
    """A status as a customer reads it: 'Completed', not 'completed'."""
    return STATUS_WORDS[RequestStatus(status)]


def local_label(moment: datetime, timezone: str) -> str:
    """An aware moment in the report's local time, short because the report names the month: 'Mon 02 Nov, 10:00'."""
    return moment.astimezone(ZoneInfo(timezone)).strftime('%a %d %b, %H:%M')


def stars(rating: int | None) -> str:
    """A rating as filled and empty stars ('★★★★☆'), or a dash when the customer gave none."""
    if rating is None:
        return NO_VALUE
    filled = max(0, min(MAX_STARS, rating))
    return '★' * filled + '☆' * (MAX_STARS - filled)


def average_label(average: float | None) -> str:
    """The average rating the customer gave ('average 4.5 ★'), or nothing when they gave none."""
    return '' if average is None else f'average {average:.1f} ★'


def given_ratings(ratings: tuple[int, ...]) -> str:
    """The ratings given to one professional, short enough for a table cell: '5 ★, 4 ★', or a dash."""
    return ', '.join(f'{rating} ★' for rating in ratings) or NO_VALUE


def totals(report: MonthlyReport) -> tuple[tuple[str, str, str], ...]:
    """The row of totals as (label, value, note) that every form of the report shows, in this order."""
    return (
        ('Booked', str(report.booked), ''),
        ('Completed', str(report.completed), ''),
        ('Spend', format_money(report.spend, report.currency), ''),
        ('Ratings given', str(report.ratings_given), average_label(report.average_rating_given)),
    )


def professional_label(name: str) -> str:
    """Who took a request, or a dash while nobody has."""
    return name or NO_VALUE
