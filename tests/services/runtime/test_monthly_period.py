"""The monthly report's period: the month before the latest 1st-of-the-month at report_time (local), and what an
operator means by "now" (last month)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services import runtime
from services.runtime.schedule import monthly_period
from settings import get_settings

REPORT = next(job for job in runtime.SCHEDULE if job.name == 'monthly-report')


@pytest.mark.parametrize(
    ('moment', 'period'),
    [
        (datetime(2030, 3, 1, 2, 29, tzinfo=UTC), '2030-01'),  # 07:59 on 1 March local: February is not due yet
        (datetime(2030, 3, 1, 2, 30, tzinfo=UTC), '2030-02'),  # 08:00 on 1 March local
        (datetime(2030, 3, 31, 18, 0, tzinfo=UTC), '2030-02'),  # 23:30 on 31 March local
        (datetime(2030, 2, 28, 20, 0, tzinfo=UTC), '2030-01'),  # 01:30 on 1 March local, before 08:00
        (datetime(2030, 1, 1, 2, 30, tzinfo=UTC), '2029-12'),  # across the year
        (datetime(2030, 1, 1, 2, 0, tzinfo=UTC), '2029-11'),
    ],
)
def test_the_period_is_last_month_once_the_first_at_report_time_has_passed(moment: datetime, period: str) -> None:
    assert monthly_period(moment, '08:00', get_settings()) == period
    assert REPORT.period(moment, get_settings()) == period


def test_an_operators_now_is_last_month_even_before_report_time() -> None:
    assert REPORT.period_now(datetime(2030, 3, 1, 0, 0, tzinfo=UTC), get_settings()) == '2030-02'
    assert REPORT.period_now(datetime(2030, 1, 15, tzinfo=UTC), get_settings()) == '2029-12'


def test_a_zone_with_daylight_saving_cuts_at_its_own_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('HSA_TIMEZONE', 'Europe/London')  # 1 April 2030 is summer time: 08:00 BST is 07:00 UTC
    assert monthly_period(datetime(2030, 4, 1, 6, 59, tzinfo=UTC), '08:00', get_settings()) == '2030-02'
    assert monthly_period(datetime(2030, 4, 1, 7, 0, tzinfo=UTC), '08:00', get_settings()) == '2030-03'
