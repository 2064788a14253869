"""`/admin/users` and `/admin/users/{id}`: filters in the URL, pages, refusals, a professional's documents in the
page, approve / reject / block / unblock / unlock, and acting on someone another admin changed a moment ago."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlalchemy import func, select

from models import AuditEvent, SignInAttempt
from models import User as UserModel
from models.enums import ApprovalState
from services import InvalidCredentials, catalog, identity, people, session_scope
from tests.factories import (
    JPEG_BYTES,
    OPERATOR,
    PASSWORD,
    PDF_BYTES,
    add_document,
    approve,
    block,
    make_admin,
    make_approved_professional,
    make_customer,
    make_professional,
    make_service,
    sign_in,
)
from tests.pages.support import PATIENCE, open_as, path_of, table_rows

XSS = '<img src=x onerror=alert(1)>'


async def sees(user: User, text: str | None = None, *, marker: str | None = None) -> None:
    await user.should_see(text, marker=marker, retries=PATIENCE)


def names_shown(user: User) -> list[str]:
    return [row['name'] for row in table_rows(user, 'users-table')]


def stored(user_id: int) -> UserModel:
    with session_scope() as session:
        user = session.get(UserModel, user_id)
        _ = user.professional_profile  # loaded before the unit ends
        return user


def count(model: type, *criteria: object) -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(model).where(*criteria))


def error_of(user: User, marker: str) -> str | None:
    element = user.find(marker=marker).elements.pop()
    return element.props.get('error-message') if element.props.get('error') else None


async def query_becomes(user: User, query: str) -> None:
    """Wait for a navigation to land on the list with this query string."""
    for _ in range(200):
        if user.client.request.url.query == query:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f'the query is {user.client.request.url.query!r}, not {query!r}')


async def give_reason(user: User, key: str, reason: str) -> None:
    """Press the action's button, type the reason into its dialog and confirm."""
    user.find(marker=f'user-{key}').click()
    await sees(user, marker=f'user-{key}-reason')
    user.find(marker=f'user-{key}-reason').type(reason)
    user.find(marker=f'user-{key}-confirm').click()


async def until(check, what: str) -> None:
    for _ in range(200):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f'{what} never happened')


# --- the list -------------------------------------------------------------------------------------------------------


async def test_admin_sees_everyone_newest_first_with_role_status_service_and_rating(user: User) -> None:
    admin = make_admin(name='Root')
    make_customer(name='Asha', pincode='700016')
    service = make_service(name='Plumbing')
    make_professional(name='Ravi', service_id=service.id, pincodes='560001, 560002, 560003, 560004')
    await open_as(user, admin, '/admin/users', 'users-table')
    ravi, asha, root = table_rows(user, 'users-table')
    assert {key: ravi[key] for key in ('name', 'role', 'status', 'service', 'pincode', 'rating')} == {
        'name': 'Ravi',
        'role': 'professional',
        'status': 'active · awaiting approval',
        'service': 'Plumbing',
        'pincode': '560001, 560002, 560003 and 1 more',
        'rating': 'no reviews yet',
    }
    assert (asha['name'], asha['status'], asha['pincode'], asha['url']) == (
        'Asha',
        'active',
        '700016',
        f'/admin/users/{asha["id"]}',
    )
    assert (root['role'], root['rating']) == ('admin', '')
    await sees(user, '3 users')


async def test_every_filter_comes_from_the_url(user: User) -> None:
    plumbing = make_service(name='Plumbing')
    make_approved_professional(name='Plumber', service_id=plumbing.id, pincodes='110001')
    make_professional(name='Newcomer', pincodes='560001')
    blocked = make_customer(name='Blocked Asha')
    block(blocked)
    make_customer(name='Ravi', email='ravi.k@example.com', pincode='110001')
    await open_as(user, make_admin(name='Root'), '/admin/users', 'users-table')
    for query, expected in [
        ('text=RAVI.K', ['Ravi']),
        ('role=professional', ['Newcomer', 'Plumber']),
        ('status=blocked', ['Blocked Asha']),
        ('status=pending', ['Newcomer']),
        (f'service_id={plumbing.id}', ['Plumber']),
        ('pincode=110001', ['Ravi', 'Plumber']),
        ('role=customer&status=active', ['Ravi']),
        ('min_rating=4', []),
    ]:
        await user.open(f'/admin/users?{query}')
        if expected:
            await sees(user, marker='users-table')
            assert names_shown(user) == expected, query
        else:
            await sees(user, marker='users-empty')
            await sees(user, 'No user matches these filters.')


