"""The monthly report PDF opens, and says what the email says (read back with poppler-utils)."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from services.core.rows import format_money
from services.reports import words
from services.reports.pdf import report_pdf
from services.reports.rows import MonthlyReport
from tests.services.reports.sample_report import CUSTOMER, LONG_SERVICE, sample_report


@pytest.fixture
def backend() -> str:
    return 'none'  # plain data: this module skips the SQLite/PostgreSQL legs of tests/services/conftest.py


@pytest.fixture
def report() -> MonthlyReport:
    return sample_report()


def poppler(tool: str, *args: str | Path) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f'{tool} is missing: sudo apt-get install poppler-utils (scripts/system-packages.sh test)')
    return subprocess.run([tool, *map(str, args)], check=True, capture_output=True, text=True).stdout


def pdf_text(report: MonthlyReport, tmp_path: Path) -> str:
    """The PDF's text as one line of words, laid out as on the page."""
    path = tmp_path / 'report.pdf'
    path.write_bytes(report_pdf(report))
    return ' '.join(poppler('pdftotext', '-layout', path, '-').split())


def test_pdf_opens_and_renders_its_first_page(report: MonthlyReport, tmp_path: Path) -> None:
    pdf = report_pdf(report)
    assert pdf.startswith(b'%PDF')
    (tmp_path / 'report.pdf').write_bytes(pdf)
    poppler('pdftoppm', '-png', '-r', '50', '-f', '1', '-l', '1', tmp_path / 'report.pdf', tmp_path / 'page')
    [page] = tmp_path.glob('page*.png')
    assert page.read_bytes().startswith(b'\x89PNG')


def test_pdf_says_the_same_totals_as_the_email(report: MonthlyReport, tmp_path: Path) -> None:
    text = pdf_text(report, tmp_path)
    labels, values, _notes = zip(*words.totals(report), strict=True)
    assert ' '.join(labels) in text  # the boxes side by side: the labels above, the figures below
    assert ' '.join(values) in text
    assert 'average 4.0 ★' in text
    assert format_money(report.spend) in text


def test_pdf_shows_names_exactly_as_typed(report: MonthlyReport, tmp_path: Path) -> None:
    text = pdf_text(report, tmp_path)
    assert f'Hello {CUSTOMER},' in text
    assert 'Deep cleaning Mon 02 Nov, 10:00 Zoë Ünal Closed ₹1,234.50 ★★★★☆' in text
    assert '=cmd|' in text


def test_pdf_cuts_a_long_name_with_an_ellipsis(report: MonthlyReport, tmp_path: Path) -> None:
    text = pdf_text(report, tmp_path)
    assert LONG_SERVICE not in text
    assert re.search(r'Plumbing — kitchen [^…]*… Mon 09 Nov, 14:30 =cmd\| Completed', text)


def test_pdf_lists_every_request_and_the_app_link(report: MonthlyReport, tmp_path: Path) -> None:
    text = pdf_text(report, tmp_path)
    for item in report.requests:
        assert item.service_name[:8] in text
    assert 'AC service Sun 15 Nov, 11:30 — Requested ₹799.00 —' in text
    assert f'View this report in the app: {report.report_url}' in text


def test_pdf_repeats_the_table_heading_on_each_page(report: MonthlyReport, tmp_path: Path) -> None:
    long_month = dataclasses.replace(report, requests=report.requests * 20)
    path = tmp_path / 'long.pdf'
    path.write_bytes(report_pdf(long_month))
    assert 'Pages: 3' in ' '.join(poppler('pdfinfo', path).split())
    second_page = poppler('pdftotext', '-f', '2', '-l', '2', '-layout', path, '-')
    assert 'Service' in second_page and 'Your rating' in second_page


def test_same_report_gives_the_same_bytes_and_metadata(report: MonthlyReport, tmp_path: Path) -> None:
    pdf = report_pdf(report)
    assert report_pdf(report) == pdf
    (tmp_path / 'report.pdf').write_bytes(pdf)
    info = poppler('pdfinfo', '-isodates', tmp_path / 'report.pdf')
    assert 'Your month with Household Services — November 2026' in info
    assert 'Household Services' in info.split('Author:')[1].splitlines()[0]
    assert '2026-11-01T00:00:00' in info
