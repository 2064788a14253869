"""Ids are checked against the range of the column they are compared with, on every engine, before a query runs:
PostgreSQL's INTEGER is 32-bit, so 2**31 must be a refusal there (not a DataError), exactly as on SQLite."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import BigInteger, Column, Integer, SmallInteger

from models import Service, ServiceRequest
from services import (
    NotFound,
    ServiceError,
    ValidationError,
    audit,
    catalog,
    identity,
    messaging,
    people,
    requests,
    session_scope,
)
from services.core import validation
from tests.factories import make_admin, make_approved_professional, make_customer, make_service, slot
from tests.services.request_support import NOW

JUST_PAST_INTEGER = 2**31  # the smallest id an INTEGER column cannot hold on PostgreSQL


@pytest.mark.parametrize(
    ('column', 'largest'),
    [(Column(SmallInteger), 2**15 - 1), (Column(Integer), 2**31 - 1), (Column(BigInteger), 2**63 - 1)],
)
def test_an_id_fits_the_column_it_is_compared_with(column: Column[int], largest: int) -> None:
    assert validation.is_id(largest, column)
    assert not validation.is_id(largest + 1, column)


@pytest.mark.parametrize('value', [0, -1, True, 1.0, '1', None, [1]])
def test_only_positive_whole_ints_are_ids(value: Any) -> None:
    assert not validation.is_id(value, ServiceRequest.id)


def test_every_id_column_of_the_schema_is_one_the_converter_knows() -> None:
    assert validation.largest_value_of(Service.id) == 2**31 - 1
    assert validation.largest_value_of(ServiceRequest.customer_id) == 2**31 - 1


# Each case: what an admin or a customer asks with an id no row can have; the answer is a refusal, never a crash.
ASKED_BY_ADMIN: dict[str, Callable[..., Any]] = {
    'get_request': lambda s, a, i: requests.get_request(s, a, request_id=i),
    'admin_cancel': lambda s, a, i: requests.admin_cancel(s, a, request_id=i, reason='Duplicate'),
    'request_history': lambda s, a, i: requests.request_history(s, a, request_id=i),
    'list_all_requests by service': lambda s, a, i: requests.list_all_requests(s, a, service_id=i),
    'list_all_requests by cursor': lambda s, a, i: requests.list_all_requests(s, a, cursor=f'n1.{i}'),
    'get_professional': lambda s, a, i: people.get_professional(s, a, professional_id=i),
    'approve': lambda s, a, i: people.approve(s, a, professional_id=i),
    'reject': lambda s, a, i: people.reject(s, a, professional_id=i, reason='Unreadable ID'),
    'block_user': lambda s, a, i: people.block_user(s, a, user_id=i, reason='Fraud'),
    'unblock_user': lambda s, a, i: people.unblock_user(s, a, user_id=i),
    'get_user': lambda s, a, i: people.get_user(s, a, user_id=i),
    'list_users by service': lambda s, a, i: people.list_users(s, a, service_id=i),
    'list_users by cursor': lambda s, a, i: people.list_users(s, a, cursor=f'n1.{i}'),
    'list_documents': lambda s, a, i: people.list_documents(s, a, professional_id=i),
    'open_document': lambda s, a, i: people.open_document(s, a, document_id=i),
    'get_service': lambda s, a, i: catalog.get_service(s, service_id=i),
    'edit_service': lambda s, a, i: catalog.edit_service(s, a, service_id=i, name='Tiling'),
    'retire_service': lambda s, a, i: catalog.retire_service(s, a, service_id=i),
    'get_overview': lambda s, a, i: catalog.get_overview(s, a, service_id=i),
    'audit by target': lambda s, a, i: audit.list_events(s, a, target_type='service_request', target_id=i),
    'audit by cursor': lambda s, a, i: audit.list_events(s, a, cursor=f'n1.{i}'),
    'mark_read': lambda s, a, i: messaging.mark_read(s, a, notification_id=i),
    'sign_out_session': lambda s, a, i: identity.sign_out_session(s, a, session_id=i),
}
ASKED_BY_CUSTOMER: dict[str, Callable[..., Any]] = {
    'book a service': lambda s, a, i: requests.book(
        s, a, service_id=i, scheduled_at=slot(NOW), address='1 MG Road', pincode='560001', now=NOW
    ),
    'book with a professional': lambda s, a, i: requests.book(
        s,
        a,
        service_id=make_service().id,
        scheduled_at=slot(NOW),
        address='1 MG Road',
        pincode='560001',
        requested_professional_id=i,
        now=NOW,
    ),
    'edit': lambda s, a, i: requests.edit(s, a, request_id=i, remarks='Ring twice', now=NOW),
    'cancel': lambda s, a, i: requests.cancel(s, a, request_id=i, reason='Not needed', now=NOW),
    'close': lambda s, a, i: requests.close(s, a, request_id=i, rating=5, now=NOW),
    'review': lambda s, a, i: requests.review(s, a, request_id=i, rating=5, now=NOW),
    'get_customer_request': lambda s, a, i: requests.get_customer_request(s, a, request_id=i, now=NOW),
    'list_customer_requests by cursor': lambda s, a, i: requests.list_customer_requests(s, a, cursor=f'n1.{i}'),
}

ASKED_BY_PROFESSIONAL: dict[str, Callable[..., Any]] = {
    'accept': lambda s, a, i: requests.accept(s, a, request_id=i, now=NOW),
    'decline': lambda s, a, i: requests.decline(s, a, request_id=i, now=NOW),
    'withdraw': lambda s, a, i: requests.withdraw(s, a, request_id=i, reason='Ill', now=NOW),
    'complete': lambda s, a, i: requests.complete(s, a, request_id=i, now=NOW),
    'list_inbox by cursor': lambda s, a, i: requests.list_inbox(s, a, cursor=f'n1.{i}', now=NOW),
    'list_jobs by cursor': lambda s, a, i: requests.list_jobs(s, a, cursor=f'n1.{i}'),
    'remove_document': lambda s, a, i: people.remove_document(s, a, document_id=i),
    'edit_profile to a service': lambda s, a, i: people.edit_profile(
        s, a, service_id=i, experience_years=3, description='Plumber', pincodes='560001'
    ),
}


@pytest.mark.parametrize('case', sorted(ASKED_BY_ADMIN))
def test_an_admin_asking_with_an_id_no_row_can_have_is_refused(case: str) -> None:
    admin = make_admin()
    with session_scope(write=True) as session, pytest.raises((NotFound, ValidationError)):
        ASKED_BY_ADMIN[case](session, admin, JUST_PAST_INTEGER)


@pytest.mark.parametrize('case', sorted(ASKED_BY_CUSTOMER))
def test_a_customer_asking_with_an_id_no_row_can_have_is_refused(case: str) -> None:
    customer = make_customer()
    with session_scope(write=True) as session, pytest.raises(ServiceError):
        ASKED_BY_CUSTOMER[case](session, customer, JUST_PAST_INTEGER)


def test_releasing_the_requests_of_a_user_no_row_can_have_releases_nothing() -> None:
    with session_scope(write=True) as session:
        assert requests.release_for_blocked_user(session, JUST_PAST_INTEGER) == 0


@pytest.mark.parametrize('case', sorted(ASKED_BY_PROFESSIONAL))
def test_a_professional_asking_with_an_id_no_row_can_have_is_refused(case: str) -> None:
    professional = make_approved_professional()
    with session_scope(write=True) as session, pytest.raises(ServiceError):
        ASKED_BY_PROFESSIONAL[case](session, professional, JUST_PAST_INTEGER)
