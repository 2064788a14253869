"""`/account`: profile and password changes, their refusals, and re-validation of the viewer on every click."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from models import User as UserRow
from models.enums import NotificationChannel
from services import Actor, InvalidCredentials, clock, identity, messaging, people, session_scope
from services.messaging import ChannelPreference
from services.people import ProfileView
from tests.factories import PASSWORD, block, make_admin, make_customer, make_professional, sign_in
from tests.pages.support import drawer_settled, open_as, path_of

NEW_PASSWORD = 'purple elephant ladder'


async def open_account(user: User, actor: Actor, password: str = PASSWORD) -> None:
    """Sign in through the login page, which sends the user on to /account."""
    await open_as(user, actor, '/account', 'account-save', password=password)


def profile_of(actor: Actor) -> ProfileView:
    with session_scope() as session:
        return people.get_profile(session, actor)


def set_field(user: User, marker: str, value: str) -> None:
    user.find(marker=marker).clear().type(value)


def field_error(user: User, marker: str) -> str | None:
    element = user.find(marker=marker).elements.pop()
    return element.props.get('error-message') if element.props.get('error') else None


async def change_password(user: User, current: str, new: str, confirm: str | None = None) -> None:
    set_field(user, 'account-current_password', current)
    set_field(user, 'account-new_password', new)
    set_field(user, 'account-confirm', new if confirm is None else confirm)
    user.find(marker='account-change-password').click()


# --- profile ----------------------------------------------------------------------------------------------------


async def test_customer_sees_their_profile(user: User) -> None:
    customer = make_customer(name='Asha', address='5 Park Street', pincode='700016', phone='+919800000001')
    await open_account(user, customer)
    await user.should_see(f'Email: {customer.email}')
    values = {m: user.find(marker=f'account-{m}').elements.pop().value for m in ('name', 'phone', 'address', 'pincode')}
    assert values == {'name': 'Asha', 'phone': '+919800000001', 'address': '5 Park Street', 'pincode': '700016'}


async def test_profile_save_changes_the_name_shown(user: User) -> None:
    customer = make_customer(name='Old Name')
    await open_account(user, customer)
    set_field(user, 'account-name', 'New Name')
    set_field(user, 'account-address', '9 Brigade Road')
    user.find(marker='account-save').click()
    await user.should_see('Profile saved.')
    assert (profile_of(customer).name, profile_of(customer).address) == ('New Name', '9 Brigade Road')
    await user.open('/account')
    await user.should_see(marker='account-save')
    assert user.find(marker='frame-user-name').elements.pop().text == 'New Name'
    assert user.find(marker='account-name').elements.pop().value == 'New Name'


async def test_profile_save_with_bad_pincode_shows_the_field_error(user: User) -> None:
    customer = make_customer(pincode='560001')
    await open_account(user, customer)
    set_field(user, 'account-name', 'Changed')
    set_field(user, 'account-pincode', '56001')
    user.find(marker='account-save').click()
    await user.should_see('A pincode is 6 digits and does not start with 0.')
    assert field_error(user, 'account-pincode') == 'A pincode is 6 digits and does not start with 0.'
    await user.should_not_see('Profile saved.')
    assert (profile_of(customer).name, profile_of(customer).pincode) == (customer.name, '560001')


async def test_fixing_the_field_clears_its_error(user: User) -> None:
    customer = make_customer()
    await open_account(user, customer)
    set_field(user, 'account-phone', '12345')
    user.find(marker='account-save').click()
    await user.should_see('country code')
    assert field_error(user, 'account-phone') is not None
    set_field(user, 'account-phone', '+919811111111')
    user.find(marker='account-save').click()
    await user.should_see('Profile saved.')
    assert field_error(user, 'account-phone') is None
    assert profile_of(customer).phone == '+919811111111'


async def test_professional_account_has_no_address_and_shows_approval(user: User) -> None:
    professional = make_professional()
    await open_account(user, professional)
    await user.should_see(marker='approval-pending')
    await user.should_not_see(marker='account-address')
    await user.should_not_see(marker='account-pincode')
    set_field(user, 'account-phone', '')
    user.find(marker='account-save').click()
    await user.should_see('Phone is required.')
    assert profile_of(professional).phone == '+919876543210'


async def test_admin_account_page_opens(user: User) -> None:
    admin = make_admin(name='Root Admin')
    await open_account(user, admin)
    await user.should_see(f'Email: {admin.email}')
    await user.should_not_see(marker='account-address')


# --- password ---------------------------------------------------------------------------------------------------


async def test_password_change_succeeds_and_clears_the_form(user: User) -> None:
    customer = make_customer()
    await open_account(user, customer)
    await change_password(user, PASSWORD, NEW_PASSWORD)
    await user.should_see('Password changed')
    for marker in ('account-current_password', 'account-new_password', 'account-confirm'):
        assert user.find(marker=marker).elements.pop().value == ''
    assert identity.sign_in(customer.email, NEW_PASSWORD, client_ip='10.0.0.2').actor.id == customer.id
    with pytest.raises(InvalidCredentials):
        identity.sign_in(customer.email, PASSWORD, client_ip='10.0.0.2')
    await user.open('/customer')  # this session was kept
    await user.should_see(marker='customer-welcome')


async def test_password_change_with_wrong_current_password_is_refused(user: User) -> None:
    customer = make_customer()
    await open_account(user, customer)
    await change_password(user, 'not my password', NEW_PASSWORD)
    await user.should_see('Your current password is incorrect.')
    assert field_error(user, 'account-current_password') == 'Your current password is incorrect.'
    await user.should_not_see('Password changed')
    assert identity.sign_in(customer.email, PASSWORD, client_ip='10.0.0.2').actor.id == customer.id


async def test_password_change_with_mismatched_confirmation_is_refused(user: User) -> None:
    customer = make_customer()
    await open_account(user, customer)
    await change_password(user, PASSWORD, NEW_PASSWORD, confirm=NEW_PASSWORD + '!')
    await user.should_see('differ')
    assert field_error(user, 'account-new_password') == 'The two new passwords differ.'
    await user.should_not_see('Password changed')
    assert identity.sign_in(customer.email, PASSWORD, client_ip='10.0.0.2').actor.id == customer.id


async def test_weak_new_password_is_refused_on_its_field(user: User) -> None:
    customer = make_customer()
    await open_account(user, customer)
    await change_password(user, PASSWORD, 'short')
    await user.should_see('at least')
    assert 'at least' in (field_error(user, 'account-new_password') or '')
    assert identity.sign_in(customer.email, PASSWORD, client_ip='10.0.0.2').actor.id == customer.id


async def test_password_change_signs_out_the_other_sessions(create_user) -> None:
    customer = make_customer()
    here, elsewhere = create_user(), create_user()
    await open_account(elsewhere, customer)
    await drawer_settled(elsewhere)
    await open_account(here, customer)
    await change_password(here, PASSWORD, NEW_PASSWORD)
    await here.should_see('Password changed')
    await elsewhere.open('/customer')
    await elsewhere.should_see(marker='login-submit')
    assert path_of(elsewhere) == '/login'
    await here.open('/customer')
    await here.should_see(marker='customer-welcome')


# --- the viewer is re-checked on every click --------------------------------------------------------------------


async def test_blocked_user_next_click_goes_to_login(user: User) -> None:
    customer = make_customer(name='Before Block')
    await open_account(user, customer)
    block(customer)
    set_field(user, 'account-name', 'After Block')
    user.find(marker='account-save').click()
    await user.should_see(marker='login-submit')
    assert path_of(user) == '/login'
    await user.should_see('An admin blocked this account, so you were signed out.')
    await user.should_not_see('Profile saved.')
    with session_scope() as session:
        assert session.get(UserRow, customer.id).name == 'Before Block'  # get_profile refuses a blocked user


async def test_user_signed_out_elsewhere_next_click_goes_to_login(user: User) -> None:
    customer = make_customer()
    await open_account(user, customer)
    with session_scope(write=True) as session:
        assert identity.revoke_sessions(session, user_id=customer.id, reason='signed out', now=clock.now()) == 1
    await change_password(user, PASSWORD, NEW_PASSWORD)
    await user.should_see(marker='login-submit')
    assert path_of(user) == '/login'
    await user.should_not_see('Password changed')
    assert identity.sign_in(customer.email, PASSWORD, client_ip='10.0.0.2').actor.id == customer.id


async def test_after_the_session_ended_signing_in_again_comes_back_to_the_page(user: User) -> None:
    customer = make_customer()
    await open_account(user, customer)
    with session_scope(write=True) as session:
        identity.revoke_sessions(session, user_id=customer.id, reason='signed out', now=clock.now())
    user.find(marker='account-save').click()
    await user.should_see('Your session ended')
    user.find(marker='login-email').type(customer.email)
    user.find(marker='login-password').type(PASSWORD)
    user.find(marker='login-submit').click()
    await user.should_see(marker='account-save')
    assert path_of(user) == '/account'


# --- each profile field's refusal, shown on that field ------------------------------------------------------------


@pytest.mark.parametrize(
    ('marker', 'value', 'message'),
    [
        ('account-name', '', 'Name is required.'),
        ('account-name', 'x' * 101, 'Name must be at most 100 characters.'),
        ('account-phone', '98765', 'Enter the phone number with its country code, like +919876543210.'),
        ('account-address', '', 'Address is required.'),
        ('account-address', 'y' * 301, 'Address must be at most 300 characters.'),
        ('account-pincode', '012345', 'A pincode is 6 digits and does not start with 0.'),
    ],
)
async def test_profile_field_refuses_bad_input_on_itself(user: User, marker: str, value: str, message: str) -> None:
    customer = make_customer(name='Kept Name')
    await open_account(user, customer)
    set_field(user, marker, value)
    user.find(marker='account-save').click()
    await user.should_see(message)
    assert field_error(user, marker) == message
    assert profile_of(customer).name == 'Kept Name'


# --- notification channel -----------------------------------------------------------------------------------------

WEBHOOK = 'https://chat.googleapis.com/v1/spaces/AAAA/messages?key=k&token=t'


def channel_of(actor: Actor) -> ChannelPreference:
    with session_scope() as session:
        return messaging.get_channel(session, actor)


def choose_channel(user: User, channel: str) -> None:
    user.find(marker='account-channel').elements.pop().value = channel


async def test_email_is_the_starting_channel_and_the_webhook_field_waits(user: User) -> None:
    customer = make_customer()
    await open_account(user, customer)
    await user.should_see(f'Email to {customer.email}')
    assert user.find(marker='account-channel').elements.pop().value == 'email'
    await user.should_not_see(marker='account-webhook_url')


async def test_google_chat_with_a_webhook_is_saved(user: User) -> None:
    customer = make_customer()
    await open_account(user, customer)
    choose_channel(user, 'google_chat')
    await user.should_see(marker='account-webhook_url')
    set_field(user, 'account-webhook_url', WEBHOOK)
    user.find(marker='account-save-channel').click()
    await user.should_see('Notification channel saved.')
    assert channel_of(customer) == ChannelPreference(NotificationChannel.GOOGLE_CHAT, WEBHOOK, '')
    await user.open('/account')
    await user.should_see(marker='account-webhook_url')
    assert user.find(marker='account-webhook_url').elements.pop().value == WEBHOOK


@pytest.mark.parametrize(
    ('url', 'message'),
    [
        ('', 'Webhook URL is required.'),
        ('http://chat.googleapis.com/v1/spaces/A', 'it starts with https://chat.googleapis.com/'),
        ('https://chat.example.com/v1/spaces/A', 'it starts with https://chat.googleapis.com/'),
        ('https://chat.googleapis.com/' + 'a' * 480, 'at most 500 characters'),
    ],
)
async def test_a_bad_webhook_is_refused_on_its_field(user: User, url: str, message: str) -> None:
    customer = make_customer()
    await open_account(user, customer)
    choose_channel(user, 'google_chat')
    set_field(user, 'account-webhook_url', url)
    user.find(marker='account-save-channel').click()
    await user.should_see(message)
    assert message in (field_error(user, 'account-webhook_url') or '')
    await user.should_not_see('Notification channel saved.')
    assert channel_of(customer).channel is NotificationChannel.EMAIL


async def test_sms_without_a_profile_phone_is_refused(user: User) -> None:
    customer = make_customer(phone='')
    await open_account(user, customer)
    await user.should_see('SMS (add a phone to your profile first)')
    choose_channel(user, 'sms')
    user.find(marker='account-save-channel').click()
    await user.should_see('SMS goes to your profile phone: add one to your profile first.')
    assert channel_of(customer).channel is NotificationChannel.EMAIL


async def test_sms_to_the_profile_phone_is_saved(user: User) -> None:
    professional = make_professional(phone='+919811122233')
    await open_account(user, professional)
    await user.should_see('SMS to +919811122233')
    choose_channel(user, 'sms')
    user.find(marker='account-save-channel').click()
    await user.should_see('Notification channel saved.')
    assert channel_of(professional).channel is NotificationChannel.SMS


# --- active sessions ----------------------------------------------------------------------------------------------


async def test_this_device_is_listed_and_alone_needs_no_sign_out(user: User) -> None:
    customer = make_customer()
    await open_account(user, customer)
    await user.should_see(marker='session-this-device')
    await user.should_see(marker='sessions-only-here')
    await user.should_not_see(marker='account-sign-out-everywhere')


async def test_sign_out_everywhere_else_ends_the_other_session_and_keeps_this_one(create_user) -> None:
    customer = make_customer()
    here, elsewhere = create_user(), create_user()
    await open_account(elsewhere, customer)
    await drawer_settled(elsewhere)
    await open_account(here, customer)
    await drawer_settled(here)
    await here.should_see(marker='account-sign-out-everywhere')
    here.find(marker='account-sign-out-everywhere').click()
    await here.should_see(marker='sessions-only-here')
    await elsewhere.open('/customer')
    await elsewhere.should_see(marker='login-submit')
    assert path_of(elsewhere) == '/login'
    await here.open('/customer')
    await here.should_see(marker='customer-welcome')


async def test_signing_out_one_other_device(user: User) -> None:
    customer = make_customer()
    other = sign_in(customer, client_ip='10.9.9.9', user_agent='Mozilla/5.0 (Linux; Android 14) Chrome/120.0')
    await open_account(user, customer)
    await user.should_see('Chrome on Android')
    await user.should_see('From 10.9.9.9')
    with session_scope() as session:
        other_id = next(r.id for r in identity.list_sessions(session, customer, key=other.key) if r.is_current)
    user.find(marker=f'session-{other_id}-sign-out').click()
    await user.should_see('Signed out that device.')
    await user.should_see(marker='sessions-only-here')
    assert identity.authenticate(other.key) is None
