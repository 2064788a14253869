"""Booking a service request and changing it before anyone accepts it (design.md §3 "book" and "edit"): the
slot grid, the price and time copied from the service, the address defaulting to the customer's profile, and
requests addressed to one professional."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import Row, and_, bindparam, insert, select
from sqlalchemy.orm import Session

from models import CustomerProfile, Service, ServiceRequest, User
from models.db import is_sqlite
from models.enums import RequestStatus, Role
from services import messaging
from services.core import clock, validation
from services.core.errors import AlreadyBooked, InvalidTransition, ServiceError, StaleEdit, ValidationError
from services.core.rows import Actor
from services.requests import actors, customer_phone, rules, slots

R = ServiceRequest
REQUESTED, ASSIGNED = RequestStatus.REQUESTED, RequestStatus.ASSIGNED
INSERT = insert(ServiceRequest).returning(ServiceRequest.id)
BOOKING_FACTS = (
    select(
        Service.id,
        Service.time_required,
        Service.base_price,
        Service.name,
        CustomerProfile.address,
        CustomerProfile.pincode,
    )
    .select_from(Service)
    .join(User, and_(User.role == Role.CUSTOMER, User.is_blocked.is_(False)))
    .outerjoin(CustomerProfile, CustomerProfile.user_id == User.id)
    .where(Service.is_active.is_(True))
)
# The customer's open request (requested or assigned) for that service at that start: read through the index
# (customer_id, service_status, scheduled_at); built once, like INSERT
SAME_BOOKING = (
    select(R.id)
    .where(
        R.customer_id == bindparam('customer'),
        R.service_status.in_((REQUESTED, ASSIGNED)),
        R.scheduled_at == bindparam('at', type_=R.scheduled_at.type),
        R.service_id == bindparam('service'),
        R.id != bindparam('other_than'),
    )
    .order_by(R.id)
    .limit(1)
)
EDITABLE = ('scheduled_at', 'address', 'pincode', 'remarks')
MAX_ADDRESS, MAX_REMARKS = 300, 1000


def book(
    session: Session,
    actor: Actor,
    *,
    service_id: Any,
    scheduled_at: Any,
    address: Any = None,
    pincode: Any = None,
    remarks: Any = '',
    requested_professional_id: Any = None,
    phone: Any = None,
    now: datetime | None = None,
) -> int:
    """Customers book an active service in a free slot of the grid, at their profile's address unless they
    give another; optionally addressed to one professional who takes that service in that pincode. The same
    service at the same start twice, while the first is open, is refused with a link to the first. A customer with
    no phone on file may give one (the booking form asks for it): it is saved to their profile with the booking."""
    actors.acting(actor, 'book', Role.CUSTOMER)
    now = now or clock.now()
    # PostgreSQL: a block waits for this booking, then cancels it; and the customer's bookings run one at a time, so
    # two identical ones at once cannot both miss each other (SQLite's write units are serialized already)
    actors.lock_user(session, actor.id)
    found = _booking_facts(session, actor, service_id)
    ends_at = slots.check_slot(scheduled_at, found.time_required, now=now)
    place = _place(found, address=address, pincode=pincode)
    new_phone = customer_phone.phone_to_save(session, actor.id, phone)
    addressee = _addressee(session, requested_professional_id, service_id=found.id, pincode=place['pincode'])
    request = {
        'service_id': found.id,
        'customer_id': actor.id,
        'requested_professional_id': addressee,
        'service_status': REQUESTED,
        'date_of_request': now,
        'scheduled_at': scheduled_at.astimezone(UTC),
        'ends_at': ends_at,
        'time_required': found.time_required,
        'price': found.base_price,
        'remarks': _remarks(remarks),
        'updated_at': now,
        **place,
    }
    _refuse_same_booking(session, actor.id, service_id=found.id, scheduled_at=request['scheduled_at'])
    if new_phone:
        customer_phone.save_phone(session, actor.id, new_phone)
    session.flush()
    request_id = session.connection().execute(INSERT, request).scalar_one()
    booked = Booked(request_id, found.id, actor.id, None, addressee, request['scheduled_at'], found.name)
    rules.announce(session, actor, 'book', booked, source=None, target=REQUESTED, now=now)
    if addressee is not None:
        message = f'A customer asked for you: {rules.describe(session, booked)}.'  # no name before accepting
        messaging.notify(session, addressee, 'request.addressed', message, request_id=booked.id, now=now)
    return booked.id


def edit(
    session: Session,
    actor: Actor,
    *,
    request_id: Any,
    seen_updated_at: datetime | None = None,
    now: datetime | None = None,
    **changes: Any,
) -> None:
    """Customers change the slot, address, pincode or remarks of their own request while nobody has accepted
    it and its slot has not started. One conditional UPDATE: an accept a moment earlier makes it change
    nothing. Passing the `updated_at` they were shown refuses overwriting a change made since."""
    actors.require(session, actor, 'edit', Role.CUSTOMER, request_id=request_id)
    now = now or clock.now()
    unknown = changes.keys() - set(EDITABLE)
    if unknown:
        raise ValidationError(f'These fields cannot be edited: {", ".join(sorted(unknown))}.')
    current = _own_request(session, actor, 'edit', request_id)
    after = _edited(current, changes, now=now)
    if 'scheduled_at' in after:  # moved onto the start of another of their open requests for this service
        actors.lock_user(session, actor.id)
        _refuse_same_booking(
            session, actor.id, service_id=current.service_id, scheduled_at=after['scheduled_at'], other_than=current.id
        )
    _refuse_addressee_elsewhere(session, current, after)
    changed = {key: [_plain(getattr(current, key)), _plain(value)] for key, value in after.items()}
    if not after:  # nothing to change, but a request that is no longer editable still says so
        if not rules.holds(session, R.id == current.id, *_editable(actor.id, now)):
            raise _why_not_editable(session, current.id, now)
        return
    fresh = rules.unchanged_since(seen_updated_at)
    row = rules.claim(session, current.id, *_editable(actor.id, now), fresh, **after, updated_at=now)
    if row is None:
        raise _why_not_editable(session, current.id, now, fresh)
    rules.announce(session, actor, 'edit', row, source=REQUESTED, target=REQUESTED, now=now, changed=changed)
    if row.requested_professional_id is not None:
        message = f'The customer changed the {rules.describe(session, row)} they asked you for.'
        messaging.notify(session, row.requested_professional_id, 'request.edited', message, request_id=row.id, now=now)


class Booked(NamedTuple):
    """A new request as announced: the fields CHANGED hands back for the other transitions."""

    id: int
    service_id: int
    customer_id: int
    professional_id: int | None
    requested_professional_id: int | None
    scheduled_at: datetime
    service_name: str


# --- helpers ----------------------------------------------------------------------------------------------------------


def _booking_facts(session: Session, actor: Actor, service_id: Any) -> Row[Any]:
    """In one statement: the active service (its price, duration and name) and the acting customer's profile
    address, the customer's row still unblocked. Nothing found is explained: PermissionDenied for the customer,
    else the service to choose."""
    found = None
    if validation.is_id(service_id, Service.id):
        query = BOOKING_FACTS.where(Service.id == service_id, User.id == actor.id)
        if not is_sqlite(session):
            query = query.with_for_update(read=True, of=Service)  # a retirement waits for us
        found = session.execute(query).one_or_none()
    if found is None:
        actors.require(session, actor, 'book', Role.CUSTOMER)
        raise ValidationError('Choose a service from the list.', field='service_id')
    return found


def _refuse_same_booking(
    session: Session, customer_id: int, *, service_id: int, scheduled_at: datetime, other_than: int = 0
) -> None:
    """A customer's open request for this service at this start (other than `other_than`) makes another one a
    duplicate: refused, naming the first so that the page can link it."""
    values = {'customer': customer_id, 'service': service_id, 'at': scheduled_at, 'other_than': other_than}
    existing = session.connection().execute(SAME_BOOKING, values).scalar()
    if existing is not None:
        raise AlreadyBooked(existing)


def _place(profile: Any, *, address: Any, pincode: Any) -> dict[str, str]:
    """The address and pincode given, each defaulting to the customer's profile when left out."""
    return {
        'address': _address(_given(address, default=profile.address or '')),
        'pincode': validation.pincode(_given(pincode, default=profile.pincode or '')),
    }


