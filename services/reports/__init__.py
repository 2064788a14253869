"""The monthly activity report (design.md §4): on the 1st, every customer with activity in the previous local month
gets an email (HTML, text and a PDF) of their requests, statuses, spend, professionals and ratings, once per
customer and month, with a signed unsubscribe link later months honour; the same report is a page in the app.
Pages, tasks and other domains call only this."""

from services.reports.months import month_text, parse_month, previous_month
from services.reports.rows import MonthlyReport, ReportMonth, ReportProfessional, ReportRequest
from services.reports.sending import ReportRun, queue_monthly_reports, report_key
from services.reports.unsubscribe import (
    Unsubscribed,
    check_unsubscribe_link,
    report_subscription,
    set_report_subscription,
    unsubscribe,
    unsubscribe_url,
)
from services.reports.viewing import monthly_report, monthly_report_pdf, report_months

__all__ = [
    'MonthlyReport',
    'ReportMonth',
    'ReportProfessional',
    'ReportRequest',
    'ReportRun',
    'Unsubscribed',
    'check_unsubscribe_link',
    'month_text',
    'monthly_report',
    'monthly_report_pdf',
    'parse_month',
    'previous_month',
    'queue_monthly_reports',
    'report_key',
    'report_months',
    'report_subscription',
    'set_report_subscription',
    'unsubscribe',
    'unsubscribe_url',
]
