"""The running counts the database keeps (requests per service and status, reviews per rating) always equal counting
the rows: through every transition of the lifecycle, through raw SQL from any writer, and under concurrent units."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select, text

from models import RatingTally, RequestTally, Review, ServiceRequest
from services import Actor, requests, session_scope
from tests.factories import (
    OPERATOR,
    accept_request,
    block,
    book_request,
    complete_request,
    make_approved_professional,
    make_customer,
    make_service,
    slot,
)
from tests.services.request_support import NOW, make_market


def tallies() -> tuple[dict, dict]:
    with session_scope() as session:
        kept = {(s, st): n for s, st, n in session.execute(select(RequestTally.__table__)) if n}
        ratings = {r: n for r, n in session.execute(select(RatingTally.__table__)) if n}
        return kept, ratings


def counted() -> tuple[dict, dict]:
    with session_scope() as session:
        r = ServiceRequest
        kept = dict(
            ((s, st), n)
            for s, st, n in session.execute(
                select(r.service_id, r.service_status, func.count()).group_by(r.service_id, r.service_status)
            )
        )
        ratings = dict(session.execute(select(Review.rating, func.count()).group_by(Review.rating)).all())
        return kept, ratings


def run(unit, actor: Actor, **arguments) -> None:
    with session_scope(write=True) as session:
        unit(session, actor, **arguments)


def test_every_transition_keeps_the_counts_equal_to_the_rows() -> None:
    market, other = make_market(name='Plumbing'), make_service(name='Cleaning')
    earlier = NOW - timedelta(days=10)
    ids = [book_request(market.customer, market.service.id, now=earlier, at=slot(earlier, index=i)) for i in range(8)]
    book_request(market.customer, other.id, now=earlier)
    for request_id in ids[:6]:
        accept_request(market.pro, request_id, now=earlier)
    run(requests.withdraw, market.pro, request_id=ids[5], reason='Ill', now=earlier)
    run(requests.cancel, market.customer, request_id=ids[6], reason='Plans changed', now=earlier)
    run(requests.admin_cancel, OPERATOR, request_id=ids[4], reason='Fraud', now=earlier)
    for request_id in ids[:3]:
        complete_request(market.pro, request_id, now=earlier + timedelta(days=3))
    run(requests.close, market.customer, request_id=ids[0], rating=4, now=earlier + timedelta(days=3))
    run(requests.close, market.customer, request_id=ids[1], rating=2, now=earlier + timedelta(days=3))
    with session_scope(write=True) as session:
        requests.expire_due(session, now=NOW)  # ids[5] and ids[7] were never taken again
        requests.auto_close_due(session, now=NOW)  # ids[2]
    run(requests.review, market.customer, request_id=ids[2], rating=5, now=NOW)  # a review after the auto-close
    assert tallies() == counted()
    assert tallies()[1] == {2: 1, 4: 1, 5: 1}


def test_blocking_a_professional_releases_their_jobs_and_the_counts_follow() -> None:
    market = make_market()
    booked = book_request(market.customer, market.service.id, now=NOW)
    accept_request(market.pro, booked, now=NOW)
    block(market.pro)
    assert tallies() == counted()


def test_writers_outside_the_services_keep_the_counts_right_too() -> None:
    market = make_market()
    booked = book_request(market.customer, market.service.id, now=NOW)
    with session_scope(write=True) as session:  # as a bulk load or an operator's hand-typed SQL would
        session.execute(
            text(
                'INSERT INTO service_request (service_id, customer_id, service_status, date_of_request, scheduled_at, '
                'ends_at, time_required, price, address, pincode, remarks, updated_at) SELECT service_id, '
                "customer_id, 'closed', date_of_request, scheduled_at, ends_at, time_required, price, address, "
                'pincode, remarks, updated_at FROM service_request WHERE id = :id'
            ),
            {'id': booked},
        )
        session.execute(text("UPDATE service_request SET service_status = 'cancelled' WHERE id = :id"), {'id': booked})
    assert tallies() == counted()
    with session_scope(write=True) as session:
        closed = session.scalar(text("SELECT max(id) FROM service_request WHERE service_status = 'closed'"))
        session.execute(
            text(
                'INSERT INTO review (request_id, customer_id, professional_id, rating, remarks, created_at) '
                "SELECT id, customer_id, :pro, 3, '', updated_at FROM service_request WHERE id = :id"
            ),
            {'id': closed, 'pro': market.pro.id},
        )
        session.execute(text('UPDATE review SET rating = 1'))
    assert tallies() == counted()
    assert tallies()[1] == {1: 1}
    with session_scope(write=True) as session:
        session.execute(text('DELETE FROM review'))
    with session_scope(write=True) as session:
        session.execute(text("DELETE FROM service_request WHERE service_status = 'closed'"))
    assert tallies() == counted()


def test_concurrent_units_moving_requests_both_ways_keep_the_counts_and_never_deadlock() -> None:
    service = make_service(name='Electrical')
    customer = make_customer(pincode='560001')
    pros = [make_approved_professional(service_id=service.id, email=f'pro{n}@example.com') for n in range(4)]
    now = NOW
    booked = [
        book_request(customer, service.id, now=now, at=slot(now, days=2 + i // 12, index=i % 12)) for i in range(24)
    ]
    failures: list[BaseException] = []

    def work(pro: Actor, mine: list[int]) -> None:
        try:
            for request_id in mine:  # requested -> assigned, and back: opposite directions on one service's rows
                accept_request(pro, request_id, now=now)
                run(requests.withdraw, pro, request_id=request_id, reason='Double-booked', now=now)
                accept_request(pro, request_id, now=now)
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=work, args=(pro, booked[n::4])) for n, pro in enumerate(pros)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert tallies() == counted()
    assert tallies()[0] == {(service.id, 'assigned'): 24}
