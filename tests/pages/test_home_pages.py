"""The role homes (/admin, /customer, /professional) and the page frame around every signed-in page."""

from __future__ import annotations

import asyncio

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlalchemy import select

from models import AuthSession
from services import catalog, session_scope
from tests.factories import (
    OPERATOR,
    make_admin,
    make_customer,
    make_professional,
    make_service,
    sign_in,
)
from tests.pages.support import open_as, path_of

XSS = '<script>alert(1)</script>'


def retire(service_id: int) -> None:
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=service_id)


# --- role homes -------------------------------------------------------------------------------------------------


async def test_customer_home_lists_only_offered_services(user: User) -> None:
    plumbing = make_service(name='Plumbing', category='Repairs', base_price=49900, time_required=60)
    retire(make_service(name='Retired One').id)
    await open_as(user, make_customer(name='Kiran'), '/customer', 'customer-welcome')
    await user.should_see('Hello, Kiran. What needs doing at home?')
    await user.should_see('Services in 560001')
    assert user.find(marker=f'service-{plumbing.id}-terms').elements.pop().text == 'Repairs · ₹499.00 · takes 1 h'
    await user.should_not_see('Retired One')


async def test_professional_home_shows_their_profile_and_pending_banner(user: User) -> None:
    service = make_service(name='Electrical')
    professional = make_professional(
        service_id=service.id, experience_years=12, description='Wiring and panels.', pincodes='560002 560001'
    )
    await open_as(user, professional, '/professional', 'approval-pending')
    await user.should_see('awaiting approval')
    assert user.find(marker='profile-service_id').elements.pop().value == service.id
    assert user.find(marker='profile-experience_years').elements.pop().value == 12
    assert user.find(marker='profile-pincodes').elements.pop().value == '560001, 560002'
    assert user.find(marker='profile-description').elements.pop().value == 'Wiring and panels.'


@pytest.mark.parametrize('page', ['/admin', '/customer', '/professional', '/account'])
async def test_anonymous_visitor_is_sent_to_login_with_the_way_back(user: User, page: str) -> None:
    await user.open(page)
    await user.should_see(marker='login-submit')
    assert path_of(user) == '/login'
    assert user.client.request.query_params['redirect_to'] == page


@pytest.mark.parametrize(
    ('make_actor', 'home', 'marker', 'foreign'),
    [
        (make_customer, '/customer', 'customer-welcome', '/admin'),
        (make_customer, '/customer', 'customer-welcome', '/professional'),
        (make_professional, '/professional', 'approval-pending', '/admin'),
        (make_professional, '/professional', 'approval-pending', '/customer'),
        (make_admin, '/admin', 'admin-welcome', '/customer'),
        (make_admin, '/admin', 'admin-welcome', '/professional'),
    ],
)
async def test_other_roles_pages_send_you_home(user: User, make_actor, home: str, marker: str, foreign: str) -> None:
    await open_as(user, make_actor(), home, marker)
    await user.open(foreign)
    await user.should_see(marker=marker)
    assert path_of(user) == home


# --- the frame --------------------------------------------------------------------------------------------------


async def test_frame_shows_the_name_and_navigation(user: User) -> None:
    await open_as(user, make_customer(name='Asha Rao'), '/customer', 'customer-welcome')
    assert user.find(marker='frame-user-name').elements.pop().text == 'Asha Rao'
    links = {link.props['href'] for link in user.find(ui.link).elements}
    assert links == {'/customer', '/customer/requests', '/customer/reports', '/account'}
    account_link = next(link for link in user.find(ui.link).elements if link.props['href'] == '/account')
    interaction = user.find(ui.link)
    interaction.elements = {account_link}  # click exactly this link
    interaction.click()
    await user.should_see(marker='account-save')
    assert path_of(user) == '/account'


async def test_frame_shows_a_hostile_name_as_literal_text(user: User) -> None:
    await open_as(user, make_customer(name=XSS), '/customer', 'customer-welcome')
    await user.should_see(XSS)
    label = user.find(marker='frame-user-name').elements.pop()
    assert isinstance(label, ui.label)
    assert not isinstance(label, ui.html)
    assert label.text == XSS
    page = await user.http_client.get('/customer')
    assert XSS not in page.text
    assert '&lt;script&gt;alert(1)&lt;/script&gt;' in page.text


async def test_sign_out_button_ends_the_session(user: User) -> None:
    customer = make_customer()
    await open_as(user, customer, '/customer', 'customer-welcome')
    user.find(marker='frame-sign-out').click()
    await user.should_see(marker='login-submit')
    assert path_of(user) == '/login'
    with session_scope() as session:
        reasons = session.scalars(select(AuthSession.revoked_reason).where(AuthSession.user_id == customer.id)).all()
    assert reasons == ['signed out']
    await user.open('/customer')
    await user.should_see(marker='login-submit')
    assert path_of(user) == '/login'


async def test_dark_toggle_is_remembered(user: User) -> None:
    customer = make_customer()
    assert sign_in(customer).actor.prefers_dark is False
    await open_as(user, customer, '/customer', 'customer-welcome')
    assert user.find(ui.dark_mode).elements.pop().value is False
    user.find(marker='frame-dark-toggle').click()
    for _ in range(50):
        if sign_in(customer).actor.prefers_dark:
            break
        await asyncio.sleep(0.02)
    assert sign_in(customer).actor.prefers_dark is True
    await user.open('/account')
    await user.should_see(marker='account-save')
    assert user.find(ui.dark_mode).elements.pop().value is True
    user.find(marker='frame-dark-toggle').click()
    for _ in range(50):
        if not sign_in(customer).actor.prefers_dark:
            break
        await asyncio.sleep(0.02)
    assert sign_in(customer).actor.prefers_dark is False
