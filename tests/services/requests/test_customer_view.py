from __future__ import annotations

from datetime import timedelta

import pytest

from services import InvalidTransition, NotFound, PermissionDenied, requests, session_scope
from services.requests import CustomerRequest
from services.requests.rules import local_label
from tests.factories import (
    ACTOR_KINDS,
    accept_request,
    book_request,
    complete_request,
    make_customer,
    slot,
)
from tests.services.request_support import NOW, make_market


def shown(customer, request_id: object, *, now=NOW) -> CustomerRequest:
    with session_scope() as session:
        return requests.get_customer_request(session, customer, request_id=request_id, now=now)


def test_a_new_request_can_be_edited_and_cancelled_any_time() -> None:
    market = make_market(name='Plumbing')
    request_id = book_request(market.customer, market.service.id, now=NOW)
    view = shown(market.customer, request_id)
    assert (view.request.id, view.request.service_name, view.timezone) == (request_id, 'Plumbing', 'Asia/Kolkata')
    assert [entry.what for entry in view.history] == ['Booked']
    choices = view.choices
    assert (choices.can_edit, choices.can_cancel, choices.can_close, choices.can_review) == (True, True, False, False)
    assert choices.cancel_until is None
    assert choices.cancel_rule.startswith('You can cancel at any time while nobody has accepted')
    assert 'until 24 hours before the slot' in choices.cancel_rule


def test_a_request_addressed_to_someone_says_they_are_told() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW, requested_professional_id=market.pro.id)
    assert f'{market.pro.name}, whom you asked for, is told.' in shown(market.customer, request_id).choices.cancel_rule


def test_an_accepted_request_can_be_cancelled_until_the_cut_off_and_no_longer_edited() -> None:
    market = make_market()
    at = slot(NOW, days=3)
    request_id = book_request(market.customer, market.service.id, now=NOW, at=at)
    accept_request(market.pro, request_id, now=NOW)
    choices = shown(market.customer, request_id).choices
    assert (choices.can_edit, choices.can_cancel) == (False, True)
    assert choices.cancel_until == at - timedelta(hours=24)
    assert choices.cancel_rule.startswith(f'{market.pro.name} has accepted. You can cancel until ')
    assert 'they are told, with your reason' in choices.cancel_rule

    late = shown(market.customer, request_id, now=at - timedelta(hours=23)).choices
    assert (late.can_edit, late.can_cancel) == (False, False)
    assert late.cancel_rule.startswith('It is too late to cancel here')
    assert late.cancel_rule.endswith(f'call {market.pro.name}.')
    assert local_label(choices.cancel_until) not in late.cancel_rule  # a past deadline is not offered


def test_a_request_booked_inside_the_cut_off_never_promises_a_cancel_after_acceptance() -> None:
    market = make_market()
    at = slot(NOW, days=0, index=-1)  # today's last slot: hours ahead, inside the 24-hour cut-off
    request_id = book_request(market.customer, market.service.id, now=NOW, at=at)
    requested = shown(market.customer, request_id).choices
    assert requested.can_cancel is True
    assert 'not once a professional accepts: the slot is less than 24 hours away.' in requested.cancel_rule
    assert 'until 24 hours before the slot' not in requested.cancel_rule
    accept_request(market.pro, request_id, now=NOW)
    accepted = shown(market.customer, request_id).choices
    assert accepted.can_cancel is False
    assert accepted.cancel_rule.startswith('It is too late to cancel here')
    assert local_label(accepted.cancel_until) not in accepted.cancel_rule


def test_the_booking_form_states_the_cancel_rule_of_the_chosen_slot() -> None:
    far = slot(NOW, days=3)
    assert requests.booking_cancel_rule(far, now=NOW) == (
        'You can cancel at any time until a professional accepts, and after that until '
        f'{local_label(far - timedelta(hours=24))} (24 hours before the slot).'
    )
    near = far - timedelta(hours=20)
    assert requests.booking_cancel_rule(near, now=far - timedelta(hours=30)) == (
        'This slot is less than 24 hours away: you can cancel it until a professional accepts, but not after that.'
    )