async def test_the_form_puts_the_filters_into_the_url_and_keeps_them(user: User) -> None:
    make_customer(name='Asha Verma')
    make_customer(name='Ravi')
    await open_as(user, make_admin(), '/admin/users', 'users-table')
    user.find(marker='users-filter-text').type('asha')
    user.find(marker='users-filter-pincode').type('560001')
    user.find(marker='users-filter-apply').click()
    await query_becomes(user, 'text=asha&pincode=560001')
    await sees(user, marker='users-table')
    assert names_shown(user) == ['Asha Verma']
    assert user.find(marker='users-filter-text').elements.pop().value == 'asha'
    user.find(marker='users-filter-clear').click()
    await query_becomes(user, '')
    await sees(user, '3 users')


async def test_pages_go_forward_and_back_by_link(user: User) -> None:
    for n in range(1, 23):
        make_customer(name=f'Customer {n:02d}')
    await open_as(user, make_admin(), '/admin/users?role=customer', 'users-table')
    assert names_shown(user)[0] == 'Customer 22'
    assert len(names_shown(user)) == 20
    next_url = user.find(marker='users-pager-next').elements.pop().props['href']
    assert next_url.startswith('/admin/users?role=customer&cursor=n')
    await user.open(next_url)
    await sees(user, marker='users-table')
    assert names_shown(user) == ['Customer 02', 'Customer 01']
    assert not user.find(marker='users-pager-next').elements.pop().enabled
    await user.open(user.find(marker='users-pager-previous').elements.pop().props['href'])
    await sees(user, marker='users-table')
    assert names_shown(user)[0] == 'Customer 22'
    await sees(user, '22 users')


async def test_nobody_yet_is_an_empty_state_not_an_error(user: User) -> None:
    await open_as(user, make_admin(), '/admin/users?role=customer', 'users-empty')
    await sees(user, 'No user matches these filters.')
    await sees(user, marker='users-first-page')


@pytest.mark.parametrize(
    ('query', 'marker', 'message'),
    [
        ('pincode=012345', 'users-filter-pincode', 'A pincode is 6 digits'),
        ('min_rating=9', 'users-filter-min_rating', 'Minimum rating is a number from 1 to 5'),
        ('role=boss', 'users-filter-role', 'Choose a role from the list.'),
        ('service_id=999999', 'users-filter-service_id', 'Choose a service from the list.'),
        ('text=' + quote('tab\there'), 'users-filter-text', 'cannot be shown'),
    ],
)
async def test_an_invalid_filter_is_explained_next_to_its_field(
    user: User, query: str, marker: str, message: str
) -> None:
    make_customer()
    await open_as(user, make_admin(), f'/admin/users?{query}', 'users-refused')
    assert message in (error_of(user, marker) or '')
    await user.should_not_see(marker='users-table', retries=PATIENCE)


async def test_a_stale_page_link_offers_the_first_page(user: User) -> None:
    make_customer()
    await open_as(user, make_admin(), '/admin/users?role=customer&cursor=garbage', 'users-first-page')
    await sees(user, 'That page link is no longer valid.')
    assert user.find(marker='users-first-page').elements.pop().props['href'] == '/admin/users?role=customer'


async def test_a_non_admin_is_sent_to_their_own_home(user: User) -> None:
    customer = make_customer()
    await user.open('/login?redirect_to=%2Fadmin%2Fusers')
    await sees(user, marker='login-submit')
    user.find(marker='login-email').type(customer.email)
    user.find(marker='login-password').type(PASSWORD)
    user.find(marker='login-submit').click()
    await sees(user, marker='customer-welcome')
    assert path_of(user) == '/customer'
    await user.open('/admin/users/1')
    await sees(user, marker='customer-welcome')


async def test_a_name_is_shown_as_typed_never_as_markup(user: User) -> None:
    make_customer(name=XSS)
    await open_as(user, make_admin(), '/admin/users?role=customer', 'users-table')
    assert names_shown(user) == [XSS]
    assert '{{ col.value }}' in user.find(marker='users-table').elements.pop().slots['body'].template  # Vue escapes


# --- one person -----------------------------------------------------------------------------------------------------


