"""A customer's monthly activity reports: the months with activity, and one month's report as the email showed it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from api.money import Money, paise
from api.problems import ProblemRoute
from api.viewer import Signed
from models.enums import RequestStatus
from services import reports

router = APIRouter(route_class=ProblemRoute, tags=['reports'])
Month = Annotated[str, Path(pattern=r'^\d{4}-\d{2}$', examples=['2026-11'])]


class ReportMonth(BaseModel):
    month: str = Field(examples=['2026-11'])
    label: str = Field(examples=['November 2026'])
    requests: int = Field(description='How many of my requests moved that month')
    complete: bool = Field(description='False for the month under way')


class ReportRequest(BaseModel):
    id: int
    service: str
    scheduled_at: datetime
    status: RequestStatus
    price: Money
    professional: str
    rating: int | None


class ReportProfessional(BaseModel):
    name: str
    service: str
    jobs: int
    ratings: list[int]


class MonthlyReport(BaseModel):
    month: str
    label: str
    booked: int
    completed: int
    closed: int
    cancelled: int
    spend: Money = Field(description='The prices of the requests completed in the month')
    ratings_given: int
    average_rating_given: float | None
    requests: list[ReportRequest]
    professionals: list[ReportProfessional]


@router.get('/reports', response_model=list[ReportMonth], summary='Months with activity, newest first (customers)')
def list_reports(caller: Signed) -> list[ReportMonth]:
    with caller.unit() as (session, actor):
        months = reports.report_months(session, actor)
    return [
        ReportMonth(month=reports.month_text(m.month), label=m.label, requests=m.requests, complete=m.complete)
        for m in months
    ]


@router.get('/reports/{month}', response_model=MonthlyReport, summary="One month's report (customers)")
def get_report(caller: Signed, month: Month) -> MonthlyReport:
    with caller.unit() as (session, actor):
        report = reports.monthly_report(session, actor, month=month)
    return MonthlyReport(
        month=reports.month_text(report.month),
        label=report.month_label,
        booked=report.booked,
        completed=report.completed,
        closed=report.closed,
        cancelled=report.cancelled,
        spend=paise(report.spend),
        ratings_given=report.ratings_given,
        average_rating_given=report.average_rating_given,
        requests=[
            ReportRequest(
                id=r.id,
                service=r.service_name,
                scheduled_at=r.scheduled_at,
                status=r.status,
                price=paise(r.price),
                professional=r.professional_name,
                rating=r.rating,
            )
            for r in report.requests
        ],
        professionals=[
            ReportProfessional(name=p.name, service=p.service_name, jobs=p.jobs, ratings=list(p.ratings))
            for p in report.professionals
        ],
    )
