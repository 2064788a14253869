from __future__ import annotations

from datetime import date

import pytest

from services import NotFound, PermissionDenied, ValidationError, catalog, session_scope
from services.catalog import ServiceSearch
from services.catalog.search import PROFESSIONALS_SHOWN
from tests.factories import (
    ACTOR_KINDS,
    OPERATOR,
    block,
    make_approved_professional,
    make_customer,
    make_professional,
    make_service,
)
from tests.services.request_support import NOW


def find(customer, **kwargs: object) -> ServiceSearch:
    with session_scope() as session:
        return catalog.find_services(session, customer, **kwargs)


def names(found: ServiceSearch) -> list[str]:
    return [match.service.name for match in found.matches]


def retire(service_id: int) -> None:
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=service_id)


# --- find_services ----------------------------------------------------------------------------------------------


def test_customer_finds_services_in_their_own_pincode_with_the_professionals_serving_it() -> None:
    plumbing = make_service(name='Plumbing', category='Repairs', base_price=49900, time_required=60)
    make_service(name='Deep Cleaning', category='Cleaning')
    make_approved_professional(service_id=plumbing.id, name='Ravi', pincodes='560001', experience_years=9)
    make_approved_professional(service_id=plumbing.id, name='Far Away', pincodes='110001')
    found = find(make_customer(pincode='560001'))
    assert found.pincode == '560001'
    assert names(found) == ['Plumbing', 'Deep Cleaning']  # the bookable first
    plumbing_match, cleaning_match = found.matches
    assert [(c.name, c.experience_years) for c in plumbing_match.professionals] == [('Ravi', 9)]
    assert (plumbing_match.service.base_price, plumbing_match.service.time_required) == (49900, 60)
    assert (plumbing_match.bookable, cleaning_match.bookable) == (True, False)
    assert (found.nothing_because, found.nothing_kind) == ('', '')
    assert found.categories == ('Cleaning', 'Repairs')


def test_search_by_name_or_category_in_another_pincode() -> None:
    plumbing = make_service(name='Plumbing', category='Repairs')
    ac = make_service(name='AC Repair', category='Appliances')
    make_approved_professional(service_id=plumbing.id, pincodes='110001')
    make_approved_professional(service_id=ac.id, pincodes='110001')
    customer = make_customer(pincode='560001')
    assert names(find(customer, text='plumb', pincode='110001')) == ['Plumbing']
    assert names(find(customer, text='REPAIR', pincode='110001')) == ['AC Repair', 'Plumbing']
    assert names(find(customer, text='repair', category='Appliances', pincode='110001')) == ['AC Repair']
    assert find(customer, text='  ', pincode=' ').pincode == '560001'  # blank means their own


def test_no_service_by_that_name_says_so() -> None:
    make_service(name='Plumbing')
    found = find(make_customer(), text='helicopter')
    assert found.matches == ()
    assert found.nothing_kind == 'no-service'
    assert found.nothing_because == 'No service matches “helicopter”. Try another word, or choose a category.'


def test_an_empty_catalogue_says_so() -> None:
    found = find(make_customer())
    assert (found.nothing_kind, found.nothing_because) == ('no-service', 'No services are on offer yet.')


def test_a_retired_service_says_it_is_no_longer_offered() -> None:
    retire(make_service(name='Gardening', category='Outdoor').id)
    make_service(name='Plumbing', category='Repairs')
    found = find(make_customer(), text='garden')
    assert (found.nothing_kind, found.nothing_because) == ('retired', 'Gardening is no longer offered.')
    found = find(make_customer(), category='Outdoor')
    assert found.nothing_kind == 'retired'
    assert found.nothing_because == 'Nothing in Outdoor is offered any more. Choose another category.'


def test_nobody_in_the_pincode_names_the_nearby_pincodes_closest_first() -> None:
    service = make_service(name='Plumbing')
    make_approved_professional(service_id=service.id, pincodes='560010 560095')
    make_approved_professional(service_id=service.id, pincodes='560010')
    make_approved_professional(service_id=service.id, pincodes='110001')  # another district: not nearby
    make_professional(service_id=service.id, pincodes='560002')  # pending: serves nobody yet
    block(make_approved_professional(service_id=service.id, pincodes='560003'))
    found = find(make_customer(pincode='560001'))
    [match] = found.matches
    assert match.professionals == ()
    assert [(n.pincode, n.professional_count) for n in match.nearby] == [('560010', 2), ('560095', 1)]
    assert found.nothing_kind == 'no-professional'
    assert found.nothing_because == (
        'No professional offers Plumbing in pincode 560001 yet. Some work in nearby pincodes (below).'
    )


def test_nobody_anywhere_near_says_only_that() -> None:
    make_service(name='Plumbing')
    make_service(name='Painting')
    found = find(make_customer(pincode='560001'))
    assert found.nothing_because == 'No professional offers Painting and Plumbing in pincode 560001 yet.'
    assert all(match.nearby == () for match in found.matches)


