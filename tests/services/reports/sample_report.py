"""A monthly report built by hand for the tests of its three forms: plain data, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from models.enums import RequestStatus
from services.reports.rows import MonthlyReport, ReportProfessional, ReportRequest

CUSTOMER = '<script>alert(1)</script> Zoë'
LONG_SERVICE = 'Plumbing — kitchen sink, leaking tap and the blocked drain under the stairs'


def sample_report() -> MonthlyReport:
    """November 2026 of a customer with a hostile name: a closed and rated job, a completed one done by '=cmd|',
    one nobody accepted yet and one that expired."""
    requests = (
        _request(
            1, 'Deep cleaning', datetime(2026, 11, 2, 4, 30, tzinfo=UTC), RequestStatus.CLOSED, 123450, 'Zoë Ünal', 4
        ),
        _request(
            2, LONG_SERVICE, datetime(2026, 11, 9, 9, 0, tzinfo=UTC), RequestStatus.COMPLETED, 49900, '=cmd|', None
        ),
        _request(3, 'AC service', datetime(2026, 11, 15, 6, 0, tzinfo=UTC), RequestStatus.REQUESTED, 79900, '', None),
        _request(4, 'Pest control', datetime(2026, 11, 20, 12, 0, tzinfo=UTC), RequestStatus.EXPIRED, 150000, '', None),
    )
    return MonthlyReport(
        customer_id=7,
        customer_name=CUSTOMER,
        month=date(2026, 11, 1),
        month_label='November 2026',
        timezone='Asia/Kolkata',
        currency='INR',
        booked=4,
        completed=2,
        closed=1,
        cancelled=1,
        spend=173350,
        ratings_given=1,
        average_rating_given=4.0,
        requests=requests,
        professionals=(
            ReportProfessional('Zoë Ünal', 'Deep cleaning', 1, (4,)),
            ReportProfessional('=cmd|', LONG_SERVICE, 1, ()),
        ),
        report_url='https://hs.example/reports/2026-11',
        unsubscribe_url='https://hs.example/unsubscribe?customer=7&token=abc',
    )


def _request(
    id_: int, service: str, at: datetime, status: RequestStatus, price: int, professional: str, rating: int | None
) -> ReportRequest:
    return ReportRequest(id_, service, at, status, price, professional, rating, f'https://hs.example/requests/{id_}')
