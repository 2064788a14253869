"""Booking a service request and changing it before anyone accepts it (design.md §3 "book" and "edit"): the
slot grid, the price and time copied from the service, the address defaulting to the customer's profile, and
requests addressed to one professional."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CustomerProfile, Service, ServiceRequest, User
from models.enums import RequestStatus, Role
from services import messaging
from services.core import clock, validation
from services.core.errors import Conflict, InvalidTransition, ServiceError, ValidationError
from services.core.rows import Actor
from services.requests import rules, slots

R = ServiceRequest
REQUESTED, ASSIGNED = RequestStatus.REQUESTED, RequestStatus.ASSIGNED
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
    now: datetime | None = None,
) -> int:
    """Customers book an active service in a free slot of the grid, at their profile's address unless they
    give another; optionally addressed to one professional who takes that service in that pincode."""
    user = rules.require(session, actor, 'book', Role.CUSTOMER)
    now = now or clock.now()
    rules.lock_user(session, user.id, shared=True)  # PostgreSQL: a block waits for this booking, then cancels it
    service = _bookable_service(session, service_id)
    ends_at = slots.check_slot(scheduled_at, service.time_required, now=now)
    place = _place(user.customer_profile, address=address, pincode=pincode)
    addressee = _addressee(session, requested_professional_id, service_id=service.id, pincode=place['pincode'])
    request = ServiceRequest(
        service_id=service.id,
        customer_id=user.id,
        requested_professional_id=addressee,
        service_status=REQUESTED,
        date_of_request=now,
        scheduled_at=scheduled_at.astimezone(UTC),
        ends_at=ends_at,
        time_required=service.time_required,
        price=service.base_price,
        remarks=_remarks(remarks),
        updated_at=now,
        **place,
    )
    session.add(request)
    session.flush()
    rules.announce(session, actor, 'book', request, source=None, target=REQUESTED, now=now)
    if addressee is not None:
        message = f'A customer asked for you: {rules.describe(session, request)}.'  # no name before accepting
        messaging.notify(session, addressee, 'request.addressed', message, request_id=request.id, now=now)
    return request.id


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
    rules.require(session, actor, 'edit', Role.CUSTOMER, request_id=request_id)
    now = now or clock.now()
    unknown = changes.keys() - set(EDITABLE)
    if unknown:
        raise ValidationError(f'These fields cannot be edited: {", ".join(sorted(unknown))}.')
    current = _own_request(session, actor, 'edit', request_id)
    after = _edited(current, changes, now=now)
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


# --- helpers ----------------------------------------------------------------------------------------------------------


def _bookable_service(session: Session, service_id: Any) -> Service:
    service = None
    if validation.is_id(service_id, Service.id):
        query = select(Service).where(Service.id == service_id, Service.is_active.is_(True))
        service = session.scalars(query.with_for_update(read=True)).one_or_none()  # a retirement waits for us
    if service is None:
        raise ValidationError('Choose a service from the list.', field='service_id')
    return service


def _place(profile: CustomerProfile | None, *, address: Any, pincode: Any) -> dict[str, str]:
    """The address and pincode given, each defaulting to the customer's profile when left out."""
    return {
        'address': _address(_given(address, default=profile.address if profile else '')),
        'pincode': validation.pincode(_given(pincode, default=profile.pincode if profile else '')),
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
        rules.lock_user(session, professional_id, shared=True)  # a block waits for us, then opens the request
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
        raise rules.not_found(actor, action, request_id)
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
        return Conflict('This request changed a moment ago. Reload it and try again.')
    if status is ASSIGNED:
        return InvalidTransition('A professional has accepted this request, so it can no longer be edited.')
    if status is REQUESTED and starts <= now:
        return InvalidTransition('The time slot of this request has started, so it can no longer be edited.')
    return InvalidTransition('This request can no longer be edited.')
