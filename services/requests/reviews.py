"""Closing a completed request with the customer's review, auto-closing the ones left unreviewed, and late
reviews within the review window. Each review adds to the professional's rating aggregate in the same unit."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, bindparam, exists, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import ProfessionalProfile, Review, Service, ServiceRequest, User
from models.enums import RequestStatus, Role
from services import messaging
from services.core import clock, cursors, validation
from services.core.access import require_professional
from services.core.errors import Conflict, InvalidTransition, ServiceError
from services.core.rows import Actor
from services.requests import actors, prepared, rules
from services.requests.rows import ReviewPage, ReviewRow
from settings import get_settings

R = ServiceRequest
COMPLETED, CLOSED = RequestStatus.COMPLETED, RequestStatus.CLOSED
MAX_REMARKS = 1000
ADD_REVIEW = insert(Review)
COUNT_RATING = (
    update(ProfessionalProfile)
    .where(ProfessionalProfile.user_id == bindparam('professional'))
    .values(
        rating_count=ProfessionalProfile.rating_count + 1,
        rating_sum=ProfessionalProfile.rating_sum + bindparam('rating', type_=Integer),
    )
)
PAGE_SIZE, MAX_PAGE = 20, 100


def close(
    session: Session, actor: Actor, *, request_id: Any, rating: Any, remarks: Any = '', now: datetime | None = None
) -> None:
    """Customers close their own completed request with a rating from 1 to 5 and optional remarks: the one
    review of that request, counted into the professional's rating."""
    actors.acting(actor, 'close', Role.CUSTOMER, request_id=request_id)
    rating, remarks = _rating(rating), _remarks(remarks)
    now = now or clock.now()
    row = None
    if rules.is_request_id(request_id):
        row = rules.run(session, prepared.close(), actor=actor.id, now=now, request=request_id)
    if row is None:
        raise _why_not_closable(session, actor, request_id)
    _add_review(session, row, rating=rating, remarks=remarks, now=now)
    rules.announce(session, actor, 'close', row, source=COMPLETED, target=CLOSED, now=now, rating=rating)
    _tell_professional(session, row, rating=rating, now=now)


def review(
    session: Session, actor: Actor, *, request_id: Any, rating: Any, remarks: Any = '', now: datetime | None = None
) -> None:
    """Customers review their own request that closed without one, within `review_window_days` of its completion."""
    actors.require(session, actor, 'review', Role.CUSTOMER, request_id=request_id)
    rating, remarks = _rating(rating), _remarks(remarks)
    now = now or clock.now()
    row = None
    if rules.is_request_id(request_id):
        row = rules.claim(  # touches the closed request only to hold its row while the review goes in
            session,
            request_id,
            R.customer_id == actor.id,
            R.service_status == CLOSED,
            R.date_of_completion >= now - _review_window(),
            ~exists().where(Review.request_id == R.id),
            updated_at=now,
        )
    if row is None:
        raise _why_no_review(session, actor, request_id)
    _add_review(session, row, rating=rating, remarks=remarks, now=now)
    rules.announce(session, actor, 'review', row, source=CLOSED, target=CLOSED, now=now, rating=rating)
    _tell_professional(session, row, rating=rating, now=now)


def auto_close_due(session: Session, *, now: datetime | None = None) -> int:
    """Completed requests left without a review for `auto_close_days` close by themselves (a review can still
    follow within the review window); each customer is told. Returns how many."""
    now = now or clock.now()
    settings = get_settings()
    rows = rules.claim_all(
        session,
        R.service_status == COMPLETED,
        R.date_of_completion <= now - timedelta(days=settings.auto_close_days),
        service_status=CLOSED,
        closed_at=now,
        updated_at=now,
    )
    for row in rows:
        rules.announce(session, None, 'auto_close', row, source=COMPLETED, target=CLOSED, now=now)
        message = (
            f'Your {rules.describe(session, row)} was closed automatically. You can still rate it '
            f'within {settings.review_window_days} days of the job.'
        )
        messaging.notify(session, row.customer_id, 'request.auto_closed', message, request_id=row.id, now=now)
    return len(rows)


