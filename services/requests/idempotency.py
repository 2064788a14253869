"""Booking once per Idempotency-Key: a client that retries a booking (its answer was lost on the way) sends the same
key, and gets the request its first try made instead of a second booking. The key is the customer's own; it is
remembered for a day, and refused for a booking of other fields (the first one still stands)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import IdempotentBooking
from models.enums import Role
from services.core import clock, validation
from services.core.errors import ValidationError
from services.core.rows import Actor
from services.requests import actors, bookings

KEPT = timedelta(hours=24)  # as long as Stripe's: a retry comes within minutes, a day covers a client down overnight
MAX_KEY = 200


class Booked(NamedTuple):
    request_id: int
    replayed: bool  # True: this key booked it before; nothing new was booked


def book_once(
    session: Session,
    actor: Actor,
    *,
    key: Any,
    service_id: Any,
    scheduled_at: Any,
    address: Any = None,
    pincode: Any = None,
    remarks: Any = '',
    requested_professional_id: Any = None,
    phone: Any = None,
    now: datetime | None = None,
) -> Booked:
    """`book(...)` unless this customer booked with `key` in the last day: then that request, untouched."""
    user = actors.require(session, actor, 'book', Role.CUSTOMER)
    key = validation.text(key, field='idempotency_key', label='Idempotency-Key', max_length=MAX_KEY)
    now = now or clock.now()
    fields = {
        'service_id': service_id,
        'scheduled_at': scheduled_at,
        'address': address,
        'pincode': pincode,
        'remarks': remarks,
        'requested_professional_id': requested_professional_id,
        'phone': phone,
    }
    actors.lock_user(session, user.id)  # two tries at once: the second waits and finds the first's row
    fingerprint = _fingerprint(fields)
    found = session.scalar(
        select(IdempotentBooking).where(IdempotentBooking.user_id == user.id, IdempotentBooking.key == key)
    )
    if found is not None and found.created_at > now - KEPT:
        if found.fingerprint != fingerprint:
            raise ValidationError(
                'This Idempotency-Key was used for another booking. Use a new key for a new booking.',
                field='idempotency_key',
            )
        return Booked(found.request_id, replayed=True)
    if found is not None:  # a day old: the key is free again
        session.execute(delete(IdempotentBooking).where(IdempotentBooking.id == found.id))
    request_id = bookings.book(session, actor, now=now, **fields)
    session.add(
        IdempotentBooking(user_id=user.id, key=key, fingerprint=fingerprint, request_id=request_id, created_at=now)
    )
    return Booked(request_id, replayed=False)


def _fingerprint(fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode('utf-8')).hexdigest()
