"""Frozen rows of the monthly activity report: what one customer's month held, as the email, the PDF and the page
show it (all three render the same `MonthlyReport`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from models.enums import RequestStatus


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """One request that moved during the month, as it stands when the report is made."""

    id: int
    service_name: str
    scheduled_at: datetime  # aware; shown in local time
    status: RequestStatus
    price: int  # paise
    professional_name: str  # '' while nobody accepted it
    rating: int | None  # what the customer gave, if they reviewed it
    url: str  # the request's page in the app


@dataclass(frozen=True, slots=True)
class ReportProfessional:
    """Someone who worked for the customer this month, with the ratings the customer gave them."""

    name: str
    service_name: str
    jobs: int
    ratings: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class MonthlyReport:
    customer_id: int
    customer_name: str
    month: date  # the 1st of the local month reported
    month_label: str  # 'November 2026'
    timezone: str  # 'Asia/Kolkata': how times are shown
    currency: str
    booked: int  # requests booked in the month
    completed: int  # completed in the month (their spend counts)
    closed: int
    cancelled: int  # cancelled or expired in the month
    spend: int  # paise: the prices of the requests completed in the month
    ratings_given: int
    average_rating_given: float | None
    requests: tuple[ReportRequest, ...]  # every request of theirs that moved this month, by slot
    professionals: tuple[ReportProfessional, ...]
    report_url: str  # this report in the app
    unsubscribe_url: str  # '' in the app (the page has the setting on /account)


@dataclass(frozen=True, slots=True)
class ReportMonth:
    """A month with activity, in the customer's list of reports."""

    month: date
    label: str
    requests: int  # how many of their requests moved that month
    complete: bool  # False for the month under way
