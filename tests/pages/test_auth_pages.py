"""Sign-in, sign-up, sign-out and `/`: where each kind of visitor lands, and the main refusals."""

from __future__ import annotations

import asyncio
import json
from base64 import b64encode
from urllib.parse import quote

import httpx
import pytest
from itsdangerous import TimestampSigner
from nicegui import app
from nicegui.testing import User
from sqlalchemy import select

from models import AuthSession
from pages.viewer import SESSION_KEY, safe_redirect
from services import Actor, InvalidCredentials, identity, session_scope
from settings import get_settings
from tests.factories import PASSWORD, block, make_admin, make_customer, make_professional, make_service
from tests.pages.support import PATIENCE, open_as


def path_of(user: User) -> str:
    """The path of the page the simulated browser shows now (after any redirects)."""
    return user.client.request.url.path


async def sign_in(user: User, actor: Actor, password: str = PASSWORD, *, path: str = '/login') -> None:
    await user.open(path)
    await user.should_see(marker='login-submit', retries=PATIENCE)
    user.find(marker='login-email').type(actor.email)
    user.find(marker='login-password').type(password)
    user.find(marker='login-submit').click()


async def fill_customer_form(user: User, **overrides: str) -> None:
    values = {
        'name': 'Asha Rao',
        'email': 'asha@example.com',
        'phone': '+919876543210',
        'password': PASSWORD,
        'address': '12 MG Road, Bengaluru',
        'pincode': '560001',
    } | overrides
    await user.open('/register')
    await user.should_see(marker='customer-submit')
    for name, value in values.items():
        user.find(marker=f'customer-{name}').type(value)


# --- sign-up ----------------------------------------------------------------------------------------------------


async def test_customer_signs_up_and_lands_on_customer_home(user: User) -> None:
    await fill_customer_form(user)
    user.find(marker='customer-submit').click()
    await user.should_see('Hello, Asha Rao.')
    assert path_of(user) == '/customer'
    await user.should_see(marker='customer-welcome')
    assert identity.sign_in('asha@example.com', PASSWORD, client_ip='10.0.0.1').actor.name == 'Asha Rao'


async def test_professional_signs_up_and_sees_pending_approval(user: User) -> None:
    service = make_service(name='Plumbing')
    await user.open('/register')
    await user.should_see(marker='register-tab-professional')
    user.find(marker='register-tab-professional').click()
    await user.should_see(marker='professional-submit')
    user.find(marker='professional-name').type('Ravi Kumar')
    user.find(marker='professional-email').type('ravi@example.com')
    user.find(marker='professional-phone').type('+919812345678')
    user.find(marker='professional-password').type(PASSWORD)
    user.find(marker='professional-service').elements.pop().value = service.id
    user.find(marker='professional-experience').elements.pop().value = 7
    user.find(marker='professional-description').type('Leaks, taps and fittings.')
    user.find(marker='professional-pincodes').type('560001, 560034')
    user.find(marker='professional-submit').click()
    await user.should_see(marker='approval-pending')
    assert path_of(user) == '/professional'
    await user.should_see('awaiting approval')
    assert user.find(marker='profile-service_id').elements.pop().value == service.id
    assert user.find(marker='profile-experience_years').elements.pop().value == 7
    assert user.find(marker='profile-pincodes').elements.pop().value == '560001, 560034'


async def test_sign_up_with_taken_email_is_refused_and_stays(user: User) -> None:
    taken = make_customer()
    await fill_customer_form(user, email=taken.email.upper())
    user.find(marker='customer-submit').click()
    await user.should_see('already exists')
    assert path_of(user) == '/register'
    await user.should_not_see(marker='customer-welcome')


async def test_sign_up_with_invalid_pincode_shows_the_field_error(user: User) -> None:
    await fill_customer_form(user, email='new@example.com', pincode='012345')
    user.find(marker='customer-submit').click()
    await user.should_see('A pincode is 6 digits and does not start with 0.')
    pincode = user.find(marker='customer-pincode').elements.pop()
    assert pincode.props['error'] is True
    assert path_of(user) == '/register'
    with pytest.raises(InvalidCredentials):
        identity.sign_in('new@example.com', PASSWORD, client_ip='10.0.0.1')


async def test_register_without_active_services_tells_professionals_to_wait(user: User) -> None:
    await user.open('/register')
    await user.should_see(marker='register-tab-professional')
    user.find(marker='register-tab-professional').click()
    await user.should_see('professionals cannot sign up')
    await user.should_not_see(marker='professional-submit')


# --- sign-in ----------------------------------------------------------------------------------------------------


async def test_admin_signs_in_and_lands_on_admin(user: User) -> None:
    admin = make_admin(name='Meera Admin')
    await sign_in(user, admin)
    await user.should_see(marker='admin-welcome')
    assert path_of(user) == '/admin'
    await user.should_see('Welcome, Meera Admin.')


