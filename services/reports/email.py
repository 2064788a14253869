"""The monthly report as an email: every part rendered from the same `MonthlyReport` and the same words."""

from __future__ import annotations

import functools

from services import messaging
from services.core.rows import format_money
from services.reports import words
from services.reports.rows import MonthlyReport


def report_message(report: MonthlyReport) -> messaging.Message:
    """The report's subject, HTML, text and SMS parts; names are escaped in the HTML by the template's autoescape."""
    return messaging.render(
        'monthly_report',
        report=report,
        money=functools.partial(format_money, currency=report.currency),
        when=functools.partial(words.local_label, timezone=report.timezone),
        totals=words.totals(report),
        status=words.status_word,
        stars=words.stars,
        who=words.professional_label,
        ratings=words.given_ratings,
    )
