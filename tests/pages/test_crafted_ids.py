"""Ids in URLs and query strings that only look like numbers (a superscript or circled digit passes `str.isdigit`,
twenty digits overflow a 64-bit integer) get the page's own "not found" answer, never the error page (the user
fixture fails a test on the error the error page logs)."""

from __future__ import annotations

from nicegui.testing import User

from services import Actor
from tests.factories import make_admin, make_approved_professional, make_customer, make_service
from tests.pages.support import open_as

CRAFTED = ['²', '①', '\u0663', '\uff11', '99999999999999999999999', '2147483648', '9223372036854775808', '0', '-1']


async def see_each(user: User, actor: Actor, path: str, marker: str, words: str) -> None:
    """Open `path` with each crafted id in turn: the page must answer with `words` under `marker`."""
    await open_as(user, actor, '/account', 'account-save')  # sign-in refuses to send anyone on to such a URL
    for crafted in CRAFTED:
        await user.open(path.format(crafted))
        await user.should_see(marker=marker)
        await user.should_see(words)


async def test_customer_request_page_says_a_crafted_id_does_not_exist(user: User) -> None:
    await see_each(user, make_customer(), '/customer/requests/{}', 'notice', 'That request does not exist.')


async def test_booking_page_says_a_crafted_service_id_does_not_exist(user: User) -> None:
    await see_each(user, make_customer(), '/customer/book/{}', 'notice', 'That service does not exist.')


async def test_booking_page_ignores_a_crafted_professional_id(user: User) -> None:
    service = make_service(name='Tap repair')
    path = f'/customer/book/{service.id}?pincode=560001&professional_id={{}}'
    await see_each(user, make_customer(), path, 'booking-confirm', 'Book Tap repair')


async def test_professional_request_page_says_a_crafted_id_does_not_exist(user: User) -> None:
    professional = make_approved_professional()
    await see_each(user, professional, '/professional/requests/{}', 'request-missing', 'That request does not exist.')


async def test_admin_request_page_says_a_crafted_id_does_not_exist(user: User) -> None:
    await see_each(user, make_admin(), '/admin/requests/{}', 'notice', 'That request does not exist.')


async def test_admin_user_page_says_a_crafted_id_does_not_exist(user: User) -> None:
    await see_each(user, make_admin(), '/admin/users/{}', 'user-missing', 'That user does not exist.')


async def test_notifications_page_says_a_crafted_cursor_is_no_longer_valid(user: User) -> None:
    await see_each(user, make_customer(), '/notifications?before={}', 'notifications-stale', 'no longer valid')