def test_results_list_a_few_professionals_per_service_best_rated_first() -> None:
    service = make_service()
    for n in range(PROFESSIONALS_SHOWN + 2):
        make_approved_professional(service_id=service.id, name=f'Pro {n}')
    [match] = find(make_customer()).matches
    assert len(match.professionals) == PROFESSIONALS_SHOWN


@pytest.mark.parametrize(
    ('fields', 'field', 'message'),
    [
        ({'pincode': '012345'}, 'pincode', 'A pincode is 6 digits'),
        ({'pincode': '5600011'}, 'pincode', 'at most 6'),
        ({'pincode': 560001}, 'pincode', 'must be text'),
        ({'text': 'x' * 81}, 'text', 'at most 80'),
        ({'text': 'a\x00b'}, 'text', 'cannot be shown'),
        ({'category': 'Nonsense'}, 'category', 'Choose a category from the list.'),
    ],
)
def test_invalid_search_input_is_refused_naming_the_field(fields: dict, field: str, message: str) -> None:
    make_service(category='Repairs')
    with pytest.raises(ValidationError, match=message) as refusal:
        find(make_customer(), **fields)
    assert refusal.value.field == field


def test_like_wildcards_match_literally() -> None:
    make_service(name='100% Clean')
    make_service(name='Plumbing')
    assert names(find(make_customer(), text='%')) == ['100% Clean']
    assert names(find(make_customer(), text='_')) == []


@pytest.mark.parametrize('kind', sorted(set(ACTOR_KINDS) - {'customer'}))
def test_only_customers_search(kind: str) -> None:
    actor = ACTOR_KINDS[kind]()
    with pytest.raises(PermissionDenied):
        find(actor, pincode='560001')


def test_a_blocked_customer_cannot_search() -> None:
    customer = make_customer()
    block(customer)
    with pytest.raises(PermissionDenied):
        find(customer)


# --- booking_form -----------------------------------------------------------------------------------------------


def form(customer, service_id: object, **kwargs: object):
    with session_scope() as session:
        return catalog.booking_form(session, customer, service_id=service_id, now=NOW, **kwargs)


def test_the_booking_form_starts_at_the_customers_address_with_the_days_that_have_slots() -> None:
    service = make_service(name='Plumbing', time_required=60)
    pro = make_approved_professional(service_id=service.id, name='Ravi', pincodes='560001')
    customer = make_customer(address='12 MG Road', pincode='560001')
    booking = form(customer, service.id)
    assert (booking.service.name, booking.address, booking.pincode) == ('Plumbing', '12 MG Road', '560001')
    assert [card.professional_id for card in booking.professionals] == [pro.id]
    assert booking.chosen_professional_id is None
    assert booking.days[0] == date(2030, 3, 4)  # NOW is 09:00 local: today still has slots from 11:00
    assert booking.days[-1] == date(2030, 5, 3)  # 60 days ahead, its 08:00 and 09:00 slots
    assert len(booking.days) == 61
    assert booking.timezone == 'Asia/Kolkata'


def test_another_pincode_leaves_the_address_to_fill_and_lists_its_professionals() -> None:
    service = make_service()
    there = make_approved_professional(service_id=service.id, pincodes='110001')
    booking = form(make_customer(pincode='560001'), service.id, pincode='110001', professional_id=there.id)
    assert (booking.address, booking.pincode) == ('', '110001')
    assert booking.chosen_professional_id == there.id


def test_a_chosen_professional_who_does_not_serve_the_pincode_is_not_preselected() -> None:
    service = make_service()
    elsewhere = make_approved_professional(service_id=service.id, pincodes='110001')
    booking = form(make_customer(pincode='560001'), service.id, professional_id=elsewhere.id)
    assert booking.chosen_professional_id is None


def test_a_retired_or_missing_service_cannot_be_booked() -> None:
    service = make_service()
    retire(service.id)
    with pytest.raises(NotFound, match='no longer offered'):
        form(make_customer(), service.id)
    with pytest.raises(NotFound, match='does not exist'):
        form(make_customer(), 999_999)


@pytest.mark.parametrize('kind', sorted(set(ACTOR_KINDS) - {'customer'}))
def test_only_customers_open_the_booking_form(kind: str) -> None:
    service = make_service()
    with pytest.raises(PermissionDenied):
        form(ACTOR_KINDS[kind](), service.id, pincode='560001')


def test_the_booking_form_refuses_an_invalid_pincode() -> None:
    with pytest.raises(ValidationError, match='6 digits'):
        form(make_customer(), make_service().id, pincode='01234')


def test_nobody_serving_many_services_does_not_name_them_all() -> None:
    for name in ('Plumbing', 'Painting', 'Carpentry', 'Cleaning'):
        make_service(name=name)
    found = find(make_customer(pincode='560001'))
    assert found.nothing_because == 'No professional offers these services in pincode 560001 yet.'
