"""The monthly report as a PDF: A4, set in DejaVu Sans so any name a customer typed renders, with the same words and
totals as the email (services/reports/words.py)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from services.core.rows import format_money
from services.reports import words
from services.reports.fonts import font_files
from services.reports.rows import MonthlyReport

if TYPE_CHECKING:
    from fpdf import FPDF

FAMILY = 'DejaVu'
AUTHOR = 'Household Services'
MARGIN = 15  # mm, all round
ROW_HEIGHT = 7  # mm: one line of a table
SMALLEST_FIGURE = 7  # pt: a total is set no smaller than this to fit its box
BLUE = (21, 101, 192)
INK = (31, 41, 51)
MUTED = (82, 96, 109)
RULE = (228, 231, 235)
PALE_BLUE = (227, 242, 253)
PALE_GREY = (244, 246, 248)
# (heading, width in mm, alignment): each table is the page's 180 mm
REQUEST_COLUMNS = (
    ('Service', 45, 'L'),
    ('Slot', 34, 'L'),
    ('Professional', 33, 'L'),
    ('Status', 21, 'L'),
    ('Price', 24, 'R'),
    ('Your rating', 23, 'L'),
)
PROFESSIONAL_COLUMNS = (
    ('Professional', 52, 'L'),
    ('Service', 72, 'L'),
    ('Jobs', 14, 'R'),
    ('Ratings you gave', 42, 'L'),
)

Columns = tuple[tuple[str, float, str], ...]
Row = tuple[tuple[str, ...], str]  # the cells, and the link of the first one ('' for none)


def report_pdf(report: MonthlyReport) -> bytes:
    """The report as PDF bytes; the same report gives the same bytes (its dates come from the month reported)."""
    pdf = _document(report)
    _heading(pdf, report)
    _totals(pdf, report)
    _section(pdf, 'Your requests')
    if report.requests:
        _table(pdf, REQUEST_COLUMNS, _request_rows(report))
    else:
        _paragraph(pdf, 'None of your requests moved this month.')
    if report.professionals:
        _section(pdf, 'Who worked for you')
        _table(pdf, PROFESSIONAL_COLUMNS, _professional_rows(report))
    _paragraph(pdf, 'View this report in the app:')
    _paragraph(pdf, report.report_url, link=report.report_url)
    return bytes(pdf.output())


def _document(report: MonthlyReport) -> FPDF:
    from fpdf import FPDF  # noqa: PLC0415 (a fifth of the app's start-up, and only the monthly job needs it)

    pdf = FPDF(orientation='portrait', unit='mm', format='A4')
    pdf.set_compression(True)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=MARGIN)
    for style, path in font_files(_all_text(report)).items():
        pdf.add_font(FAMILY, style, path)  # fpdf2 embeds only the glyphs used (a subset)
    pdf.set_title(f'Your month with Household Services — {report.month_label}')
    pdf.set_author(AUTHOR)
    pdf.set_creator(AUTHOR)
    pdf.set_lang('en')
    # a date from the month, not the clock: the same report is the same file, byte for byte
    pdf.set_creation_date(datetime(report.month.year, report.month.month, report.month.day, tzinfo=UTC))
    pdf.add_page()
    return pdf


def _request_rows(report: MonthlyReport) -> Iterable[Row]:
    money = functools.partial(format_money, currency=report.currency)
    for item in report.requests:
        cells = (
            item.service_name,
            words.local_label(item.scheduled_at, report.timezone),
            words.professional_label(item.professional_name),
            words.status_word(item.status),
            money(item.price),
            words.stars(item.rating),
        )
        yield cells, item.url


def _professional_rows(report: MonthlyReport) -> Iterable[Row]:
    for person in report.professionals:
        yield (person.name, person.service_name, str(person.jobs), words.given_ratings(person.ratings)), ''


def _heading(pdf: FPDF, report: MonthlyReport) -> None:
    pdf.set_fill_color(*BLUE)
    pdf.rect(pdf.l_margin, pdf.get_y(), pdf.epw, 11, style='F')
    _font(pdf, 'B', 14, (255, 255, 255))
    pdf.set_x(pdf.l_margin + 3)
    pdf.cell(0, 11, 'Household Services', new_x='LMARGIN', new_y='NEXT')
    pdf.ln(5)
    _font(pdf, '', 11, INK)
    pdf.multi_cell(0, 6, f'Hello {report.customer_name},', new_x='LMARGIN', new_y='NEXT')
    pdf.ln(1)
    _font(pdf, 'B', 16, INK)
    pdf.multi_cell(0, 8, f'Your month with Household Services — {report.month_label}', new_x='LMARGIN', new_y='NEXT')
    pdf.ln(4)


def _totals(pdf: FPDF, report: MonthlyReport) -> None:
    """The totals side by side in pale boxes, as the email shows them."""
    totals = words.totals(report)
    gap, height, top = 2, 22, pdf.get_y()
    width = (pdf.epw - gap * (len(totals) - 1)) / len(totals)
    pdf.set_fill_color(*PALE_BLUE)
    for index, (label, value, note) in enumerate(totals):
        left = pdf.l_margin + index * (width + gap)
        pdf.rect(left, top, width, height, style='F')
        _box_line(pdf, (left, top + 2, width), label, ('', 8, MUTED))
        _box_line(pdf, (left, top + 7, width), value, ('B', 14, INK))
        _box_line(pdf, (left, top + 15, width), note, ('', 8, MUTED))
    pdf.set_xy(pdf.l_margin, top + height + 6)


def _box_line(pdf: FPDF, place: tuple[float, float, float], text: str, look: tuple[str, int, tuple]) -> None:
    """One line in a totals box; a figure too wide for the box is set smaller, never cut."""
    left, top, width = place
    style, size, color = look
    _font(pdf, style, size, color)
    while size > SMALLEST_FIGURE and pdf.get_string_width(text) > width - 2 * pdf.c_margin - 3:
        size -= 1
        pdf.set_font_size(size)
    pdf.set_xy(left + 1.5, top)
    pdf.cell(width - 3, size * 0.5, text)


def _table(pdf: FPDF, columns: Columns, rows: Iterable[Row]) -> None:
    """One line per row: a text too long for its column is cut with an ellipsis (the app and the email have it
    whole). The heading row is repeated on each new page."""
    _table_heading(pdf, columns)
    for cells, link in rows:
        if pdf.will_page_break(ROW_HEIGHT):
            pdf.add_page()
            _table_heading(pdf, columns)
        for index, ((_, width, align), text) in enumerate(zip(columns, cells, strict=True)):
            _font(pdf, '', 9, BLUE if index == 0 and link else INK)
            pdf.cell(width, ROW_HEIGHT, _fit(pdf, text, width), align=align, link=link if index == 0 else '')
        _rule(pdf)
    pdf.ln(6)


def _table_heading(pdf: FPDF, columns: Columns) -> None:
    _font(pdf, 'B', 8, MUTED)
    pdf.set_fill_color(*PALE_GREY)
    for heading, width, align in columns:
        pdf.cell(width, ROW_HEIGHT, heading, align=align, fill=True)
    pdf.ln()


def _rule(pdf: FPDF) -> None:
    pdf.ln()
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """The longest start of `text` that fits the cell, ending in an ellipsis when anything was cut."""
    room = width - 2 * pdf.c_margin
    if pdf.get_string_width(text) <= room:
        return text
    shortest, longest = 0, len(text)  # binary search on the number of characters kept
    while shortest < longest:
        middle = (shortest + longest + 1) // 2
        if pdf.get_string_width(text[:middle].rstrip() + '…') <= room:
            shortest = middle
        else:
            longest = middle - 1
    return text[:shortest].rstrip() + '…'


def _section(pdf: FPDF, title: str) -> None:
    _font(pdf, 'B', 12, INK)
    pdf.cell(0, 8, title, new_x='LMARGIN', new_y='NEXT')


def _paragraph(pdf: FPDF, text: str, *, link: str = '') -> None:
    _font(pdf, '', 10, BLUE if link else INK)
    pdf.multi_cell(0, 6, text, link=link, new_x='LMARGIN', new_y='NEXT')


def _font(pdf: FPDF, style: str, size: float, color: tuple[int, int, int]) -> None:
    pdf.set_font(FAMILY, style, size)
    pdf.set_text_color(*color)


def _all_text(report: MonthlyReport) -> str:
    """Every string a customer or the catalogue put in the report (the rest is ours, and the slim fonts cover it)."""
    people = [p.name + p.service_name for p in report.professionals]
    return (
        report.customer_name + ''.join(r.service_name + r.professional_name for r in report.requests) + ''.join(people)
    )