def _given(value: Any, *, default: Any = None) -> Any:
    """The value, unless it was left out (None or blank text)."""
    return default if value is None or (isinstance(value, str) and not value.strip()) else value


def _address(value: Any) -> str:
    return validation.text(value, field='address', label='Address', max_length=MAX_ADDRESS, multiline=True)


def _remarks(value: Any) -> str:
    return validation.text(
        value, field='remarks', label='Remarks', max_length=MAX_REMARKS, required=False, multiline=True
    )


def _addressee(session: Session, professional_id: Any, *, service_id: int, pincode: str) -> int | None:
    """The professional a booking is addressed to: approved, unblocked, of that service, serving that pincode."""
    if professional_id is None:
        return None
    if validation.is_id(professional_id, User.id):
        actors.lock_user(session, professional_id, shared=True)  # a block waits for us, then opens the request
        if session.scalar(select(rules.qualified(professional_id, service_id=service_id, pincode=pincode))):
            return professional_id
    raise ValidationError(
        'That professional does not take this service in this pincode. Choose another.',
        field='requested_professional_id',
    )


def _own_request(session: Session, actor: Actor, action: str, request_id: Any) -> ServiceRequest:
    request = None
    if rules.is_request_id(request_id):
        request = session.scalars(select(R).where(R.id == request_id, R.customer_id == actor.id)).one_or_none()
    if request is None:
        raise actors.not_found(actor, action, request_id)
    return request


