"""The report's unsubscribe link works without signing in, for the customer it was made for only, and changes
nothing when it is not genuine."""

from __future__ import annotations

import pytest

from models import User
from services import ValidationError, reports, session_scope
from services.core import signing
from tests.factories import make_approved_professional, make_customer


def token_of(customer_id: int) -> str:
    return reports.unsubscribe_url(customer_id).rsplit('/', 1)[1]


def opted_out(user_id: int) -> bool:
    with session_scope() as session:
        return session.get(User, user_id).report_opt_out_at is not None


def test_the_link_unsubscribes_its_customer_once_and_says_whose_it_was() -> None:
    customer, other = make_customer(email='asha@example.com'), make_customer()
    with session_scope() as session:
        assert reports.check_unsubscribe_link(session, token_of(customer.id)) == reports.Unsubscribed(
            'asha@example.com', already=False
        )
    assert not opted_out(customer.id)  # looking at the page changes nothing
    with session_scope(write=True) as session:
        assert reports.unsubscribe(session, token_of(customer.id)).already is False
    with session_scope(write=True) as session:
        assert reports.unsubscribe(session, token_of(customer.id)).already is True
    assert (opted_out(customer.id), opted_out(other.id)) == (True, False)


@pytest.mark.parametrize(
    'forge',
    [
        lambda t: t[:-1] + ('A' if t[-1] != 'A' else 'B'),  # one character of the signature changed
        lambda t: t.split('.')[0],  # no signature
        lambda t: str(int(t.split('.')[0]) + 1) + '.' + t.split('.')[1],  # someone else's id, this signature
        lambda t: signing.sign('unsubscribe:other-list', t.split('.')[0]),  # signed for another purpose
        lambda _: '',
        lambda _: 'x' * 500,
        lambda _: None,
    ],
)
def test_a_forged_or_cut_link_is_refused_and_changes_nothing(forge: object) -> None:
    customer, neighbour = make_customer(), make_customer()
    token = forge(token_of(customer.id))  # type: ignore[operator]
    with pytest.raises(ValidationError, match='not valid'), session_scope(write=True) as session:
        reports.unsubscribe(session, token)
    assert (opted_out(customer.id), opted_out(neighbour.id)) == (False, False)


def test_a_professionals_id_signed_correctly_is_still_no_customer() -> None:
    professional = make_approved_professional()
    with pytest.raises(ValidationError), session_scope(write=True) as session:
        reports.unsubscribe(session, token_of(professional.id))


def test_the_account_setting_turns_the_report_off_and_on() -> None:
    customer = make_customer()
    with session_scope(write=True) as session:
        reports.set_report_subscription(session, customer, subscribed=False)
    with session_scope() as session:
        assert reports.report_subscription(session, customer) is False
    with session_scope(write=True) as session:
        reports.set_report_subscription(session, customer, subscribed=True)
    assert not opted_out(customer.id)
    with pytest.raises(ValidationError), session_scope(write=True) as session:
        reports.set_report_subscription(session, customer, subscribed='no')