def test_the_choices_agree_with_the_cancel_rule_at_the_cut_off() -> None:
    market = make_market()
    at = slot(NOW, days=3)
    request_id = book_request(market.customer, market.service.id, now=NOW, at=at)
    accept_request(market.pro, request_id, now=NOW)
    cut_off = at - timedelta(hours=24)
    assert shown(market.customer, request_id, now=cut_off).choices.can_cancel is False
    with session_scope(write=True) as session, pytest.raises(InvalidTransition, match='too late'):
        requests.cancel(session, market.customer, request_id=request_id, reason='x', now=cut_off)


def test_a_request_whose_slot_started_can_no_longer_be_edited() -> None:
    market = make_market()
    at = slot(NOW)
    request_id = book_request(market.customer, market.service.id, now=NOW, at=at)
    choices = shown(market.customer, request_id, now=at).choices
    assert (choices.can_edit, choices.can_cancel) == (False, True)


def test_a_done_job_can_be_closed_then_reviewed_late_within_the_window() -> None:
    market = make_market()
    at = slot(NOW)
    request_id = book_request(market.customer, market.service.id, now=NOW, at=at)
    accept_request(market.pro, request_id, now=NOW)
    done = at + timedelta(hours=1)
    complete_request(market.pro, request_id, now=done)
    choices = shown(market.customer, request_id, now=done).choices
    assert (choices.can_close, choices.can_review, choices.can_cancel, choices.cancel_rule) == (True, False, False, '')
    assert choices.auto_close_days == 7

    with session_scope(write=True) as session:
        requests.auto_close_due(session, now=done + timedelta(days=8))
    later = shown(market.customer, request_id, now=done + timedelta(days=8)).choices
    assert (later.can_close, later.can_review, later.review_until) == (False, True, done + timedelta(days=30))
    assert shown(market.customer, request_id, now=done + timedelta(days=31)).choices.can_review is False


def test_a_reviewed_request_offers_nothing_more() -> None:
    market = make_market()
    at = slot(NOW)
    request_id = book_request(market.customer, market.service.id, now=NOW, at=at)
    accept_request(market.pro, request_id, now=NOW)
    complete_request(market.pro, request_id, now=at)
    with session_scope(write=True) as session:
        requests.close(session, market.customer, request_id=request_id, rating=5, now=at)
    choices = shown(market.customer, request_id, now=at).choices
    assert not (choices.can_edit or choices.can_cancel or choices.can_close or choices.can_review)
    assert choices.review_until is None


def test_someone_elses_request_looks_exactly_like_a_missing_one() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    with pytest.raises(NotFound) as other:
        shown(make_customer(), request_id)
    with pytest.raises(NotFound) as missing:
        shown(make_customer(), 999_999)
    with pytest.raises(NotFound):
        shown(make_customer(), 'abc')
    assert str(other.value) == str(missing.value) == 'That request does not exist.'


@pytest.mark.parametrize('kind', sorted(set(ACTOR_KINDS) - {'customer'}))
def test_only_customers_use_the_customer_view(kind: str) -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    with pytest.raises(PermissionDenied):
        shown(ACTOR_KINDS[kind](), request_id)


def test_the_professional_assigned_to_it_is_no_customer_either() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    accept_request(market.pro, request_id, now=NOW)
    with pytest.raises(PermissionDenied):
        shown(market.pro, request_id)


def test_the_history_of_a_new_slot_says_slot_once() -> None:
    market = make_market()
    request_id = book_request(market.customer, market.service.id, now=NOW)
    with session_scope(write=True) as session:
        requests.edit(
            session, market.customer, request_id=request_id, scheduled_at=slot(NOW, index=3), remarks='Ring', now=NOW
        )
    assert [entry.what for entry in shown(market.customer, request_id).history] == ['Booked', 'Changed: slot, remarks']
