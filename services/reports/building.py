"""Building `MonthlyReport`s: for a batch of customers, one query for the requests of theirs that moved in the month
(with service, professional and review), then the totals in Python. The figures, by the time each thing happened:
booked (`date_of_request`), completed (`date_of_completion`; their prices are the spend), closed (`closed_at`),
cancelled (`cancelled_at`) and ratings given (the review's `created_at`), all within the month's local bounds."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from models import Review, Service, ServiceRequest, User
from services.reports.months import bounds, month_label, month_text, moved_in
from services.reports.rows import MonthlyReport, ReportProfessional, ReportRequest
from settings import get_settings

R = ServiceRequest
PROFESSIONAL = aliased(User, name='professional')


@dataclass(frozen=True, slots=True)
class _Moved:
    """A request that moved in the month, with what the report needs of it."""

    request: ReportRequest
    customer_id: int
    booked_at: datetime
    completed_at: datetime | None
    closed_at: datetime | None
    cancelled_at: datetime | None
    reviewed_at: datetime | None
    professional_id: int | None


def build_reports(
    session: Session, month: date, customers: dict[int, str], *, unsubscribe: Any = None
) -> list[MonthlyReport]:
    """The report of each customer in `customers` (id -> name) who had activity in `month`, by customer id.
    `unsubscribe(customer_id)` gives the link an email carries (None: the in-app page, which has none)."""
    moved: dict[int, list[_Moved]] = defaultdict(list)
    for row in session.execute(_moved_requests(month, list(customers))):
        moved[row.customer_id].append(_moved(row))
    return [
        _report(month, customer_id, customers[customer_id], moved[customer_id], unsubscribe)
        for customer_id in sorted(moved)
    ]


def _moved_requests(month: date, customer_ids: list[int]) -> Any:
    return (
        select(
            R.id,
            R.customer_id,
            Service.name.label('service_name'),
            R.scheduled_at,
            R.service_status,
            R.price,
            R.date_of_request,
            R.date_of_completion,
            R.closed_at,
            R.cancelled_at,
            R.professional_id,
            PROFESSIONAL.name.label('professional_name'),
            Review.rating,
            Review.created_at.label('reviewed_at'),
        )
        .join(Service, Service.id == R.service_id)
        .outerjoin(PROFESSIONAL, PROFESSIONAL.id == R.professional_id)
        .outerjoin(Review, Review.request_id == R.id)
        .where(R.customer_id.in_(customer_ids), moved_in(month))
        .order_by(R.customer_id, R.scheduled_at, R.id)
    )


def _moved(row: Any) -> _Moved:
    base = get_settings().public_url
    request = ReportRequest(
        id=row.id,
        service_name=row.service_name,
        scheduled_at=row.scheduled_at,
        status=row.service_status,
        price=row.price,
        professional_name=row.professional_name or '',
        rating=row.rating,
        url=f'{base}/customer/requests/{row.id}',
    )
    return _Moved(
        request=request,
        customer_id=row.customer_id,
        booked_at=row.date_of_request,
        completed_at=row.date_of_completion,
        closed_at=row.closed_at,
        cancelled_at=row.cancelled_at,
        reviewed_at=row.reviewed_at,
        professional_id=row.professional_id,
    )


def _report(month: date, customer_id: int, name: str, moved: list[_Moved], unsubscribe: Any) -> MonthlyReport:
    start, end = bounds(month)

    def within(moment: datetime | None) -> bool:
        return moment is not None and start <= moment < end

    completed = [m for m in moved if within(m.completed_at)]
    ratings = [m.request.rating for m in moved if within(m.reviewed_at) and m.request.rating is not None]
    settings = get_settings()
    return MonthlyReport(
        customer_id=customer_id,
        customer_name=name,
        month=month,
        month_label=month_label(month),
        timezone=settings.timezone,
        currency=settings.currency,
        booked=sum(within(m.booked_at) for m in moved),
        completed=len(completed),
        closed=sum(within(m.closed_at) for m in moved),
        cancelled=sum(within(m.cancelled_at) for m in moved),
        spend=sum(m.request.price for m in completed),
        ratings_given=len(ratings),
        average_rating_given=round(sum(ratings) / len(ratings), 1) if ratings else None,
        requests=tuple(m.request for m in moved),
        professionals=_professionals(moved, within),
        report_url=f'{settings.public_url}/customer/reports/{month_text(month)}',
        unsubscribe_url=unsubscribe(customer_id) if unsubscribe else '',
    )


def _professionals(moved: list[_Moved], within: Any) -> tuple[ReportProfessional, ...]:
    """Who worked on the customer's requests this month, most jobs first, with the ratings given this month."""
    jobs: dict[int, list[_Moved]] = defaultdict(list)
    for m in moved:
        if m.professional_id is not None:
            jobs[m.professional_id].append(m)
    people = [
        ReportProfessional(
            name=worked[0].request.professional_name,
            service_name=worked[0].request.service_name,
            jobs=len(worked),
            ratings=tuple(m.request.rating for m in worked if m.request.rating is not None and within(m.reviewed_at)),
        )
        for worked in jobs.values()
    ]
    return tuple(sorted(people, key=lambda p: (-p.jobs, p.name)))