def list_reviews_of_me(session: Session, actor: Actor, *, cursor: Any = None, limit: Any = PAGE_SIZE) -> ReviewPage:
    """Professionals read the reviews of their own work, newest first, with the job each one was for; other roles
    are refused."""
    user = require_professional(session, actor)
    size = validation.whole_number(limit, field='limit', label='Page size', minimum=1, maximum=MAX_PAGE)
    backward, position = (False, None) if cursor is None else cursors.decode(cursor)
    mine = Review.professional_id == user.id
    total, capped = cursors.count_capped(session, select(literal(1)).select_from(Review).where(mine))
    chosen = select(Review.created_at, Review.id).where(mine)  # the (professional_id, created_at) index
    if position is not None:
        chosen = chosen.where(cursors.after(Review.created_at, Review.id, position, descending=not backward))
    order = (Review.created_at.asc(), Review.id.asc()) if backward else (Review.created_at.desc(), Review.id.desc())
    found = session.execute(chosen.order_by(*order).limit(size + 1)).all()
    positions, previous_cursor, next_cursor = cursors.window(
        found, size=size, backward=backward, position=position, key_of=lambda item: (item[0], item[1])
    )
    rows = _review_rows(session, [review_id for _, review_id in positions])
    return ReviewPage(
        rows=tuple(rows[review_id] for _, review_id in positions),
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        total=total,
        total_capped=capped,
    )


def _review_rows(session: Session, ids: list[int]) -> dict[int, ReviewRow]:
    """The chosen page's reviews joined to their job and customer (only once the page is chosen)."""
    query = (
        select(Review, R.scheduled_at, Service.name.label('service_name'), User.name.label('customer_name'))
        .join(R, R.id == Review.request_id)
        .join(Service, Service.id == R.service_id)
        .join(User, User.id == Review.customer_id)
        .where(Review.id.in_(ids))
    )
    return {
        found[0].id: ReviewRow(
            id=found[0].id,
            request_id=found[0].request_id,
            service_name=found.service_name,
            scheduled_at=found.scheduled_at,
            customer_name=found.customer_name,
            rating=found[0].rating,
            remarks=found[0].remarks or '',
            created_at=found[0].created_at,
        )
        for found in session.execute(query)
    }


def _add_review(session: Session, row: Any, *, rating: int, remarks: str, now: datetime) -> None:
    """The review row and the professional's aggregate, updated in the database so concurrent reviews add up (on the
    unit's connection: nothing reads them back in this unit)."""
    review = {
        'request_id': row.id,
        'customer_id': row.customer_id,
        'professional_id': row.professional_id,
        'rating': rating,
        'remarks': remarks,
        'created_at': now,
    }
    connection = session.connection()
    try:
        connection.execute(ADD_REVIEW, review)
    except IntegrityError:  # the unit rolls back: the caller sees why
        raise Conflict('This request already has a review.') from None
    connection.execute(COUNT_RATING, {'professional': row.professional_id, 'rating': rating})


def _tell_professional(session: Session, row: Any, *, rating: int, now: datetime) -> None:
    message = f'You were rated {rating}/5 for the {rules.describe(session, row)}.'
    messaging.notify(session, row.professional_id, 'request.reviewed', message, request_id=row.id, now=now)


def _why_not_closable(session: Session, actor: Actor, request_id: Any) -> ServiceError:
    actors.require(session, actor, 'close', Role.CUSTOMER, request_id=request_id)
    status = _own_status(session, actor, request_id)
    if status is None:
        return actors.not_found(actor, 'close', request_id)
    if status is CLOSED:
        return InvalidTransition('This request is already closed.')
    return InvalidTransition('A request can be closed once the professional has marked it done.')


def _why_no_review(session: Session, actor: Actor, request_id: Any) -> ServiceError:
    status = _own_status(session, actor, request_id)
    if status is None:
        return actors.not_found(actor, 'review', request_id)
    if status is COMPLETED:
        return InvalidTransition('Close this request to rate it.')
    if status is not CLOSED:
        return InvalidTransition('A request can be rated once the professional has marked it done.')
    if session.scalar(select(Review.id).where(Review.request_id == request_id)) is not None:
        return Conflict('This request already has a review.')
    return InvalidTransition(f'Reviews can be posted within {get_settings().review_window_days} days of the job.')


def _own_status(session: Session, actor: Actor, request_id: Any) -> RequestStatus | None:
    if not rules.is_request_id(request_id):
        return None
    return session.scalar(select(R.service_status).where(R.id == request_id, R.customer_id == actor.id))


def _rating(value: Any) -> int:
    return validation.whole_number(value, field='rating', label='Rating', minimum=1, maximum=5)


def _remarks(value: Any) -> str:
    return validation.text(
        value, field='remarks', label='Remarks', max_length=MAX_REMARKS, required=False, multiline=True
    )


def _review_window() -> timedelta:
    return timedelta(days=get_settings().review_window_days)
