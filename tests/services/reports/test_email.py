"""The monthly report email: escaped names, every request, the totals, and the unsubscribe link in every part."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest

from services import messaging
from services.core.rows import format_money
from services.reports import words
from services.reports.email import report_message
from services.reports.rows import MonthlyReport
from tests.services.reports.sample_report import CUSTOMER, sample_report


@pytest.fixture
def backend() -> str:
    return 'none'  # plain data: this module skips the SQLite/PostgreSQL legs of tests/services/conftest.py


@pytest.fixture
def report() -> MonthlyReport:
    return sample_report()


def visible_text(markup: str) -> str:
    """What a reader sees of an HTML part, as one line of words."""
    return ' '.join(html.unescape(re.sub(r'<[^>]+>', ' ', markup)).split())


def test_html_escapes_the_customers_name(report: MonthlyReport) -> None:
    message = report_message(report)
    assert '<script' not in message.html.lower()
    assert html.escape(CUSTOMER, quote=False) in message.html


def test_html_links_every_request_by_its_service_name(report: MonthlyReport) -> None:
    message = report_message(report)
    for item in report.requests:
        assert f'<a href="{item.url}" style="color:#1565c0;">{html.escape(item.service_name)}</a>' in message.html


def test_html_shows_the_totals(report: MonthlyReport) -> None:
    shown = visible_text(report_message(report).html)
    expected = ' '.join(' '.join(part for part in total if part) for total in words.totals(report))
    assert expected == 'Booked 4 Completed 2 Spend ₹1,733.50 Ratings given 1 average 4.0 ★'
    assert expected in shown


def test_html_shows_each_request_as_a_row(report: MonthlyReport) -> None:
    shown = visible_text(report_message(report).html)
    assert 'Deep cleaning Mon 02 Nov, 10:00 Zoë Ünal Closed ★★★★☆ ₹1,234.50' in shown
    assert 'AC service Sun 15 Nov, 11:30 — Requested — ₹799.00' in shown
    assert '=cmd| ' in shown


def test_html_footer_has_the_unsubscribe_link(report: MonthlyReport) -> None:
    message = report_message(report)
    assert f'<a href="{html.escape(report.unsubscribe_url)}" style="color:#1565c0;">Unsubscribe' in message.html
    assert 'You get this report once a month because you booked with us.' in message.html
    assert f'href="{report.report_url}"' in message.html


def test_report_without_unsubscribe_url_points_to_the_account_page(report: MonthlyReport) -> None:
    message = report_message(dataclasses.replace(report, unsubscribe_url=''))
    assert 'Unsubscribe' not in message.html + message.text
    assert '/account' in message.html


@pytest.mark.parametrize('outside', ['<style', '<link', '<img', '<script', 'src=', 'url('])
def test_html_needs_nothing_from_outside_the_message(report: MonthlyReport, outside: str) -> None:
    assert outside not in report_message(report).html.lower()


def test_text_part_has_the_same_totals_and_links(report: MonthlyReport) -> None:
    text = report_message(report).text
    assert CUSTOMER in text
    for label, value, note in words.totals(report):
        assert f'{label}: {value}' + (f' ({note})' if note else '') in text
    for url in (report.report_url, report.unsubscribe_url, *(item.url for item in report.requests)):
        assert url in text


def test_subject_and_sms_name_the_month(report: MonthlyReport) -> None:
    message = report_message(report)
    assert message.subject == 'Your month with Household Services — November 2026'
    assert message.short == (
        f'Household Services, November 2026: 4 requests, {format_money(report.spend)} spent. {report.report_url}'
    )


def test_export_ready_message_points_to_exports() -> None:
    message = messaging.render('export_ready', description='Requests <b>November</b>', rows=12, export_id=3)
    assert message.subject == 'Your export is ready — Requests <b>November</b>'
    assert 'Requests &lt;b&gt;November&lt;/b&gt;' in message.html
    assert '/exports' in message.html
    assert 'Download it from Exports; it is kept for 7 days' in message.text
    assert '12 rows' in message.short
