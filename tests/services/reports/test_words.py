"""The words every form of the monthly report shares."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models.enums import RequestStatus
from services.reports import words
from services.reports.rows import MonthlyReport
from tests.services.reports.sample_report import sample_report


@pytest.fixture
def backend() -> str:
    return 'none'  # plain data: this module skips the SQLite/PostgreSQL legs of tests/services/conftest.py


@pytest.fixture
def report() -> MonthlyReport:
    return sample_report()


@pytest.mark.parametrize(
    ('status', 'word'),
    [
        (RequestStatus.REQUESTED, 'Requested'),
        (RequestStatus.ASSIGNED, 'Assigned'),
        (RequestStatus.COMPLETED, 'Completed'),
        (RequestStatus.CLOSED, 'Closed'),
        (RequestStatus.CANCELLED, 'Cancelled'),
        (RequestStatus.EXPIRED, 'Expired'),
    ],
)
def test_status_is_shown_as_a_word(status: RequestStatus, word: str) -> None:
    assert words.status_word(status) == word


def test_slot_is_shown_in_the_reports_local_time() -> None:
    assert words.local_label(datetime(2026, 11, 2, 4, 30, tzinfo=UTC), 'Asia/Kolkata') == 'Mon 02 Nov, 10:00'


@pytest.mark.parametrize(('rating', 'shown'), [(4, '★★★★☆'), (5, '★★★★★'), (1, '★☆☆☆☆'), (None, '—')])
def test_rating_is_shown_as_stars_or_a_dash(rating: int | None, shown: str) -> None:
    assert words.stars(rating) == shown


def test_totals_are_booked_completed_spend_and_ratings(report: MonthlyReport) -> None:
    assert words.totals(report) == (
        ('Booked', '4', ''),
        ('Completed', '2', ''),
        ('Spend', '₹1,733.50', ''),
        ('Ratings given', '1', 'average 4.0 ★'),
    )