def _edited(current: ServiceRequest, changes: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """The validated new values that differ from the current ones."""
    after: dict[str, Any] = {}
    if changes.get('scheduled_at') is not None:
        after['ends_at'] = slots.check_slot(changes['scheduled_at'], current.time_required, now=now)
        after['scheduled_at'] = changes['scheduled_at'].astimezone(UTC)
    if _given(changes.get('address')) is not None:
        after['address'] = _address(changes['address'])
    if _given(changes.get('pincode')) is not None:
        after['pincode'] = validation.pincode(changes['pincode'])
    if changes.get('remarks') is not None:
        after['remarks'] = _remarks(changes['remarks'])
    return {key: value for key, value in after.items() if getattr(current, key) != value}


def _refuse_addressee_elsewhere(session: Session, current: ServiceRequest, after: dict[str, Any]) -> None:
    addressee = current.requested_professional_id
    if addressee is None or 'pincode' not in after:
        return
    if not session.scalar(select(rules.qualified(addressee, service_id=current.service_id, pincode=after['pincode']))):
        raise ValidationError(
            'The professional you chose does not serve that pincode. Book a new request instead.', field='pincode'
        )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _editable(customer_id: int, now: datetime) -> tuple[Any, ...]:
    """Their own, requested, nobody accepted it, and its slot has not started."""
    return (
        R.customer_id == customer_id,
        R.service_status == REQUESTED,
        R.professional_id.is_(None),
        R.scheduled_at > now,
    )


def _why_not_editable(session: Session, request_id: int, now: datetime, fresh: Any = None) -> ServiceError:
    status, starts = session.execute(select(R.service_status, R.scheduled_at).where(R.id == request_id)).one()
    if (
        status is REQUESTED
        and starts > now
        and fresh is not None
        and not rules.holds(session, R.id == request_id, fresh)
    ):
        return StaleEdit('This request changed a moment ago. Reload it and try again.')
    if status is ASSIGNED:
        return InvalidTransition('A professional has accepted this request, so it can no longer be edited.')
    if status is REQUESTED and starts <= now:
        return InvalidTransition('The time slot of this request has started, so it can no longer be edited.')
    return InvalidTransition('This request can no longer be edited.')
