"""A customer's reports in the app: the months with activity (newest first, the month under way marked so), any
month's report as a page, and its PDF. Only their own: the report is built for the signed-in customer."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEvent, ServiceRequest
from models.enums import Role
from services.core import clock
from services.core.access import require_role
from services.core.errors import NotFound
from services.core.rows import Actor
from services.reports.building import build_reports
from services.reports.months import REQUEST_TARGET, local_month_of, month_label, parse_month
from services.reports.pdf import report_pdf
from services.reports.rows import MonthlyReport, ReportMonth

E, R = AuditEvent, ServiceRequest
NO_ACTIVITY = 'You had no activity that month.'


def report_months(session: Session, actor: Actor, *, now: datetime | None = None) -> tuple[ReportMonth, ...]:
    """The local months in which requests of mine moved, newest first, with how many moved."""
    user = _customer(session, actor)
    moments = session.execute(
        select(E.occurred_at, E.target_id)
        .join(R, R.id == E.target_id)
        .where(R.customer_id == user.id, E.target_type == REQUEST_TARGET)
    )
    moved: dict[Any, set[int]] = defaultdict(set)
    for occurred_at, request_id in moments:
        moved[local_month_of(occurred_at)].add(request_id)
    this_month = local_month_of(now or clock.now())
    return tuple(
        ReportMonth(month=month, label=month_label(month), requests=len(moved[month]), complete=month < this_month)
        for month in sorted(moved, reverse=True)
    )


def monthly_report(session: Session, actor: Actor, *, month: Any) -> MonthlyReport:
    """My report of `month` ('2026-11'), as the email showed it (without the unsubscribe link)."""
    user = _customer(session, actor)
    wanted = parse_month(month)
    reports = build_reports(session, wanted, {user.id: user.name})
    if not reports:
        raise NotFound(NO_ACTIVITY)
    return reports[0]


def monthly_report_pdf(session: Session, actor: Actor, *, month: Any) -> tuple[str, bytes]:
    """The file name and bytes of my report of `month` as a PDF."""
    report = monthly_report(session, actor, month=month)
    return f'household-services-{report.month:%Y-%m}.pdf', report_pdf(report)


def _customer(session: Session, actor: Actor) -> Any:
    user = require_role(session, actor, Role.CUSTOMER)
    assert user is not None  # the operator is no customer
    return user
