"""Issue 18: remarks, reviews and reasons keep any direction marks typed into them, and are shown as bidi isolates
(like HTML's <bdi>), so a right-to-left override in them cannot reorder what follows on the page."""

from __future__ import annotations

from datetime import timedelta

from nicegui import ui
from nicegui.testing import User

from services import clock, requests, session_scope
from tests.factories import (
    accept_request,
    book_request,
    complete_request,
    make_approved_professional,
    make_customer,
    make_service,
    slot,
)
from tests.pages.support import PATIENCE, open_as
from tests.services.request_support import stored

OVERRIDE = 'Gate code \u202e4321 then call'


def shown_as_isolate(user: User, text: str) -> None:
    """Every label ending in `text` (nothing of ours follows it inside) is an isolate."""
    shown = [label for label in user.find(kind=ui.label, content=text).elements if label.text.endswith(text)]
    assert shown
    assert [(label.props.get('dir'), label.style.get('unicode-bidi')) for label in shown] == [
        ('auto', 'isolate')
    ] * len(shown)


async def test_a_requests_remarks_and_cancel_reason_are_kept_as_typed_and_shown_isolated(user: User) -> None:
    now = clock.now()
    service, customer = make_service(), make_customer()
    request_id = book_request(customer, service.id, now=now, at=slot(now, days=3), remarks=OVERRIDE)
    with session_scope(write=True) as session:
        requests.cancel(session, customer, request_id=request_id, reason='Moved \u202eyadnoM', now=now)
    assert stored(request_id).remarks == OVERRIDE  # free text keeps what was typed

    await open_as(user, customer, f'/customer/requests/{request_id}', 'request-summary')
    await user.should_see(OVERRIDE, retries=PATIENCE)
    shown_as_isolate(user, OVERRIDE)
    shown_as_isolate(user, 'Moved \u202eyadnoM')


async def test_a_review_is_shown_isolated_to_the_professional_it_reviews(user: User) -> None:
    past = clock.now() - timedelta(days=3)
    service, customer = make_service(), make_customer()
    pro = make_approved_professional(service_id=service.id)
    at = slot(past, days=1)
    request_id = book_request(customer, service.id, now=past, at=at)
    accept_request(pro, request_id, now=past)
    complete_request(pro, request_id, now=at + timedelta(hours=1))
    with session_scope(write=True) as session:
        requests.close(
            session, customer, request_id=request_id, rating=2, remarks=OVERRIDE, now=at + timedelta(hours=2)
        )

    await open_as(user, pro, '/professional/reviews', 'rating-summary')
    await user.should_see(OVERRIDE, retries=PATIENCE)
    shown_as_isolate(user, OVERRIDE)