async def test_a_professionals_documents_are_shown_in_the_page_through_the_checking_route(user: User) -> None:
    service = make_service(name='Plumbing')
    professional = make_professional(name='Ravi', service_id=service.id)
    pdf = add_document(professional, PDF_BYTES, 'aadhaar.pdf')
    photo = add_document(professional, JPEG_BYTES, 'certificate.jpg', kind='certificate')
    await open_as(user, make_admin(), f'/admin/users/{professional.id}', 'user-profile')
    frame = user.find(marker=f'document-{pdf}-view').elements.pop()
    image = user.find(marker=f'document-{photo}-view').elements.pop()
    assert (frame.tag, frame.props['src'], frame.props['title']) == (
        'iframe',
        f'/documents/{pdf}',
        'ID proof: aadhaar.pdf',
    )
    assert (image.tag, image.props['src'], image.props['alt']) == (
        'img',
        f'/documents/{photo}',
        'Certificate: certificate.jpg',
    )
    link = user.find(marker=f'document-{pdf}-open').elements.pop()
    assert (link.props['href'], link.props['target']) == (f'/documents/{pdf}', '_blank')
    await sees(user, 'awaiting approval')
    response = await user.http_client.get(f'/documents/{pdf}')
    assert (response.status_code, response.content) == (200, PDF_BYTES)
    assert "frame-ancestors 'self'" in response.headers['content-security-policy']


async def test_a_retired_service_is_flagged_on_the_profile(user: User) -> None:
    service = make_service(name='Old Trade')
    professional = make_approved_professional(service_id=service.id)
    with session_scope(write=True) as session:
        catalog.retire_service(session, OPERATOR, service_id=service.id)
    await open_as(user, make_admin(), f'/admin/users/{professional.id}', 'user-service-retired')
    await sees(user, 'Old Trade is retired')
    await sees(user, marker='user-documents-empty')


async def test_admin_sees_a_customers_address_and_requests(user: User) -> None:
    customer = make_customer(name='Asha', address='5 Park Street', pincode='700016')
    await open_as(user, make_admin(), f'/admin/users/{customer.id}', 'user-summary')
    await sees(user, '5 Park Street (700016)')
    await sees(user, 'none yet')
    await user.should_not_see(marker='user-approve', retries=PATIENCE)
    await user.should_not_see(marker='user-profile', retries=PATIENCE)


async def test_approve_a_pending_professional(user: User) -> None:
    professional = make_professional()
    await open_as(user, make_admin(), f'/admin/users/{professional.id}', 'user-approve')
    user.find(marker='user-approve').click()
    await sees(user, 'Approved: they can take requests now')
    await until(
        lambda: stored(professional.id).professional_profile.approval_state is ApprovalState.APPROVED, 'approval'
    )
    await user.should_not_see(marker='user-approve', retries=PATIENCE)
    await sees(user, marker='user-reject')


async def test_reject_with_a_reason(user: User) -> None:
    professional = make_professional()
    await open_as(user, make_admin(), f'/admin/users/{professional.id}', 'user-reject')
    await give_reason(user, 'reject', 'The ID proof is unreadable.')
    await sees(user, 'Rejected: they were told why')
    profile = stored(professional.id).professional_profile
    assert (profile.approval_state, profile.approval_reason) == (ApprovalState.REJECTED, 'The ID proof is unreadable.')
    await sees(user, 'The ID proof is unreadable.')
    await user.should_not_see(marker='user-reject', retries=PATIENCE)


async def test_backing_out_of_the_reason_dialog_changes_nothing(user: User) -> None:
    customer = make_customer()
    await open_as(user, make_admin(), f'/admin/users/{customer.id}', 'user-block')
    user.find(marker='user-block').click()
    await sees(user, marker='user-block-reason')
    user.find(marker='user-block-cancel').click()
    await user.should_not_see(marker='user-block-reason', retries=PATIENCE)
    assert stored(customer.id).is_blocked is False


async def test_block_with_a_reason_ends_their_sessions(user: User) -> None:
    customer = make_customer(name='Asha')
    token = sign_in(customer).key
    await open_as(user, make_admin(), f'/admin/users/{customer.id}', 'user-block')
    await give_reason(user, 'block', 'Abusive messages')
    await sees(user, 'Blocked: their sessions ended.')
    assert (stored(customer.id).is_blocked, stored(customer.id).blocked_reason) == (True, 'Abusive messages')
    assert identity.authenticate(token) is None
    await sees(user, marker='user-unblock')
    reason = user.find(marker='fact-why-blocked').elements.pop()
    since = user.find(marker='fact-blocked-since').elements.pop()
    assert [label.text for label in reason.default_slot.children] == ['Abusive messages']  # not run into the date
    assert [label.text for label in since.default_slot.children] != []


