"""A customer's report holds their own requests that moved in the local month, with the totals of that month; the
months list shows where they had activity; nobody else may read it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from models.enums import RequestStatus
from services import NotFound, PermissionDenied, ValidationError, reports, session_scope
from tests.factories import book_request, make_admin, make_customer, slot
from tests.services.reports.report_support import FEBRUARY, IN_FEBRUARY, closed_job
from tests.services.request_support import make_market


def report_of(customer: object, month: str = '2030-02') -> reports.MonthlyReport:
    with session_scope() as session:
        return reports.monthly_report(session, customer, month=month)


def test_the_report_counts_what_happened_in_the_month_and_lists_the_requests_with_links() -> None:
    market = make_market(name='Plumbing', base_price=49_900)
    first = closed_job(market.customer, market.pro, market.service.id, booked=IN_FEBRUARY, rating=5)
    second = closed_job(
        market.customer, market.pro, market.service.id, booked=IN_FEBRUARY + timedelta(days=3), rating=3
    )
    waiting = book_request(market.customer, market.service.id, now=IN_FEBRUARY, at=slot(IN_FEBRUARY, days=20))
    report = report_of(market.customer)
    assert (report.booked, report.completed, report.closed, report.cancelled) == (3, 2, 2, 0)
    assert (report.spend, report.ratings_given, report.average_rating_given) == (2 * 49_900, 2, 4.0)
    assert [r.id for r in report.requests] == [first, second, waiting]
    assert [r.status for r in report.requests] == [RequestStatus.CLOSED, RequestStatus.CLOSED, RequestStatus.REQUESTED]
    assert report.requests[0].url == f'http://127.0.0.1:8080/customer/requests/{first}'
    assert (report.month_label, report.report_url) == (
        'February 2030',
        'http://127.0.0.1:8080/customer/reports/2030-02',
    )
    [professional] = report.professionals
    assert (professional.name, professional.service_name, professional.jobs, professional.ratings) == (
        market.pro.name,
        'Plumbing',
        2,
        (5, 3),
    )
    assert report.unsubscribe_url == ''  # the page's report: the setting lives on /account


def test_only_the_customers_own_requests_are_in_their_report() -> None:
    market = make_market()
    other = make_customer(name='Someone Else')
    mine = closed_job(market.customer, market.pro, market.service.id, booked=IN_FEBRUARY)
    closed_job(other, market.pro, market.service.id, booked=IN_FEBRUARY + timedelta(days=1))
    assert [r.id for r in report_of(market.customer).requests] == [mine]
    assert report_of(other).customer_name == 'Someone Else'
    assert mine not in [r.id for r in report_of(other).requests]


def test_months_are_cut_at_local_midnight() -> None:
    market = make_market()
    # 20:00 UTC on 28 February is 01:30 on 1 March in Asia/Kolkata: March's activity, not February's.
    late = datetime(2030, 2, 28, 20, 0, tzinfo=UTC)
    march_request = book_request(market.customer, market.service.id, now=late, at=slot(late, days=2))
    with pytest.raises(NotFound, match='no activity'):
        report_of(market.customer, '2030-02')
    assert [r.id for r in report_of(market.customer, '2030-03').requests] == [march_request]


def test_a_request_booked_earlier_but_completed_this_month_counts_its_spend_here() -> None:
    market = make_market(base_price=100_000)
    booked_in_january = datetime(2030, 1, 29, 3, 30, tzinfo=UTC)
    closed_job(market.customer, market.pro, market.service.id, booked=booked_in_january)  # its slot is 31 January
    january = report_of(market.customer, '2030-01')
    assert (january.booked, january.completed, january.spend) == (1, 1, 100_000)
    late_booking = datetime(2030, 1, 30, 3, 30, tzinfo=UTC)  # its slot and completion fall on 1 February
    closed_job(market.customer, market.pro, market.service.id, booked=late_booking)
    february = report_of(market.customer, '2030-02')
    assert (february.booked, february.completed, february.spend) == (0, 1, 100_000)


def test_the_months_list_shows_each_month_with_activity_newest_first() -> None:
    market = make_market()
    closed_job(market.customer, market.pro, market.service.id, booked=datetime(2030, 1, 10, 3, 30, tzinfo=UTC))
    closed_job(market.customer, market.pro, market.service.id, booked=IN_FEBRUARY)
    closed_job(market.customer, market.pro, market.service.id, booked=IN_FEBRUARY + timedelta(days=2))
    with session_scope() as session:
        months = reports.report_months(session, market.customer, now=datetime(2030, 2, 20, tzinfo=UTC))
    assert [(m.month, m.requests, m.complete) for m in months] == [
        (FEBRUARY, 2, False),
        (date(2030, 1, 1), 1, True),
    ]


def test_a_month_with_nothing_and_a_malformed_month_are_refused() -> None:
    market = make_market()
    with pytest.raises(NotFound):
        report_of(market.customer, '2030-02')
    for wrong in ('2030-13', '2030-00', '30-02', '2030-2', '\uff12\uff10\uff13\uff10-02', '', None, 202002):
        with pytest.raises(ValidationError, match='like 2026-11'):
            report_of(market.customer, wrong)


def test_only_customers_have_reports() -> None:
    market = make_market()
    for actor in (market.pro, make_admin(), None):
        with pytest.raises(PermissionDenied), session_scope() as session:
            reports.report_months(session, actor)
        with pytest.raises(PermissionDenied), session_scope() as session:
            reports.monthly_report(session, actor, month='2030-02')
