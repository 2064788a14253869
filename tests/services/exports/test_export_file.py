"""The file an export writes: every closed request the filters select and nothing else, each cell as the database
holds it (local times, rupees, the review), in id order across page boundaries, UTF-8 with a byte order mark and
CRLF, no cell a spreadsheet would run as a formula; then the export is done and its owner told."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from models import Notification, OutboxMessage, Review, ServiceRequest
from models.enums import ExportState, NotificationChannel, RequestStatus
from services import Actor, requests, session_scope
from services.catalog import ServiceRow
from services.exports import running
from tests.factories import (
    accept_request,
    book_request,
    make_admin,
    make_approved_professional,
    make_customer,
    make_service,
    slot,
)
from tests.services.exports.export_support import (
    BOM,
    IST,
    closed_job,
    completed_job,
    expected_rows,
    exported,
    file_of,
    files_in_exports,
    ids_of,
    stored_export,
)
from tests.services.request_support import NOW, stored

R = ServiceRequest
REQUESTED, ASSIGNED, COMPLETED, CANCELLED = (
    RequestStatus(s) for s in ('requested', 'assigned', 'completed', 'cancelled')
)
FORMULA_NAME = '=HYPERLINK("http://x")'


@dataclass(frozen=True)
class Market:
    services: dict[str, ServiceRow]
    customers: dict[str, Actor]
    pros: dict[str, Actor]
    closed: tuple[int, ...]  # in id order
    not_closed: tuple[int, ...]  # requested, assigned, completed, cancelled
    remarks: dict[str, int]  # remark -> request id


# (customer, service, booked days after NOW, slot index, rating, remarks, pincode of the job)
CLOSED_JOBS = (
    ('asha', 'plumbing', 0, 0, 5, 'Spotless', '560001'),
    ('bala', 'cleaning', 0, 2, 4, '+1 great', '560002'),
    ('formula', 'painting', 0, 4, 3, '-5', '560001'),
    ('asha', 'cleaning', 1, 0, 2, '@SUM(A1)', '560002'),
    ('bala', 'plumbing', 1, 2, 1, 'Fine = good', '560002'),
    ('formula', 'plumbing', 1, 4, 5, 'Line one\nLine two', '560001'),
    ('asha', 'painting', 2, 0, 4, 'Café ₹ “quoted”, with commas; and "quotes"', '560001'),
    ('bala', 'painting', 2, 2, 3, 'tab set below', '560002'),
    ('formula', 'cleaning', 2, 4, 4, 'cr set below', '560001'),
    ('asha', 'plumbing', 3, 0, 5, 'A\ttab inside', '560002'),
    ('bala', 'cleaning', 3, 2, 2, '', '560002'),
    ('formula', 'painting', 3, 4, 1, "'already quoted", '560001'),
)


def make_export_market() -> Market:
    services = {
        'plumbing': make_service(name='Plumbing', base_price=49900),
        'cleaning': make_service(name='Deep cleaning', base_price=125050),
        'painting': make_service(name='@Home painting', base_price=100000),
    }
    pros = {name: make_approved_professional(service_id=service.id) for name, service in services.items()}
    customers = {
        'asha': make_customer(name='Asha Rao'),
        'bala': make_customer(name='Bala Iyer', pincode='560002'),
        'formula': make_customer(name=FORMULA_NAME),
    }
    closed, remarks = [], {}
    for customer, service, day, index, rating, remark, pincode in CLOSED_JOBS:
        request_id = closed_job(
            customers[customer],
            pros[service],
            services[service].id,
            booked=NOW + timedelta(days=day),
            index=index,
            rating=rating,
            remarks=remark,
            pincode=pincode,
            address='1 Test Street',
        )
        closed.append(request_id)
        remarks[remark] = request_id
    with session_scope(write=True) as session:  # typed before remarks were trimmed (imported, or an old release)
        for remark, typed in (('tab set below', '\tTab'), ('cr set below', '\rCR')):
            session.execute(update(Review).where(Review.request_id == remarks[remark]).values(remarks=typed))
            remarks[typed] = remarks.pop(remark)
    # closed without a review: completed and left for `auto_close_days`
    unreviewed = completed_job(
        customers['asha'], pros['painting'], services['painting'].id, booked=NOW + timedelta(days=4), index=0
    )
    with session_scope(write=True) as session:
        assert requests.auto_close_due(session, now=NOW + timedelta(days=20)) == 1
    closed.append(unreviewed)
    # and what is not closed, in every other state
    later = NOW + timedelta(days=5)
    requested = book_request(customers['asha'], services['plumbing'].id, now=later, at=slot(later, index=0))
    assigned = book_request(customers['bala'], services['cleaning'].id, now=later, at=slot(later, index=2))
    accept_request(pros['cleaning'], assigned, now=later)
    done = completed_job(customers['formula'], pros['plumbing'], services['plumbing'].id, booked=later, index=4)
    cancelled = book_request(customers['asha'], services['painting'].id, now=later, at=slot(later, index=6))
    with session_scope(write=True) as session:
        requests.cancel(session, customers['asha'], request_id=cancelled, reason='Plans changed', now=later)
    not_closed = (requested, assigned, done, cancelled)
    statuses = [stored(request_id).service_status for request_id in not_closed]
    assert statuses == [
        RequestStatus.REQUESTED,
        RequestStatus.ASSIGNED,
        RequestStatus.COMPLETED,
        RequestStatus.CANCELLED,
    ]
    return Market(services, customers, pros, tuple(sorted(closed)), not_closed, remarks)


@pytest.fixture
def market() -> Market:
    return make_export_market()


def local_day(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=IST)


def owner_told(owner: Actor, export_id: int) -> None:
    """The owner got one in-app notification (already dispatched: the email says it) and one email."""
    with session_scope() as session:
        notes = session.execute(
            select(Notification.kind, Notification.message, Notification.dispatched_at).where(
                Notification.user_id == owner.id
            )
        ).all()
        mail = session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == owner.id)).all()
    assert [(kind, dispatched is not None) for kind, _, dispatched in notes] == [('export.ready', True)]
    assert '(13 rows)' in notes[0][1]
    assert [(m.kind, m.channel, m.address, m.idempotency_key) for m in mail] == [
        ('export', NotificationChannel.EMAIL, owner.email, f'export-ready:{export_id}:1')
    ]


def spreadsheet_safe_cells(market: Market, rows: list[list[str]]) -> None:
    """Cells a spreadsheet would run get a leading apostrophe and keep the rest; nothing else changes."""
    by_id = {int(row[0]): row for row in rows}
    remarks = {text: by_id[request_id][14] for text, request_id in market.remarks.items()}
    assert remarks == {
        'Spotless': 'Spotless',
        '+1 great': "'+1 great",
        '-5': "'-5",
        '@SUM(A1)': "'@SUM(A1)",
        'Fine = good': 'Fine = good',
        'Line one\nLine two': 'Line one\nLine two',
        'Café ₹ “quoted”, with commas; and "quotes"': 'Café ₹ “quoted”, with commas; and "quotes"',
        '\tTab': "'\tTab",
        '\rCR': "'\rCR",
        'A\ttab inside': 'A\ttab inside',
        '': '',
        "'already quoted": "'already quoted",
    }
    formula_rows = [row for row in rows if row[3] == str(market.customers['formula'].id)]
    assert len(formula_rows) == 4
    assert {row[4] for row in formula_rows} == {"'" + FORMULA_NAME}
    painting = [row for row in rows if row[1] == str(market.services['painting'].id)]
    assert {row[2] for row in painting} == {"'@Home painting"}
    assert {row[13] for row in rows} <= {'1', '2', '3', '4', '5', ''}  # numbers untouched
    assert all(not cell.startswith("''") for row in rows for cell in row)  # never escaped twice


def test_the_file_holds_every_closed_request_as_stored_in_any_page_size_and_the_owner_is_told(
    market: Market, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(running, 'PAGE_ROWS', 5)
    pages_after: list[int] = []
    read_page = requests.closed_rows

    def counted(session: Any, criteria: Any, *, after_id: int, limit: int) -> list[tuple[Any, ...]]:
        pages_after.append(after_id)
        assert len(pages_after) <= 3, 'the run keeps reading pages'  # fails the run (and so the test), never hangs
        return read_page(session, criteria, after_id=after_id, limit=limit)

    monkeypatch.setattr(requests, 'closed_rows', counted)
    admin = make_admin()
    export, rows = exported(admin)
    assert ids_of(rows) == list(market.closed)  # 13 rows: pages of 5, 5 and 3, each read after the last id seen
    assert pages_after == [0, market.closed[4], market.closed[9]]
    assert rows == expected_rows()
    assert set(market.not_closed).isdisjoint(ids_of(rows))

    first = rows[0]  # Asha's plumbing job, booked Mon 4 Mar 09:00 local for Wed 6 Mar 08:00
    assert first == [
        str(market.closed[0]),
        str(market.services['plumbing'].id),
        'Plumbing',
        str(market.customers['asha'].id),
        'Asha Rao',
        str(market.pros['plumbing'].id),
        market.pros['plumbing'].name,
        '2030-03-04 09:00',
        '2030-03-06 08:00',
        '2030-03-06 09:00',
        '2030-03-06 10:00',
        'closed',
        '499.00',
        '5',
        'Spotless',
    ]
    by_id = {int(row[0]): row for row in rows}
    assert by_id[market.remarks['+1 great']][12] == '1250.50'
    assert by_id[market.closed[-1]][13:] == ['', '']  # closed by itself: no rating, no remarks
    assert by_id[market.closed[-1]][10] == '2030-03-24 09:00'

    stored_row = stored_export(export.id)
    path = file_of(admin, export.id).path
    assert (stored_row.state, stored_row.rows_done, stored_row.rows_total) == (ExportState.DONE, 13, 13)
    assert (stored_row.size, stored_row.error, stored_row.attempts) == (path.stat().st_size, None, 1)
    assert stored_row.finished_at is not None
    assert files_in_exports() == [stored_row.stored_name]  # no .part left behind
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    raw = path.read_bytes()
    assert raw.startswith(BOM + b'Request ID,Service ID,Service,')
    assert raw.endswith(b'\r\n')
    assert raw.count(b'\r\n') == 1 + 13  # the header and each row end in CRLF ...
    assert raw.count(b'\n') == 1 + 13 + 1  # ... and the one remark with a line break keeps it inside its cell

    owner_told(admin, export.id)
    spreadsheet_safe_cells(market, rows)

    # any page size, at and around the row count, gives the same file, byte for byte
    monkeypatch.setattr(requests, 'closed_rows', read_page)
    files = {path.read_bytes()}
    for page_rows in (1, 12, 13, 14):
        monkeypatch.setattr(running, 'PAGE_ROWS', page_rows)
        again, again_rows = exported(admin)
        assert ids_of(again_rows) == list(market.closed), page_rows
        files.add(file_of(admin, again.id).path.read_bytes())
    assert len(files) == 1


def test_the_admin_filters_select_what_the_requests_list_would(market: Market) -> None:
    admin = make_admin()
    plumbing, cleaning = market.services['plumbing'], market.services['cleaning']
    asha, bala = market.customers['asha'], market.customers['bala']
    cases = [
        ({'service_id': str(plumbing.id)}, [R.service_id == plumbing.id]),
        ({'pincode': '560002'}, [R.pincode == '560002']),
        ({'service_id': cleaning.id, 'pincode': '560002'}, [R.service_id == cleaning.id, R.pincode == '560002']),
        ({'customer': 'asha'}, [R.customer_id == asha.id]),
        ({'customer': bala.email.upper()}, [R.customer_id == bala.id]),
        ({'professional': market.pros['cleaning'].email}, [R.professional_id == market.pros['cleaning'].id]),
        (
            {'date_from': '2030-03-07', 'date_to': '2030-03-08'},
            [R.scheduled_at >= local_day(2030, 3, 7), R.scheduled_at < local_day(2030, 3, 9)],
        ),
        ({'date_from': '2030-03-09'}, [R.scheduled_at >= local_day(2030, 3, 9)]),
        (
            {'sort': 'booked', 'date_from': '2030-03-05', 'date_to': '2030-03-05', 'status': 'requested'},
            [R.date_of_request >= local_day(2030, 3, 5), R.date_of_request < local_day(2030, 3, 6)],
        ),
        ({'customer': 'nobody-like-this'}, [R.id < 0]),
    ]
    everything = expected_rows()
    for filters, where in cases:
        wanted = expected_rows(*where)
        if filters.get('customer') != 'nobody-like-this':
            assert 0 < len(wanted) < len(everything), filters  # each case tells a filter that works from none
        export, rows = exported(admin, filters)
        assert rows == wanted, filters
        assert export.rows_total == export.rows_done == len(wanted)
        assert 'status' not in export.filters  # an export of closed requests is of closed ones
    assert len(files_in_exports()) == len(cases)