async def test_unblock_with_a_reason(user: User) -> None:
    customer = make_customer()
    block(customer)
    await open_as(user, make_admin(), f'/admin/users/{customer.id}', 'user-unblock')
    await give_reason(user, 'unblock', 'Appeal accepted')
    await sees(user, 'Unblocked: they can sign in again.')
    assert stored(customer.id).is_blocked is False
    with session_scope() as session:
        reason = session.scalar(select(AuditEvent.reason).where(AuditEvent.action == 'user.unblock'))
    assert reason == 'Appeal accepted'
    await sees(user, marker='user-block')


async def test_unlock_a_throttled_sign_in(user: User) -> None:
    customer = make_customer()
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            sign_in(customer, 'wrong password here')
    await open_as(user, make_admin(), f'/admin/users/{customer.id}', 'user-unlock')
    await sees(user, 'locked for')
    user.find(marker='user-unlock').click()
    await sees(user, 'Sign-in unlocked: they can try again now.')
    await user.should_not_see(marker='user-unlock', retries=PATIENCE)
    assert count(SignInAttempt, SignInAttempt.email == customer.email, SignInAttempt.cleared_at.is_(None)) == 0
    assert sign_in(customer).actor.id == customer.id


async def test_an_admin_cannot_block_themselves_from_their_own_page(user: User) -> None:
    admin = make_admin()
    await open_as(user, admin, f'/admin/users/{admin.id}', 'user-summary')
    await user.should_not_see(marker='user-block', retries=PATIENCE)


@pytest.mark.parametrize('user_id', ['999999', 'abc', str(2**70), '0', '-1'])
async def test_an_unknown_user_is_said_not_to_exist(user: User, user_id: str) -> None:
    make_customer()
    await open_as(user, make_admin(), f'/admin/users/{quote(user_id)}', 'user-missing')
    await sees(user, 'That user does not exist.')


# --- stale actions: another admin acted a moment ago ----------------------------------------------------------------


async def test_approving_someone_another_admin_just_approved_says_so_and_changes_nothing(user: User) -> None:
    professional = make_professional()
    await open_as(user, make_admin(), f'/admin/users/{professional.id}', 'user-approve')
    approve(professional)  # another admin, a moment ago
    before = count(AuditEvent)
    user.find(marker='user-approve').click()
    await sees(user, 'This profile changed a moment ago: it is approved now.')
    await user.should_not_see(marker='user-approve', retries=PATIENCE)  # the page shows the person as they are now
    assert count(AuditEvent) == before


async def test_blocking_someone_another_admin_just_blocked_keeps_their_reason(user: User) -> None:
    customer = make_customer()
    await open_as(user, make_admin(), f'/admin/users/{customer.id}', 'user-block')
    block(customer, reason='Chargeback')  # another admin, a moment ago
    await give_reason(user, 'block', 'Spam')
    await sees(user, 'This user is already blocked: someone else blocked them in the meantime.')
    assert stored(customer.id).blocked_reason == 'Chargeback'
    await sees(user, marker='user-unblock')


async def test_unblocking_someone_another_admin_just_unblocked_says_so(user: User) -> None:
    customer = make_customer()
    block(customer)
    await open_as(user, make_admin(), f'/admin/users/{customer.id}', 'user-unblock')
    with session_scope(write=True) as session:
        people.unblock_user(session, OPERATOR, user_id=customer.id)
    await give_reason(user, 'unblock', 'Appeal accepted')
    await sees(user, 'This user is not blocked: someone else unblocked them in the meantime.')
    assert stored(customer.id).is_blocked is False


async def test_a_blocked_admins_next_click_goes_to_sign_in(user: User) -> None:
    admin, customer = make_admin(), make_customer()
    await open_as(user, admin, f'/admin/users/{customer.id}', 'user-block')
    block(admin)
    user.find(marker='user-block').click()
    await sees(user, marker='login-submit')
    assert stored(customer.id).is_blocked is False


async def test_the_detail_page_has_no_raw_ids_as_text(user: User) -> None:
    professional = make_approved_professional(name='Ravi')
    add_document(professional)
    await open_as(user, make_admin(), f'/admin/users/{professional.id}', 'user-profile')
    texts = [label.text for label in user.find(ui.label).elements]
    assert str(professional.id) not in texts
