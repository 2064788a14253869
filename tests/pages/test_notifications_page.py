"""`/notifications` and the frame's bell: the viewer's own notifications only, the unread count, mark read."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from services import Actor, clock, messaging, session_scope
from tests.factories import (
    accept_request,
    book_request,
    make_admin,
    make_approved_professional,
    make_customer,
    make_service,
)
from tests.pages.support import drawer_settled, open_as


def notify(actor: Actor, message: str, request_id: int | None = None) -> int:
    with session_scope(write=True) as session:
        messaging.notify(session, actor.id, 'test', message, request_id=request_id)
    with session_scope() as session:
        return messaging.list_notifications(session, actor)[0].id


def unread_of(actor: Actor) -> int:
    with session_scope() as session:
        return messaging.count_unread(session, actor)


def bell_label(user: User) -> str:
    return user.find(marker='frame-notifications').elements.pop().props['aria-label']


async def open_notifications(user: User, actor: Actor) -> None:
    await open_as(user, actor, '/notifications', 'notifications-unread')


async def test_the_bell_on_every_page_says_how_many_are_unread(user: User) -> None:
    customer = make_customer()
    for n in range(3):
        notify(customer, f'news {n}')
    await open_as(user, customer, '/account', 'account-save')
    assert bell_label(user) == 'Notifications, 3 unread'
    bell = user.find(marker='frame-notifications').elements.pop()
    assert bell.props['href'] == '/notifications'
    assert user.find(marker='frame-unread-count').elements.pop().text == '3'


async def test_with_nothing_unread_the_bell_shows_no_count(user: User) -> None:
    customer = make_customer()
    await open_as(user, customer, '/account', 'account-save')
    assert bell_label(user) == 'Notifications, none unread'
    await user.should_not_see(marker='frame-unread-count')


async def test_empty_list_says_so(user: User) -> None:
    await open_notifications(user, make_customer())
    await user.should_see(marker='notifications-empty')
    await user.should_see('Everything is read.')
    await user.should_not_see(marker='notifications-mark-all-read')


async def test_list_is_newest_first_with_unread_marked(user: User) -> None:
    customer = make_customer()
    first = notify(customer, 'Your request was accepted.')
    second = notify(customer, 'Your request was completed.')
    with session_scope(write=True) as session:
        messaging.mark_read(session, customer, notification_id=first)
    await open_notifications(user, customer)
    await user.should_see('1 unread')
    items = [e for e in user.find(marker='notification-list').elements.pop().default_slot.children]
    assert [e._markers[0] for e in items] == [f'notification-{second}', f'notification-{first}']
    await user.should_see(marker=f'notification-{second}-read')
    await user.should_not_see(marker=f'notification-{first}-read')
    assert len(user.find(marker='notification-unread').elements) == 1


async def test_mark_read_lowers_the_count_on_the_page_and_the_bell(user: User) -> None:
    customer = make_customer()
    note = notify(customer, 'One')
    notify(customer, 'Two')
    await open_notifications(user, customer)
    await user.should_see('2 unread')
    user.find(marker=f'notification-{note}-read').click()
    await user.should_see('1 unread')
    assert unread_of(customer) == 1
    assert bell_label(user) == 'Notifications, 1 unread'
    await user.should_not_see(marker=f'notification-{note}-read')


async def test_mark_all_read(user: User) -> None:
    customer = make_customer()
    notify(customer, 'One')
    notify(customer, 'Two')
    await open_notifications(user, customer)
    user.find(marker='notifications-mark-all-read').click()
    await user.should_see('Everything is read.')
    assert unread_of(customer) == 0
    assert bell_label(user) == 'Notifications, none unread'
    await user.should_see('One')  # read ones stay in the list


async def test_someone_elses_notifications_are_never_shown(user: User) -> None:
    customer, other = make_customer(), make_customer()
    notify(other, 'Private to the other customer')
    notify(customer, 'Mine')
    await open_notifications(user, customer)
    await user.should_see('Mine')
    await user.should_not_see('Private to the other customer')
    assert bell_label(user) == 'Notifications, 1 unread'


async def test_each_role_links_to_its_own_request_page(create_user) -> None:
    now = clock.now()
    service = make_service()
    customer, professional = make_customer(), make_approved_professional(service_id=service.id)
    request_id = book_request(customer, service.id, now=now, requested_professional_id=professional.id)
    accept_request(professional, request_id, now=now)
    admin = make_admin()
    notify(admin, 'An admin hears about it too', request_id=request_id)
    for actor, path in (
        (customer, '/customer/requests'),
        (professional, '/professional/requests'),
        (admin, '/admin/requests'),
    ):
        viewer = create_user()
        await open_notifications(viewer, actor)
        await drawer_settled(viewer)
        links = viewer.find(ui.link).elements
        assert f'{path}/{request_id}' in {link.props['href'] for link in links}


async def test_a_notification_without_a_request_has_no_link(user: User) -> None:
    customer = make_customer()
    note = notify(customer, 'Account news')
    await open_notifications(user, customer)
    await user.should_see('Account news')
    await user.should_not_see(marker=f'notification-{note}-link')


async def test_signed_out_visitor_goes_to_login(user: User) -> None:
    await user.open('/notifications')
    await user.should_see(marker='login-submit')
