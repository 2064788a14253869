from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditEvent
from services import Conflict, NotFound, PermissionDenied, ValidationError, catalog, session_scope
from tests.factories import OPERATOR, make_admin, make_customer, make_professional, make_service


def test_admin_creates_service_with_price_in_paise() -> None:
    admin = make_admin()
    with session_scope(write=True) as session:
        row = catalog.create_service(
            session,
            admin,
            name='AC Repair',
            category='Appliances',
            base_price='799.50',
            time_required='90',
            description='Gas top-up extra.',
        )
    assert (row.name, row.base_price, row.time_required, row.is_active) == ('AC Repair', 79950, 90, True)
    with session_scope() as session:
        assert [s.name for s in catalog.list_services(session)] == ['AC Repair']
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == 'service.create')).one()
    assert (event.action, event.actor_id, event.target_id) == ('service.create', admin.id, row.id)


@pytest.mark.parametrize('make_actor', [make_customer, make_professional])
def test_only_admin_creates_services(make_actor) -> None:
    actor = make_actor()
    with session_scope(write=True) as session, pytest.raises(PermissionDenied):
        catalog.create_service(session, actor, name='X', category='Y', base_price=1, time_required=30)


def test_service_names_are_unique_regardless_of_case() -> None:
    make_service(name='Deep Cleaning')
    with session_scope(write=True) as session, pytest.raises(Conflict, match='already exists'):
        catalog.create_service(
            session, OPERATOR, name='deep cleaning', category='Cleaning', base_price=1, time_required=30
        )


@pytest.mark.parametrize(
    ('field', 'value', 'message'),
    [
        ('name', '', 'Name is required'),
        ('name', 'x' * 81, 'at most 80'),
        ('name', 42, 'must be text'),
        ('category', '   ', 'Category is required'),
        ('base_price', -1, 'between 0 and'),
        ('base_price', '12.345', 'two decimals'),
        ('base_price', 'cheap', 'amount in rupees'),
        ('base_price', True, 'whole number'),
        ('base_price', float('nan'), 'whole number'),
        ('time_required', 0, 'between 15 and 720'),
        ('time_required', 721, 'between 15 and 720'),
        ('time_required', '1.5', 'whole number'),
        ('description', 'x' * 2001, 'at most 2000'),
        ('name', 'bad\x00name', 'cannot be shown'),
    ],
)
def test_invalid_service_is_refused_and_nothing_is_stored(field: str, value: object, message: str) -> None:
    fields = {'name': 'Painting', 'category': 'Decor', 'base_price': 100, 'time_required': 60} | {field: value}
    with session_scope(write=True) as session, pytest.raises(ValidationError, match=message):
        catalog.create_service(session, OPERATOR, **fields)
    with session_scope() as session:
        assert catalog.list_services(session) == []


def test_script_name_is_stored_as_typed() -> None:
    row = make_service(name='<script>alert(1)</script>')
    with session_scope() as session:
        assert catalog.get_service(session, service_id=row.id).name == '<script>alert(1)</script>'


def test_admin_edits_service_and_audit_keeps_before_and_after() -> None:
    row = make_service(name='Painting', base_price=10000)
    with session_scope(write=True) as session:
        edited = catalog.edit_service(session, OPERATOR, service_id=row.id, version=row.version, base_price='150')
    assert (edited.base_price, edited.version) == (15000, row.version + 1)
    with session_scope() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == 'service.edit')).one()
    assert event.details == {'changed': {'base_price': [10000, 15000]}}


def test_edit_with_a_stale_version_is_refused() -> None:
    row = make_service()
    with session_scope(write=True) as session:
        catalog.edit_service(session, OPERATOR, service_id=row.id, version=row.version, name='Renamed')
    with session_scope(write=True) as session, pytest.raises(Conflict, match='changed this service'):
        catalog.edit_service(session, OPERATOR, service_id=row.id, version=row.version, name='Lost update')
    with session_scope() as session:
        assert catalog.get_service(session, service_id=row.id).name == 'Renamed'


def test_edit_refuses_fields_outside_the_allowlist() -> None:
    row = make_service()
    with session_scope(write=True) as session, pytest.raises(ValidationError, match='cannot be edited: is_active'):
        catalog.edit_service(session, OPERATOR, service_id=row.id, is_active=False)


def test_edit_to_a_taken_name_is_refused() -> None:
    make_service(name='Plumbing')
    row = make_service(name='Carpentry')
    with session_scope(write=True) as session, pytest.raises(Conflict):
        catalog.edit_service(session, OPERATOR, service_id=row.id, name='PLUMBING')


def test_retired_service_leaves_the_customer_list_but_stays_for_admins() -> None:
    kept, retired = make_service(name='Kept'), make_service(name='Retired')
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=retired.id)
    with session_scope() as session:
        assert [s.name for s in catalog.list_services(session)] == ['Kept']
        everything = catalog.list_services(session, OPERATOR, include_retired=True)
        with pytest.raises(NotFound):
            catalog.get_service(session, service_id=retired.id)
    assert {(s.name, s.is_active) for s in everything} == {('Kept', True), ('Retired', False)}
    assert kept.id != retired.id


def test_reinstated_service_is_offered_again() -> None:
    row = make_service()
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=row.id)
        catalog.reinstate_service(session, OPERATOR, service_id=row.id)
    with session_scope() as session:
        assert [s.id for s in catalog.list_services(session)] == [row.id]


def test_customer_cannot_list_retired_services() -> None:
    customer = make_customer()
    with session_scope() as session, pytest.raises(PermissionDenied):
        catalog.list_services(session, customer, include_retired=True)


def test_editing_a_missing_service_is_not_found() -> None:
    with session_scope(write=True) as session, pytest.raises(NotFound):
        catalog.edit_service(session, OPERATOR, service_id=999_999, name='Ghost')


@pytest.mark.parametrize(('first', 'second'), [('Ölservice', 'ölservice'), ('Straße', 'STRASSE')])
def test_service_names_are_unique_under_unicode_case_folding(first: str, second: str) -> None:
    make_service(name=first)
    with session_scope(write=True) as session, pytest.raises(Conflict, match='already exists'):
        catalog.create_service(session, OPERATOR, name=second, category='Y', base_price=1, time_required=30)


def test_customer_searches_services_by_name_or_category_in_any_case() -> None:
    make_service(name='AC Repair', category='Appliances')
    make_service(name='Deep Cleaning', category='Cleaning')
    make_service(name='Sofa Cleaning', category='Cleaning')
    with session_scope() as session:
        assert [s.name for s in catalog.search_services(session, text='clean')] == ['Deep Cleaning', 'Sofa Cleaning']
        assert [s.name for s in catalog.search_services(session, text='APPLI')] == ['AC Repair']
        assert [s.name for s in catalog.search_services(session, text='', category='Appliances')] == ['AC Repair']
        assert catalog.list_categories(session) == ['Appliances', 'Cleaning']


@pytest.mark.parametrize('text', ['%', '_', "' OR 1=1 --", '\\'])
def test_search_treats_wildcards_and_quotes_as_plain_text(text: str) -> None:
    make_service(name='Plumbing')
    make_service(name='100% Cotton_Care')
    with session_scope() as session:
        found = [s.name for s in catalog.search_services(session, text=text)]
    assert found == (['100% Cotton_Care'] if text in {'%', '_'} else [])


def test_retired_services_are_not_found_by_search() -> None:
    row = make_service(name='Old Service')
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=row.id)
    with session_scope() as session:
        assert catalog.search_services(session, text='old') == []
        assert catalog.list_categories(session) == []
