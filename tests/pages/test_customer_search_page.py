"""`/customer`: find a service by name or category in a pincode (the customer's own prefilled), with the
professionals serving it, and why nothing matches when nothing does."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from nicegui.testing import User

from services import Actor, catalog, clock, requests, session_scope
from tests.factories import (
    OPERATOR,
    accept_request,
    book_request,
    complete_request,
    make_admin,
    make_approved_professional,
    make_customer,
    make_professional,
    make_service,
    slot,
)
from tests.pages.support import open_as, path_of


def reviewed(professional: Actor, service_id: int, *, rating: int, remarks: str) -> int:
    """A job of `professional` done and closed with this review, a few days ago."""
    past = clock.now() - timedelta(days=5)
    customer = make_customer()
    at = slot(past, days=1)
    request_id = book_request(customer, service_id, now=past, at=at)
    accept_request(professional, request_id, now=past)
    complete_request(professional, request_id, now=at + timedelta(hours=1))
    with session_scope(write=True) as session:
        requests.close(
            session, customer, request_id=request_id, rating=rating, remarks=remarks, now=at + timedelta(hours=2)
        )
    return request_id


def retire(service_id: int) -> None:
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=service_id)


def href(user: User, marker: str) -> str:
    return user.find(marker=marker).elements.pop().props['href']


async def query_becomes(user: User, query: str) -> None:
    for _ in range(200):
        if user.client.request.url.query == query:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f'the query is {user.client.request.url.query!r}, not {query!r}')


async def test_customer_sees_services_in_their_pincode_with_the_professionals_serving_it(user: User) -> None:
    plumbing = make_service(name='Plumbing', category='Repairs', base_price=49900, time_required=90)
    painting = make_service(name='Painting', category='Decor')
    ravi = make_approved_professional(
        service_id=plumbing.id, name='Ravi Kumar', experience_years=9, description='Taps and geysers.'
    )
    reviewed(ravi, plumbing.id, rating=5, remarks='Spotless work')
    customer = make_customer(name='Kiran', pincode='560001')

    await open_as(user, customer, '/customer', 'customer-welcome')
    await user.should_see('Hello, Kiran. What needs doing at home?')
    assert user.find(marker='search-pincode').elements.pop().value == '560001'  # their own, prefilled
    await user.should_see('Services in 560001')
    await user.should_see('Repairs · ₹499.00 · takes 1 h 30 min')
    with user.scope(marker=f'professional-{ravi.id}'):
        await user.should_see('Ravi Kumar')
        await user.should_see('★ 5.0 · 1 review')
        await user.should_see('9 years of experience')
        await user.should_see('Taps and geysers.')
        await user.should_see('★ 5/5 · “Spotless work”')
    assert href(user, f'book-service-{plumbing.id}') == f'/customer/book/{plumbing.id}?pincode=560001'
    assert href(user, f'book-professional-{ravi.id}') == (
        f'/customer/book/{plumbing.id}?pincode=560001&professional_id={ravi.id}'
    )
    await user.should_see('Not offered in 560001 yet')
    await user.should_see('No professional offers Painting in 560001 yet.')
    await user.should_not_see(marker=f'book-service-{painting.id}')


async def test_the_search_form_puts_the_search_into_the_url(user: User) -> None:
    plumbing = make_service(name='Plumbing', category='Repairs')
    make_service(name='Deep Cleaning', category='Cleaning')
    make_approved_professional(service_id=plumbing.id)
    await open_as(user, make_customer(), '/customer', 'search-results')
    user.find(marker='search-text').type('plumb')
    user.find(marker='search-apply').click()
    await query_becomes(user, 'text=plumb&pincode=560001')
    await user.should_see('Services in 560001 matching “plumb”')
    await user.should_see('Plumbing')
    await user.should_not_see('Deep Cleaning')
    await user.open('/customer?category=Cleaning')
    await user.should_see('Deep Cleaning')
    await user.should_not_see('Plumbing')


async def test_no_service_by_that_name_says_so(user: User) -> None:
    make_service(name='Plumbing')
    await open_as(user, make_customer(), '/customer?text=helicopter', 'search-empty-no-service')
    await user.should_see('No service matches “helicopter”. Try another word, or choose a category.')


async def test_a_retired_service_says_it_is_no_longer_offered(user: User) -> None:
    retire(make_service(name='Gardening').id)
    await open_as(user, make_customer(), '/customer?text=garden', 'search-empty-retired')
    await user.should_see('Gardening is no longer offered.')


async def test_nobody_in_the_pincode_offers_the_nearby_pincodes(user: User) -> None:
    service = make_service(name='Plumbing')
    make_approved_professional(service_id=service.id, pincodes='560010')
    make_professional(service_id=service.id, pincodes='560001')  # awaiting approval: serves nobody yet
    await open_as(user, make_customer(pincode='560001'), '/customer', 'search-empty-no-professional')
    await user.should_see(
        'No professional offers Plumbing in pincode 560001 yet. Some work in nearby pincodes (below).'
    )
    user.find(marker='nearby-560010').click()
    await query_becomes(user, 'pincode=560010')
    await user.should_see(marker=f'book-service-{service.id}')


async def test_an_invalid_pincode_is_shown_on_its_field(user: User) -> None:
    make_service()
    await open_as(user, make_customer(), '/customer?pincode=012345', 'search-refused')
    pincode = user.find(marker='search-pincode').elements.pop()
    assert pincode.props['error-message'] == 'A pincode is 6 digits and does not start with 0.'
    assert pincode.value == '012345'


async def test_hostile_text_is_shown_as_typed(user: User) -> None:
    service = make_service(name='Plumbing', description='<img src=x onerror=alert(1)>')
    make_approved_professional(service_id=service.id, name='<script>alert(1)</script>')
    await open_as(user, make_customer(), '/customer?text=%3Cb%3E', 'search-empty-no-service')
    await user.should_see('No service matches “<b>”. Try another word, or choose a category.')
    await user.open('/customer')
    await user.should_see('<script>alert(1)</script>')
    await user.should_see('<img src=x onerror=alert(1)>')


@pytest.mark.parametrize('page', ['/customer', '/customer/book/1', '/customer/requests', '/customer/requests/1'])
@pytest.mark.parametrize(
    ('make_actor', 'home', 'marker'),
    [(make_approved_professional, '/professional', 'frame-user-name'), (make_admin, '/admin', 'admin-welcome')],
)
async def test_other_roles_are_sent_home(user: User, page: str, make_actor, home: str, marker: str) -> None:
    await open_as(user, make_actor(), home, marker)
    await user.open(page)
    await user.should_see(marker=marker)
    assert path_of(user) == home


@pytest.mark.parametrize('page', ['/customer/book/1', '/customer/requests', '/customer/requests/1'])
async def test_anonymous_visitors_sign_in_first(user: User, page: str) -> None:
    await user.open(page)
    await user.should_see(marker='login-submit')
    assert path_of(user) == '/login'
    assert user.client.request.query_params['redirect_to'] == page