async def test_customer_signs_in_and_lands_on_customer(user: User) -> None:
    customer = make_customer(name='Kiran')
    await sign_in(user, customer)
    await user.should_see(marker='customer-welcome')
    assert path_of(user) == '/customer'


async def test_wrong_password_is_refused(user: User) -> None:
    customer = make_customer()
    await sign_in(user, customer, 'not the password')
    await user.should_see('Email or password is incorrect.')
    assert path_of(user) == '/login'
    assert user.find(marker='login-password').elements.pop().value == ''
    await user.open('/customer')
    await user.should_see(marker='login-submit')


async def test_blocked_user_with_right_password_is_told_they_are_blocked(user: User) -> None:
    customer = make_customer()
    block(customer)
    await sign_in(user, customer)
    await user.should_see('blocked')
    assert path_of(user) == '/login'
    await user.should_not_see(marker='customer-welcome')


async def test_enter_in_the_password_field_signs_in(user: User) -> None:
    customer = make_customer()
    await user.open('/login')
    await user.should_see(marker='login-submit')
    user.find(marker='login-email').type(customer.email)
    user.find(marker='login-password').type(PASSWORD).trigger('keydown.enter')
    await user.should_see(marker='customer-welcome')
    assert path_of(user) == '/customer'


async def test_too_many_failures_throttle_even_the_right_password(user: User) -> None:
    customer = make_customer()
    for _ in range(get_settings().signin_account_failures):
        with pytest.raises(InvalidCredentials):
            identity.sign_in(customer.email, 'wrong password', client_ip='10.0.0.1')
    await sign_in(user, customer)
    await user.should_see('Too many sign-in attempts')
    assert path_of(user) == '/login'
    await user.should_not_see(marker='customer-welcome')


# --- `/`, redirects and roles -----------------------------------------------------------------------------------


async def test_root_sends_anonymous_visitors_to_login(user: User) -> None:
    await user.open('/')
    await user.should_see(marker='login-submit')
    assert path_of(user) == '/login'


@pytest.mark.parametrize(('make_actor', 'home'), [(make_admin, '/admin'), (make_customer, '/customer')])
async def test_root_sends_signed_in_users_to_their_home(user: User, make_actor, home: str) -> None:
    await sign_in(user, make_actor())
    await user.should_see(marker='frame-sign-out')
    await user.open('/')
    await user.should_see(marker='frame-sign-out')
    assert path_of(user) == home


async def test_professional_root_goes_to_professional_home(user: User) -> None:
    await sign_in(user, make_professional())
    await user.should_see(marker='approval-pending')
    await user.open('/')
    await user.should_see(marker='approval-pending')
    assert path_of(user) == '/professional'


@pytest.mark.parametrize(
    ('make_actor', 'page', 'marker'),
    [(make_admin, '/admin', 'admin-welcome'), (make_customer, '/account', 'account-save')],
)
async def test_protected_page_asks_to_sign_in_then_comes_back(user: User, make_actor, page: str, marker: str) -> None:
    await user.open(page)
    await user.should_see(marker='login-submit')
    assert path_of(user) == '/login'
    assert user.client.request.query_params['redirect_to'] == page
    user.find(marker='login-email').type(make_actor().email)
    user.find(marker='login-password').type(PASSWORD)
    user.find(marker='login-submit').click()
    await user.should_see(marker=marker)
    assert path_of(user) == page


OFF_SITE = [
    'https://evil.example',
    '//evil.example',
    '/\\evil.example',
    '/\\/evil.example',
    'javascript:alert(1)',
    '/\t/evil.example',
    '/\n/evil.example',
    ' //evil.example',
    'http:/evil.example',
    '/logout',
    '/login?redirect_to=%2F',
    '/login/finish?ticket=x&to=%2Fcustomer',
    '/customer\n',
]


@pytest.mark.parametrize(
    'target',
    [
        '/customer?text=deep+cleaning&pincode=560001',
        '/admin/users?text=ravi@example.com',
        '/admin/requests?status=requested&after=2026-12-01T10%3A00%3A00%2B05%3A30',
        '/customer/requests/12#history',
    ],
)
def test_any_path_and_query_on_this_site_survives_the_sign_in(target: str) -> None:
    assert safe_redirect(target) == target


@pytest.mark.parametrize('target', OFF_SITE)
def test_nothing_that_could_leave_the_site_is_followed(target: str) -> None:
    assert safe_redirect(target) == '/'


async def test_a_multi_word_search_is_still_there_after_signing_in(user: User) -> None:
    make_customer(email='searcher@example.com')
    await user.open('/customer?text=deep+cleaning&pincode=560001')
    await user.should_see(marker='login-submit')
    user.find(marker='login-email').type('searcher@example.com')
    user.find(marker='login-password').type(PASSWORD)
    user.find(marker='login-submit').click()
    await user.should_see(marker='customer-welcome', retries=PATIENCE)
    assert user.client.request.url.path == '/customer'
    assert user.client.request.query_params['text'] == 'deep cleaning'
    assert user.client.request.query_params['pincode'] == '560001'


