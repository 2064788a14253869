"""Name and email search through the trigram indexes (migration 0009): matching, case, quoting, and the index kept
in step by every writer. Runs on SQLite (FTS5) and PostgreSQL (pg_trgm)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Select, delete, text, update
from sqlalchemy.orm import Session

from models import User
from models.db import is_sqlite
from models.enums import Role
from services import Actor, ValidationError, catalog, people, requests, session_scope
from services.core import text_search
from tests.factories import OPERATOR, book_request, make_admin, make_customer, make_service, slot
from tests.fuzzing import examples
from tests.services.request_support import NOW, make_market

FTS_SYNTAX = ['"', 'a"b', '""x""', 'NEAR(ab cd)', 'sha*', 'name:sha', 'AND', 'x OR y', '^abc', '(ab', 'a-b', '{a b}']


def users(admin: Actor, wanted: str) -> list[str]:
    with session_scope() as session:
        return sorted(row.name for row in people.list_users(session, admin, text=wanted, limit=100).rows)


def services(wanted: str) -> list[str]:
    with session_scope() as session:
        return sorted(row.name for row in catalog.search_services(session, text=wanted))


def run_sql(statement: Any) -> None:
    with session_scope(write=True) as session:
        session.execute(statement)


@pytest.fixture
def admin() -> Actor:
    return make_admin(name='Root', email='root@example.com')


# --- matching ---------------------------------------------------------------------------------------------------------


def test_any_part_of_a_name_or_email_matches_in_any_case(admin: Actor) -> None:
    make_customer(name='Asha Sharma', email='asha@example.com')
    make_customer(name='Ravi Kumar', email='RAVI.SHARMAN@example.in')
    make_customer(name='Élodie Ünal', email='elodie@example.com')
    assert users(admin, 'sharma') == ['Asha Sharma', 'Ravi Kumar']
    assert users(admin, 'SHARMA') == ['Asha Sharma', 'Ravi Kumar']
    assert users(admin, 'ha sh') == ['Asha Sharma']  # across the space, as typed
    assert users(admin, 'example.in') == ['Ravi Kumar']
    assert users(admin, 'ÉLODIE') == ['Élodie Ünal']
    assert users(admin, 'ünal') == ['Élodie Ünal']  # the index folds the case of every script
    assert users(admin, 'sharmas') == []


def test_one_or_two_characters_still_find_any_part(admin: Actor) -> None:
    make_customer(name='Asha Sharma', email='asha@example.com')
    make_customer(name='Zed', email='zed@example.com')
    assert users(admin, 'SH') == ['Asha Sharma']
    assert users(admin, 'z') == ['Zed']
    assert text_search.uses_index('abc') and not text_search.uses_index('ab')


@pytest.mark.parametrize('wanted', FTS_SYNTAX)
def test_search_syntax_in_the_text_is_plain_characters(admin: Actor, wanted: str) -> None:
    make_customer(name=f'Odd {wanted} name')
    make_customer(name='Plain name')
    assert users(admin, wanted) == [f'Odd {wanted} name']


def test_phrase_quotes_the_text_and_doubles_its_quotes() -> None:
    assert text_search.phrase('a"b') == '"a""b"'
    assert text_search.phrase('NEAR(x y)') == '"NEAR(x y)"'


def test_services_match_by_name_or_category_in_any_case() -> None:
    make_service(name='AC Repair', category='Appliances')
    make_service(name='Deep Cleaning', category='Cleaning')
    make_service(name='Sofa Shampoo', category='Cleaning')
    assert services('REPAIR') == ['AC Repair']
    assert services('clean') == ['Deep Cleaning', 'Sofa Shampoo']
    assert services('SH') == ['Sofa Shampoo']  # short: the same matches, without the index
    assert services('li') == ['AC Repair']


def test_requests_by_customer_or_professional_name_read_the_same_in_either_plan(
    admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    market = make_market()
    asha = make_customer(name='Asha Sharma')
    asked = [book_request(asha, market.service.id, now=NOW, at=slot(NOW, index=i)) for i in range(5)]
    book_request(market.customer, market.service.id, now=NOW)

    def pages(**filters: Any) -> list[list[int]]:
        found, cursor = [], None
        while True:
            with session_scope() as session:
                page = requests.list_all_requests(session, admin, limit=2, cursor=cursor, **filters)
            found.append([row.id for row in page.rows])
            if (cursor := page.next_cursor) is None:
                return found

    by_index = pages(customer='sharma')
    monkeypatch.setattr(requests.lists, 'SCAN_FROM', 1)  # read in the list's order, each row checked
    assert pages(customer='sharma') == by_index
    assert [i for page in by_index for i in page] == asked[::-1]  # newest slot first
    assert pages(customer='sh', sort='booked') == pages(customer='sharma', sort='booked')


def test_users_read_the_same_in_either_plan(admin: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(5):
        make_customer(name=f'Asha Sharma {n}')
    make_customer(name='Zed')

    def pages() -> list[list[str]]:
        found, cursor = [], None
        while True:
            with session_scope() as session:
                page = people.list_users(session, admin, text='sharma', limit=2, cursor=cursor)
            found.append([row.name for row in page.rows])
            if (cursor := page.next_cursor) is None:
                return found

    by_index = pages()
    monkeypatch.setattr(people.user_lists, 'SCAN_FROM', 1)  # read in sign-up order, each row checked
    assert (
        pages()
        == by_index
        == [['Asha Sharma 4', 'Asha Sharma 3'], ['Asha Sharma 2', 'Asha Sharma 1'], ['Asha Sharma 0']]
    )


# --- any text is a result or a validation error -----------------------------------------------------------------------


@pytest.mark.fuzz
@settings(max_examples=examples(40), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(wanted=st.text(max_size=120))
@example(wanted='"')
@example(wanted='a" OR "b')
@example(wanted='\x00abc')
@example(wanted='NEAR("a" "b", 2)')
def test_no_text_is_anything_but_a_result_or_a_validation_error(wanted: str) -> None:
    for search in (
        lambda session: people.list_users(session, OPERATOR, text=wanted),
        lambda session: requests.list_all_requests(session, OPERATOR, customer=wanted),
        lambda session: requests.list_all_requests(session, OPERATOR, professional=wanted, sort='booked'),
        lambda session: catalog.search_services(session, text=wanted),
    ):
        try:
            with session_scope() as session:
                search(session)
        except ValidationError:
            pass


# --- every writer keeps the index in step -----------------------------------------------------------------------------


def test_a_new_user_is_found_at_once(admin: Actor) -> None:
    make_customer(name='Kavya Iyer', email='kavya@example.com')
    assert users(admin, 'iyer') == ['Kavya Iyer']


def test_a_renamed_user_is_found_by_the_new_name_only(admin: Actor) -> None:
    customer = make_customer(name='Kavya Iyer', email='kavya@example.com')
    with session_scope(write=True) as session:
        people.update_profile(
            session, customer, name='Kavya Menon', phone='', address='1 MG Road, Bengaluru', pincode='560001'
        )
    assert users(admin, 'iyer') == []
    assert users(admin, 'menon') == ['Kavya Menon']


def test_a_changed_email_is_found_by_the_new_one_only(admin: Actor) -> None:
    customer = make_customer(name='Kavya', email='kavya.old@example.com')
    run_sql(update(User).where(User.id == customer.id).values(email='kavya.new@example.in'))
    assert users(admin, 'old@exa') == []
    assert users(admin, 'new@exa') == ['Kavya']


def test_a_user_written_by_plain_sql_is_found_until_deleted(admin: Actor) -> None:
    with session_scope(write=True) as session:
        session.add(
            User(
                role=Role.CUSTOMER,
                name='Kavya Iyer',
                email='kavya@example.com',
                password_hash='x' * 60,
                created_at=NOW,
                password_changed_at=NOW,
            )
        )
    assert users(admin, 'iyer') == ['Kavya Iyer']
    run_sql(delete(User).where(User.email == 'kavya@example.com'))
    assert users(admin, 'iyer') == []
    assert_index_sound()


def test_a_renamed_service_is_found_by_the_new_name_only() -> None:
    service = make_service(name='Geyser Repair', category='Appliances')
    with session_scope(write=True) as session:
        catalog.edit_service(session, OPERATOR, service_id=service.id, name='Water Heater Repair')
    assert services('geyser') == []
    assert services('heater') == ['Water Heater Repair']
    assert_index_sound()


def assert_index_sound() -> None:
    """SQLite: FTS5's own check that the index holds exactly the rows' text (PostgreSQL keeps its indexes itself)."""
    with session_scope(write=True) as session:
        if is_sqlite(session):
            for table in ('user_search', 'service_search'):
                session.execute(text(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')"))


def test_the_name_search_asks_the_index(admin: Actor) -> None:
    make_customer(name='Asha Sharma')
    with session_scope() as session:
        found = text_search.user_ids(session, 'sharma')
        if is_sqlite(session):
            assert any('VIRTUAL TABLE INDEX' in row[-1] for row in explain(session, found, 'EXPLAIN QUERY PLAN'))
        else:
            session.execute(text('SET LOCAL enable_seqscan = off'))  # a tiny table: let the planner show it can
            assert any('ix_user_name_trgm' in row[0] for row in explain(session, found, 'EXPLAIN'))


def explain(session: Session, statement: Select[Any], prefix: str) -> list[Any]:
    compiled = statement.compile(session.get_bind())
    params = tuple(compiled.params[name] for name in compiled.positiontup) if compiled.positional else compiled.params
    return session.connection().exec_driver_sql(f'{prefix} {compiled.string}', params).all()
