"""One of a customer's requests as their page shows it: the request, its history, and what they may do with it now
(edit, cancel and until when, close with a review, a late review), with the cancel rule in words. The transitions
themselves (bookings.py, cancelling.py, reviews.py) check every rule again."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from models.enums import RequestStatus, Role
from services.core import clock
from services.core.rows import Actor
from services.requests import actors, lists, rules
from services.requests.history import request_history
from services.requests.rows import CustomerChoices, CustomerRequest, RequestRow


def get_customer_request(
    session: Session, actor: Actor, *, request_id: Any, now: datetime | None = None
) -> CustomerRequest:
    """Customers see one of their own requests with its history and their choices; anyone else's does not exist."""
    actors.require(session, actor, 'get_customer_request', Role.CUSTOMER, request_id=request_id)
    now = now or clock.now()
    request = lists.get_request(session, actor, request_id=request_id, now=now)
    history = request_history(session, actor, request_id=request.id, now=now)
    return CustomerRequest(request, history, customer_choices(request, now=now), rules.policy().timezone)


def customer_choices(request: RequestRow, *, now: datetime | None = None) -> CustomerChoices:
    """What the customer may do now: edit while nobody accepted and the slot is ahead; cancel any time while
    requested, once accepted until `cancel_cutoff_hours` before the slot; close a done job with a review; review a
    job closed without one within `review_window_days` of its completion."""
    now, policy = now or clock.now(), rules.policy()
    status = request.status
    cancel_until = request.scheduled_at - rules.cancel_cutoff() if status is RequestStatus.ASSIGNED else None
    done = request.date_of_completion
    review_until = done + timedelta(days=policy.review_window_days) if done and request.rating is None else None
    return CustomerChoices(
        can_edit=status is RequestStatus.REQUESTED and request.professional_id is None and request.scheduled_at > now,
        can_cancel=status is RequestStatus.REQUESTED or (cancel_until is not None and now < cancel_until),
        cancel_rule=_cancel_rule(request, cancel_until, now=now),
        cancel_until=cancel_until,
        can_close=status is RequestStatus.COMPLETED,
        can_review=status is RequestStatus.CLOSED and review_until is not None and now <= review_until,
        review_until=review_until,
        auto_close_days=policy.auto_close_days,
    )


def booking_cancel_rule(scheduled_at: datetime, *, now: datetime | None = None) -> str:
    """The cancel rule for a slot, in words, said on the booking form before the customer confirms it."""
    now, hours = now or clock.now(), rules.policy().cancel_cutoff_hours
    cut_off = scheduled_at - rules.cancel_cutoff()
    if now < cut_off:
        return (
            f'You can cancel at any time until a professional accepts, and after that until '
            f'{rules.local_label(cut_off)} ({hours} hours before the slot).'
        )
    return (
        f'This slot is less than {hours} hours away: you can cancel it until a professional accepts, '
        f'but not after that.'
    )


def _cancel_rule(request: RequestRow, cancel_until: datetime | None, *, now: datetime) -> str:
    """The cancel rule for the request's state and what cancelling does, in words; a deadline already past is never
    shown as if it were still open."""
    hours = rules.policy().cancel_cutoff_hours
    if request.status is RequestStatus.REQUESTED:
        told = (
            f' {request.requested_professional_name}, whom you asked for, is told.'
            if request.requested_professional_name
            else ''
        )
        after = (
            f'once a professional accepts, until {hours} hours before the slot.'
            if now < request.scheduled_at - rules.cancel_cutoff()
            else f'not once a professional accepts: the slot is less than {hours} hours away.'
        )
        return (
            f'You can cancel at any time while nobody has accepted, but {after}{told} '
            'Cancelling cannot be undone: book again if you need it later.'
        )
    if request.status is RequestStatus.ASSIGNED and cancel_until is not None:
        who = request.professional_name or 'The professional'
        if now < cancel_until:
            return (
                f'{who} has accepted. You can cancel until {rules.local_label(cancel_until)} ({hours} hours before '
                f'the slot); they are told, with your reason. Cancelling cannot be undone.'
            )
        return (
            f'It is too late to cancel here: an accepted request can be cancelled up to {hours} hours before its '
            f'slot, and this one is less than {hours} hours away. If your plans change, call {who}.'
        )
    return ''
