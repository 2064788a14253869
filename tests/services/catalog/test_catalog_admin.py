"""The admin's view of the catalogue: who offers each service, what is open on it, and who a retirement strands."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services import NotFound, PermissionDenied, catalog, session_scope
from services.catalog import ServiceOverview, listing
from tests.factories import (
    ACTOR_KINDS,
    OPERATOR,
    accept_request,
    block,
    book_request,
    complete_request,
    make_admin,
    make_approved_professional,
    make_customer,
    make_professional,
    make_service,
    reject,
    slot,
)
from tests.services.request_support import NOW, selects


def overviews(actor=OPERATOR) -> dict[str, ServiceOverview]:
    with session_scope() as session:
        return {o.service.name: o for o in catalog.list_overviews(session, actor)}


def retire(service_id: int) -> None:
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=service_id)


def test_admin_sees_every_service_with_its_professionals_and_open_requests() -> None:
    plumbing = make_service(name='Plumbing', category='Repairs')
    make_service(name='Cleaning', category='Home')
    pro = make_approved_professional(service_id=plumbing.id, pincodes='560001')
    make_approved_professional(service_id=plumbing.id)
    block(make_approved_professional(service_id=plumbing.id))  # blocked: offers nothing
    make_professional(service_id=plumbing.id)  # pending
    reject(make_professional(service_id=plumbing.id))  # rejected: counted nowhere
    customer = make_customer(pincode='560001')
    book_request(customer, plumbing.id, now=NOW)  # requested
    assigned = book_request(customer, plumbing.id, now=NOW, at=slot(NOW, days=3))
    accept_request(pro, assigned, now=NOW)
    done = book_request(customer, plumbing.id, now=NOW, at=slot(NOW, days=4))
    accept_request(pro, done, now=NOW)
    complete_request(pro, done, now=NOW + timedelta(days=10))  # completed: no longer open

    found = overviews(make_admin())
    assert list(found) == ['Cleaning', 'Plumbing']  # by category, then name
    p = found['Plumbing']
    assert (p.professional_count, p.pending_count, p.open_request_count) == (2, 1, 2)
    assert (found['Cleaning'].professional_count, found['Cleaning'].open_request_count) == (0, 0)
    assert not p.is_flagged
    assert p.flagged_professionals == ()


def test_retired_service_flags_its_approved_professionals_a_to_z_with_their_contact() -> None:
    service = make_service(name='Carpentry')
    zoe = make_approved_professional(service_id=service.id, name='Zoe', phone='+919800000002')
    amit = make_approved_professional(service_id=service.id, name='Amit', phone='+919800000001')
    make_professional(service_id=service.id, name='Pending Pat')
    block(make_approved_professional(service_id=service.id, name='Blocked Bo'))
    retire(service.id)

    entry = overviews()['Carpentry']
    assert entry.is_flagged
    assert not entry.service.is_active
    assert [(p.id, p.name, p.email, p.phone) for p in entry.flagged_professionals] == [
        (amit.id, 'Amit', amit.email, '+919800000001'),
        (zoe.id, 'Zoe', zoe.email, '+919800000002'),
    ]


def test_retired_service_without_professionals_is_not_flagged() -> None:
    service = make_service(name='Old')
    retire(service.id)
    entry = overviews()['Old']
    assert (entry.is_flagged, entry.flagged_professionals) == (False, ())


def test_a_retired_service_names_at_most_so_many_professionals_but_counts_them_all(monkeypatch) -> None:
    monkeypatch.setattr(listing, 'FLAGGED_SHOWN', 2)
    service = make_service(name='Busy')
    for _ in range(3):
        make_approved_professional(service_id=service.id)
    retire(service.id)
    entry = overviews()['Busy']
    assert (entry.professional_count, len(entry.flagged_professionals)) == (3, 2)


def test_overviews_take_the_same_few_queries_however_many_services() -> None:
    def count() -> int:
        with selects() as statements:
            overviews()
        return len(statements)

    for _ in range(2):
        service = make_service()
        make_approved_professional(service_id=service.id)
        retire(service.id)
    few = count()
    for _ in range(5):
        service = make_service()
        make_approved_professional(service_id=service.id)
        retire(service.id)
    assert count() == few <= 4


def test_get_overview_reads_one_service_fresh() -> None:
    service = make_service(name='Painting')
    make_approved_professional(service_id=service.id)
    retire(service.id)
    with session_scope() as session:
        entry = catalog.get_overview(session, make_admin(), service_id=service.id)
    assert (entry.service.name, entry.service.version, entry.is_flagged) == ('Painting', 2, True)


@pytest.mark.parametrize('service_id', [10**6, 0, -1, '1', True, 2**63])
def test_get_overview_of_a_missing_service_is_not_found(service_id) -> None:
    make_service()
    with session_scope() as session, pytest.raises(NotFound):
        catalog.get_overview(session, OPERATOR, service_id=service_id)


@pytest.mark.parametrize('kind', [k for k in ACTOR_KINDS if k not in {'admin', 'operator'}])
def test_only_admins_see_the_overviews(kind: str) -> None:
    service = make_service()
    actor = ACTOR_KINDS[kind]()
    with session_scope() as session:
        with pytest.raises(PermissionDenied):
            catalog.list_overviews(session, actor)
        with pytest.raises(PermissionDenied):
            catalog.get_overview(session, actor, service_id=service.id)


def test_a_blocked_admin_sees_nothing() -> None:
    admin = make_admin()
    block(admin)
    with session_scope() as session, pytest.raises(PermissionDenied):
        catalog.list_overviews(session, admin)
