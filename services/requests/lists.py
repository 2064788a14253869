"""What pages list and show about service requests: a professional's inbox and jobs, a customer's requests,
one request. Each row carries only the contact details its viewer may see (design.md §3 "Contact privacy");
lists are cursor-paginated (previous / next) by slot or booking time with the id as tie-break, and their count is
capped (design.md §7 "Lists")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, literal, select
from sqlalchemy.orm import Session, aliased

from models import Review, Service, ServiceRequest, User
from models.enums import RequestStatus, Role
from services.core import clock, cursors, validation
from services.core.errors import ValidationError
from services.core.rows import Actor
from services.requests import actors, filters, rules
from services.requests.rows import RequestPage, RequestRow

R = ServiceRequest
PAGE_SIZE, MAX_PAGE = 20, 100
# A name filter matching as many requests as the count's cap is read in the list's order, each row checked
# (filters.ListCriteria); up to the cap, sorting them from the person's covering index costs less (bench/README.md)
SCAN_FROM = cursors.COUNT_CAP
JOB_STATUSES = (RequestStatus.ASSIGNED, RequestStatus.COMPLETED, RequestStatus.CLOSED)


def list_inbox(
    session: Session, actor: Actor, *, cursor: Any = None, limit: Any = PAGE_SIZE, now: datetime | None = None
) -> RequestPage:
    """Approved professionals see the requests they could accept, soonest slot first: those addressed to them,
    and those open to all for their service in their pincodes that they have not declined. No address,
    customer name or phone before they accept."""
    user = actors.require_approved(session, actor, 'list_inbox')
    criteria = (rules.in_inbox_of(user, now or clock.now()),)
    return _page(session, user, criteria, R.scheduled_at, cursor=cursor, limit=limit)


def list_jobs(
    session: Session,
    actor: Actor,
    *,
    statuses: Any = JOB_STATUSES,
    newest_first: bool = False,
    cursor: Any = None,
    limit: Any = PAGE_SIZE,
) -> RequestPage:
    """Professionals see the jobs they accepted (assigned, completed, closed; or some of those) by slot."""
    user = actors.check(session, actor, 'list_jobs', Role.PROFESSIONAL)
    criteria = (R.professional_id == user.id, R.service_status.in_(_job_statuses(statuses)))
    return _page(session, user, criteria, R.scheduled_at, cursor=cursor, limit=limit, descending=newest_first)


def list_customer_requests(
    session: Session, actor: Actor, *, cursor: Any = None, limit: Any = PAGE_SIZE
) -> RequestPage:
    """Customers see their own requests, the most recently booked first."""
    user = actors.check(session, actor, 'list_customer_requests', Role.CUSTOMER)
    criteria = (R.customer_id == user.id,)
    return _page(session, user, criteria, R.date_of_request, cursor=cursor, limit=limit, descending=True)


def get_request(session: Session, actor: Actor, *, request_id: Any, now: datetime | None = None) -> RequestRow:
    """Its customer, its professional (or the one it is addressed to, or whose inbox holds it) and admins see a
    request; for anyone else it does not exist."""
    user = actors.require(session, actor, 'get_request', *Role, request_id=request_id)
    found = None
    if rules.is_request_id(request_id):
        query = ROWS.where(R.id == request_id, rules.visible_to(user, now or clock.now()))
        found = session.execute(query).one_or_none()
    if found is None:
        raise actors.not_found(actor, 'get_request', request_id)
    return _row(found, user)


def list_all_requests(
    session: Session,
    actor: Actor,
    *,
    status: Any = None,
    service_id: Any = None,
    pincode: Any = '',
    date_from: Any = None,
    date_to: Any = None,
    customer: Any = '',
    professional: Any = '',
    sort: Any = 'scheduled',
    cursor: Any = None,
    limit: Any = PAGE_SIZE,
) -> RequestPage:
    """Admins see every request, newest first by slot (`sort='scheduled'`) or by booking time (`'booked'`),
    filtered by status, service, pincode, local dates of that same time, and the customer's or professional's
    name or email (any part of it). Every filter is backed by an index."""
    user = actors.check(session, actor, 'list_all_requests', Role.ADMIN)
    key = filters.sort_key(sort)
    criteria = filters.list_criteria(
        session,
        key,
        status=status,
        service_id=service_id,
        pincode=pincode,
        date_from=date_from,
        date_to=date_to,
        customer=customer,
        professional=professional,
    )
    return _page(
        session, user, criteria.indexed, key, cursor=cursor, limit=limit, descending=True, scanned=criteria.scanned
    )


def longest_waiting(session: Session, criteria: tuple[Any, ...], limit: int) -> tuple[RequestRow, ...]:
    """The requests meeting `criteria`, booked longest ago first (the dashboard's waiting list)."""
    query = ROWS.where(*criteria).order_by(R.date_of_request, R.id).limit(limit)
    return tuple(_row(found, None) for found in session.execute(query).all())


# --- rows and privacy -------------------------------------------------------------------------------------------------

# Built once: aliasing User three times and joining five tables costs more than the SQL of a page (a profile of the
# admin's list found 14% of a call here). The page's ids are an expanding parameter, so the statement never changes.
_CUSTOMER, _PROFESSIONAL, _ADDRESSEE = (aliased(User, name=name) for name in ('customer', 'professional', 'addressee'))
ROWS = (
    select(
        R.id,
        R.service_id,
        R.customer_id,
        R.professional_id,
        R.requested_professional_id,
        R.service_status,
        R.date_of_request,
        R.scheduled_at,
        R.ends_at,
        R.time_required,
        R.price,
        R.address,
        R.pincode,
        R.remarks,
        R.date_of_completion,
        R.cancel_reason,
        R.updated_at,
        Service.name.label('service_name'),
        _CUSTOMER.name.label('customer_name'),
        _CUSTOMER.phone.label('customer_phone'),
        _PROFESSIONAL.name.label('professional_name'),
        _PROFESSIONAL.phone.label('professional_phone'),
        _ADDRESSEE.name.label('addressee_name'),
        Review.rating,
        Review.remarks.label('review_remarks'),
    )
    .join(Service, Service.id == R.service_id)
    .join(_CUSTOMER, _CUSTOMER.id == R.customer_id)
    .outerjoin(_PROFESSIONAL, _PROFESSIONAL.id == R.professional_id)
    .outerjoin(_ADDRESSEE, _ADDRESSEE.id == R.requested_professional_id)
    .outerjoin(Review, Review.request_id == R.id)
)
ROWS_BY_ID = ROWS.where(R.id.in_(bindparam('ids', expanding=True)))


def _row(found: Any, viewer: User | Actor | None) -> RequestRow:
    """The request as this viewer may see it: the customer's contact only for the customer, admins and the
    professional who accepted it; the professional's contact once someone accepted."""
    # unpacked in ROWS's order: reading 25 fields of a row by name costs as much again as building the RequestRow
    request_id, service_id, customer_id, professional_id, addressee_id, status = found[:6]
    date_of_request, scheduled_at, ends_at, time_required, price, address, pincode = found[6:13]
    remarks, date_of_completion, cancel_reason, updated_at, service_name, customer_name = found[13:19]
    customer_phone, professional_name, professional_phone = found[19:22]
    addressee_name, rating, review_remarks = found[22:]
    sees_customer = viewer is None or viewer.role is not Role.PROFESSIONAL or professional_id == viewer.id
    sees_addressee = viewer is None or viewer.role is not Role.PROFESSIONAL or viewer.id == addressee_id
    return RequestRow(
        id=request_id,
        service_id=service_id,
        service_name=service_name,
        status=status,
        date_of_request=date_of_request,
        scheduled_at=scheduled_at,
        ends_at=ends_at,
        time_required=time_required,
        price=price,
        pincode=pincode,
        remarks=remarks,
        contact_visible=sees_customer,  # the operator, admins, the customer, and the professional who accepted it
        address=address if sees_customer else '',
        customer_name=customer_name if sees_customer else '',
        customer_phone=(customer_phone or '') if sees_customer else '',
        professional_id=professional_id,
        professional_name=professional_name or '',
        professional_phone=professional_phone or '',
        requested_professional_id=addressee_id if sees_addressee else None,
        requested_professional_name=(addressee_name or '') if sees_addressee else '',
        date_of_completion=date_of_completion,
        cancel_reason=cancel_reason or '',
        rating=rating,
        review_remarks=review_remarks or '',
        updated_at=updated_at,
        customer_id=customer_id if sees_customer else None,
    )


# --- cursor pagination (services/core/cursors.py) ----------------------------------------------------------------


def _page(
    session: Session,
    viewer: User | Actor | None,
    criteria: tuple[Any, ...],
    key: Any,
    *,
    cursor: Any,
    limit: Any,
    descending: bool = False,
    scanned: tuple[Any, ...] | None = None,
) -> RequestPage:
    """One page ordered by (key, id) by keyset (no OFFSET); a previous page is fetched in reverse order. The page is
    chosen on service_request alone and only its rows are joined to names and reviews: joining first would join
    every matching row before sorting (a filter matching 25,000 requests took 120 ms that way). With a name filter
    (`scanned`, filters.ListCriteria) the count comes first and chooses how the page is read. The statements go
    through the session's connection: they select columns, so the ORM's result machinery would only add time (about
    a tenth of a page), and a list flushes nothing."""
    size = validation.whole_number(limit, field='limit', label='Page size', minimum=1, maximum=MAX_PAGE)
    backward, position = (False, None) if cursor is None else cursors.decode(cursor)
    connection = session.connection()
    counted = None
    if scanned is not None:
        counted = total, capped = cursors.count_capped(connection, select(literal(1)).select_from(R).where(*criteria))
        criteria = scanned if capped or total >= SCAN_FROM else criteria
    found = connection.execute(_chosen(criteria, key, size, position, descending != backward)).all()
    if counted is None and position is None and len(found) <= size:
        counted = len(found), False  # the whole list is on this page: nothing more to count
    total, capped = counted or cursors.count_capped(connection, select(literal(1)).select_from(R).where(*criteria))
    positions, previous_cursor, next_cursor = cursors.window(
        found, size=size, backward=backward, position=position, key_of=lambda item: (item[0], item[1])
    )
    ids = [request_id for _, request_id in positions]
    full = {item[0]: item for item in connection.execute(ROWS_BY_ID, {'ids': ids}).all()} if ids else {}
    return RequestPage(
        rows=tuple(_row(full[request_id], viewer) for request_id in ids),
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        total=total,
        total_capped=capped,
    )


def _chosen(criteria: tuple[Any, ...], key: Any, size: int, position: Any, reverse: bool) -> Any:
    """(key, id) of the page's rows and the one after, in the order fetched (`reverse`: newest first)."""
    chosen = select(key, R.id).where(*criteria)
    if position is not None:
        chosen = chosen.where(cursors.after(key, R.id, position, descending=reverse))
    order = (key.desc(), R.id.desc()) if reverse else (key.asc(), R.id.asc())
    return chosen.order_by(*order).limit(size + 1)


def _job_statuses(statuses: Any) -> tuple[RequestStatus, ...]:
    if isinstance(statuses, str) or not isinstance(statuses, list | tuple | set | frozenset) or not statuses:
        statuses = [statuses]
    if not all(status in JOB_STATUSES for status in statuses):
        raise ValidationError('Choose statuses from assigned, completed and closed.', field='statuses')
    return tuple(RequestStatus(status) for status in statuses)