@pytest.mark.parametrize('target', OFF_SITE)
async def test_unsafe_redirect_target_falls_back_to_role_home(user: User, target: str) -> None:
    customer = make_customer()
    await sign_in(user, customer, path=f'/login?redirect_to={quote(target, safe="")}')
    await user.should_see(marker='customer-welcome')
    assert path_of(user) == '/customer'


async def test_customer_opening_admin_is_sent_to_customer_home(user: User) -> None:
    await sign_in(user, make_customer())
    await user.should_see(marker='customer-welcome')
    await user.open('/admin')
    await user.should_see(marker='customer-welcome')
    assert path_of(user) == '/customer'
    await user.should_not_see(marker='admin-welcome')


@pytest.mark.parametrize('page', ['/login', '/register'])
async def test_signed_in_user_opening_login_or_register_goes_home(user: User, page: str) -> None:
    await sign_in(user, make_customer())
    await user.should_see(marker='customer-welcome')
    await user.open(page)
    await user.should_see(marker='customer-welcome')
    assert path_of(user) == '/customer'


# --- sign-out ---------------------------------------------------------------------------------------------------


async def test_logout_ends_the_session_on_the_server(user: User) -> None:
    customer = make_customer()
    await sign_in(user, customer)
    await user.should_see(marker='customer-welcome')
    await user.open('/logout')
    await user.should_see(marker='login-submit')
    assert path_of(user) == '/login'
    with session_scope() as session:
        sessions = session.scalars(select(AuthSession).where(AuthSession.user_id == customer.id)).all()
    assert [(s.revoked_at is not None, s.revoked_reason) for s in sessions] == [(True, 'signed out')]
    await user.open('/customer')
    await user.should_see(marker='login-submit')
    assert path_of(user) == '/login'


async def test_buttons_and_tabs_are_in_sentence_case_like_the_rest_of_the_app(user: User) -> None:
    make_service()  # so that the professional's tab has a form
    await user.open('/register')
    await user.should_see(marker='customer-submit')
    assert 'no-caps' in user.find(marker='register-tab-professional').elements.pop().props
    assert 'no-caps' in user.find(marker='customer-submit').elements.pop().props
    await user.open('/login')
    await user.should_see(marker='login-submit')
    assert 'no-caps' in user.find(marker='login-submit').elements.pop().props


async def test_a_blocked_users_page_says_why_and_the_refusal_stays_in_words(user: User) -> None:
    customer = make_customer()
    await open_as(user, customer, '/customer', 'customer-welcome')
    block(customer, 'Fake bookings')
    await user.open('/login?redirect_to=%2Fcustomer&ended=1')  # where their open page sends them (follow_viewer)
    await user.should_see(marker='login-ended')
    assert user.find(marker='login-ended').elements.pop().text.startswith('An admin blocked this account')
    user.find(marker='login-email').type(customer.email)
    user.find(marker='login-password').type(PASSWORD)
    user.find(marker='login-submit').click()
    await user.should_see('This account is blocked.', retries=PATIENCE)
    await asyncio.sleep(0.2)
    refusal = user.find(marker='login-refusal').elements.pop()
    assert refusal.visible and refusal.text.startswith('This account is blocked.')
    assert user.client.request.url.path == '/login'


async def test_a_session_that_simply_ended_gets_the_general_notice(user: User) -> None:
    await user.open('/login?ended=1')
    await user.should_see(marker='login-ended')
    assert user.find(marker='login-ended').elements.pop().text.startswith('Your session ended')


async def test_a_browser_id_planted_before_sign_in_is_not_the_one_signed_in(user: User) -> None:
    """Session fixation: someone who set our cookie in a victim's browser (with an id they know) before the victim
    signed in must not be signed in with it afterwards."""
    from nicegui.storage import Storage  # noqa: PLC0415 (the simulation's secret, set when the app runs)

    customer = make_customer()
    planted = TimestampSigner(Storage.secret).sign(b64encode(json.dumps({'id': 'planted-id'}).encode())).decode()
    await user.http_client.get('/healthz')  # any visit gives the browser NiceGUI's cookie; then it is swapped
    [cookie] = [cookie for cookie in user.http_client.cookies.jar if cookie.name == 'session']
    cookie.value = planted
    await sign_in(user, customer)
    await user.should_see(marker='customer-welcome')
    assert [c.value for c in user.http_client.cookies.jar if c.name == 'session'] != [planted]
    assert SESSION_KEY not in app.storage._users.get('planted-id', {})
    async with httpx.AsyncClient(transport=user.http_client._transport, base_url='http://test') as attacker:
        response = await attacker.get('/customer', headers={'cookie': f'session={planted}'})
    assert response.status_code == 307
    assert response.headers['location'].startswith('/login')
