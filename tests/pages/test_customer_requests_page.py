"""`/customer/requests` and `/customer/requests/{id}`: the customer's list, one request with its history, and what
they may do with it: change it while nobody accepted, cancel under the rule shown, close with a review."""

from __future__ import annotations

from datetime import datetime, timedelta

from nicegui import ui
from nicegui.testing import User
from sqlalchemy import select

from components.words import local_time
from models import Review
from models.db import set_publisher
from models.enums import RequestStatus
from services import Actor, clock, requests, session_scope
from settings import get_settings
from tests.factories import (
    accept_request,
    book_request,
    complete_request,
    make_admin,
    make_approved_professional,
    make_customer,
    make_service,
    slot,
)
from tests.pages.support import drawer_settled, open_as, path_of
from tests.services.request_support import audits, stored


def label(start: datetime) -> str:
    return local_time(start, get_settings().zone)


def soon(now: datetime) -> datetime:
    """A slot less than a day ahead (inside the cancel cut-off) and still bookable."""
    zone = get_settings().zone
    for days in (0, 1):
        for start in requests.available_slots(now.astimezone(zone).date() + timedelta(days=days), 60, now=now):
            if start < now + timedelta(hours=23):
                return start
    raise AssertionError('no slot within a day')


def done_job(customer: Actor, professional: Actor, service_id: int) -> tuple[int, datetime]:
    """A request of `customer` that `professional` accepted and marked done a few days ago; (id, done at)."""
    past = clock.now() - timedelta(days=3)
    at = slot(past, days=1)
    request_id = book_request(customer, service_id, now=past, at=at)
    accept_request(professional, request_id, now=past)
    complete_request(professional, request_id, now=at + timedelta(hours=1))
    return request_id, at + timedelta(hours=1)


# --- the list -----------------------------------------------------------------------------------------------------


async def test_customer_sees_their_requests_newest_first_each_linking_to_its_page(user: User) -> None:
    now = clock.now()
    plumbing, painting = make_service(name='Plumbing', base_price=49900), make_service(name='Painting')
    pro = make_approved_professional(service_id=plumbing.id, name='Ravi Kumar', phone='+919812345678')
    customer = make_customer(address='12 MG Road', pincode='560001')
    first = book_request(customer, plumbing.id, now=now - timedelta(hours=1), at=slot(now, days=2))
    second = book_request(customer, painting.id, now=now, at=slot(now, days=3))
    accept_request(pro, first, now=now)
    book_request(make_customer(), plumbing.id, now=now)  # someone else's: not listed

    await open_as(user, customer, '/customer/requests', 'customer-requests')
    links = sorted(  # in page order (find gives a set)
        (link for link in user.find(ui.link).elements if link.props['href'].startswith('/customer/requests/')),
        key=lambda link: link.id,
    )
    assert [link.props['href'] for link in links] == [f'/customer/requests/{second}', f'/customer/requests/{first}']
    assert links[1].text == f'Plumbing · {label(slot(now, days=2))}'
    await user.should_see('Ravi Kumar, +919812345678')
    await user.should_see('accepted')
    await user.should_see('waiting for a professional')
    await user.should_see('₹499.00 · 12 MG Road (560001)')
    await user.should_see('2 requests')
    user.find(marker=f'request-{first}-link').click()
    await user.should_see(marker='request-summary')
    assert path_of(user) == f'/customer/requests/{first}'


async def test_a_customer_without_requests_is_told_so_and_where_to_start(user: User) -> None:
    await open_as(user, make_customer(), '/customer/requests', 'customer-requests-empty')
    await user.should_see('You have not booked anything yet.')
    assert user.find(marker='find-a-service').elements.pop().props['href'] == '/customer'


async def test_the_list_goes_forwards_and_back_by_pages(user: User) -> None:
    now = clock.now()
    service, customer = make_service(), make_customer()
    booked = [
        book_request(customer, service.id, now=now + timedelta(seconds=i), at=slot(now, days=2 + i // 8, index=i % 8))
        for i in range(21)
    ]
    await open_as(user, customer, '/customer/requests', 'customer-requests')
    await user.should_see('21 requests')
    await user.should_see(marker=f'request-{booked[-1]}-link')
    await user.should_not_see(marker=f'request-{booked[0]}-link')
    await user.open(user.find(marker='customer-requests-pager-next').elements.pop().props['href'])
    await user.should_see(marker=f'request-{booked[0]}-link')
    await user.should_not_see(marker=f'request-{booked[-1]}-link')
    await user.open('/customer/requests?cursor=nonsense')
    await user.should_see(marker='first-page')


# --- one request --------------------------------------------------------------------------------------------------


async def test_an_accepted_request_shows_the_professional_and_its_history(user: User) -> None:
    now = clock.now()
    service = make_service(name='Plumbing')
    pro = make_approved_professional(service_id=service.id, name='Ravi Kumar', phone='+919812345678')
    customer = make_customer()
    request_id = book_request(customer, service.id, now=now, at=slot(now, days=3), remarks='Leaking tap')
    accept_request(pro, request_id, now=now)

    await open_as(user, customer, f'/customer/requests/{request_id}', 'request-summary')
    await user.should_see('Leaking tap')
    await user.should_see('Ravi Kumar')
    assert user.find(marker='professional-phone').elements.pop().props['href'] == 'tel:+919812345678'
    assert len(user.find(marker='history-entry').elements) == 2
    await user.should_see('Booked')
    await user.should_see('Accepted')
    await user.should_see('you')
    await user.should_see('the professional')
    await user.should_not_see(marker='edit-card')  # accepted: no longer editable
    rule = user.find(marker='cancel-rule').elements.pop().text
    cut_off = label(slot(now, days=3) - timedelta(hours=24))
    assert rule.startswith(f'Ravi Kumar has accepted. You can cancel until {cut_off} (24 hours before the slot)')


async def test_someone_elses_request_looks_like_a_missing_one(user: User) -> None:
    request_id = book_request(make_customer(), make_service().id, now=clock.now())
    await open_as(user, make_customer(), f'/customer/requests/{request_id}', 'notice')
    await user.should_see('That request does not exist.')
    await user.should_not_see(marker='request-summary')
    for missing in ('999999', 'abc'):
        await user.open(f'/customer/requests/{missing}')
        await user.should_see('That request does not exist.')


async def test_customer_changes_the_slot_and_remarks_while_nobody_accepted(user: User) -> None:
    now = clock.now()
    service, customer = make_service(), make_customer()
    request_id = book_request(customer, service.id, now=now, at=slot(now, days=2), remarks='Old remark')
    await open_as(user, customer, f'/customer/requests/{request_id}', 'edit-open')
    await drawer_settled(user)
    await user.should_see('You can change the slot, address and remarks until a professional accepts.')
    user.find(marker='edit-open').click()
    new_start = slot(now, days=2, index=3)
    user.find(marker='edit-slot-button', content=f'{new_start.astimezone(get_settings().zone):%H:%M}').click()
    user.find(marker='edit-remarks').clear()
    user.find(marker='edit-remarks').type('Ring twice')
    user.find(marker='edit-save').click()
    await user.should_see('Your changes are saved.')
    await user.should_see('Changed: slot, remarks')
    row = stored(request_id)
    assert (row.scheduled_at, row.remarks) == (new_start, 'Ring twice')


async def test_an_edit_after_a_professional_accepted_meanwhile_is_refused(user: User) -> None:
    now = clock.now()
    service, customer = make_service(), make_customer()
    pro = make_approved_professional(service_id=service.id, name='Ravi Kumar')
    request_id = book_request(customer, service.id, now=now, at=slot(now, days=2), remarks='Old remark')
    await open_as(user, customer, f'/customer/requests/{request_id}', 'edit-open')
    await drawer_settled(user)
    user.find(marker='edit-open').click()
    user.find(marker='edit-remarks').type(' and more')
    accept_request(pro, request_id, now=now)  # taken while the form was open
    user.find(marker='edit-save').click()
    await user.should_see('A professional has accepted this request, so it can no longer be edited.')
    await user.should_see(marker='professional-phone')  # the page shows the request as it is now
    await user.should_not_see(marker='edit-card')
    assert stored(request_id).remarks == 'Old remark'


async def test_an_edit_over_a_change_made_meanwhile_is_refused(user: User) -> None:
    now = clock.now()
    service, customer = make_service(), make_customer()
    request_id = book_request(customer, service.id, now=now, at=slot(now, days=2), remarks='Old remark')
    await open_as(user, customer, f'/customer/requests/{request_id}', 'edit-open')
    await drawer_settled(user)
    user.find(marker='edit-open').click()
    with session_scope(write=True) as session:  # the same customer, in another tab
        requests.edit(session, customer, request_id=request_id, remarks='Changed in another tab')
    user.find(marker='edit-remarks').clear()
    user.find(marker='edit-remarks').type('Changed here')
    user.find(marker='edit-save').click()
    await user.should_see('This request changed a moment ago. Reload it and try again.')
    await user.should_see('Changed in another tab')
    assert stored(request_id).remarks == 'Changed in another tab'


async def test_customer_cancels_under_the_rule_shown_before_the_click(user: User) -> None:
    now = clock.now()
    service, customer = make_service(), make_customer()
    request_id = book_request(customer, service.id, now=now, at=slot(now, days=2))
    await open_as(user, customer, f'/customer/requests/{request_id}', 'request-cancel')
    await drawer_settled(user)
    rule = user.find(marker='cancel-rule').elements.pop().text
    assert rule.startswith('You can cancel at any time while nobody has accepted')
    user.find(marker='request-cancel').click()
    await user.should_see(marker='cancel-reason')
    await user.should_see('Keep it')
    user.find(marker='cancel-confirm').click()
    await user.should_see('Why are you cancelling? is required.')
    assert stored(request_id).service_status is RequestStatus.REQUESTED
    user.find(marker='cancel-reason').type('Plans changed')
    user.find(marker='cancel-confirm').click()
    await user.should_see('Your request is cancelled.')
    await user.should_see('Reason: Plans changed')
    assert stored(request_id).service_status is RequestStatus.CANCELLED
    await user.should_not_see(marker='request-cancel')
    await user.should_not_see(marker='cancel-card')


async def test_too_late_to_cancel_says_so_and_offers_no_button(user: User) -> None:
    now = clock.now()
    service, customer = make_service(), make_customer()
    pro = make_approved_professional(service_id=service.id, name='Ravi Kumar')
    request_id = book_request(customer, service.id, now=now, at=soon(now))
    accept_request(pro, request_id, now=now)
    await open_as(user, customer, f'/customer/requests/{request_id}', 'cancel-rule')
    rule = user.find(marker='cancel-rule').elements.pop().text
    assert rule.startswith('It is too late to cancel here: an accepted request can be cancelled up to 24 hours')
    assert rule.endswith('If your plans change, call Ravi Kumar.')
    await user.should_not_see(marker='request-cancel')


async def test_a_cancel_refused_meanwhile_says_why(user: User) -> None:
    now = clock.now()
    service, customer = make_service(), make_customer()
    request_id = book_request(customer, service.id, now=now, at=slot(now, days=2))
    await open_as(user, customer, f'/customer/requests/{request_id}', 'request-cancel')
    await drawer_settled(user)
    set_publisher(None)  # the cancellation's event is still on its way (another process, Redis) when the click comes
    with session_scope(write=True) as session:
        requests.admin_cancel(session, make_admin(), request_id=request_id, reason='Duplicate booking')
    user.find(marker='request-cancel').click()
    await user.should_see(marker='cancel-reason')
    user.find(marker='cancel-reason').type('Plans changed')
    user.find(marker='cancel-confirm').click()
    await user.should_see('This request can no longer be cancelled.')
    await user.should_see('Reason: Duplicate booking')


async def test_customer_closes_a_done_job_with_a_rating_and_remarks(user: User) -> None:
    service, customer = make_service(), make_customer()
    pro = make_approved_professional(service_id=service.id, name='Ravi Kumar')
    request_id, _ = done_job(customer, pro, service.id)
    await open_as(user, customer, f'/customer/requests/{request_id}', 'review-submit')
    await drawer_settled(user)
    await user.should_see('Ravi Kumar marked the job done. Close it with a rating from 1 to 5')
    assert user.find(marker='review-submit').elements.pop().text == 'Close with review'
    user.find(marker='review-submit').click()
    await user.should_see('Choose a rating from 1 to 5 first.')
    assert stored(request_id).service_status is RequestStatus.COMPLETED
    rating = user.find(marker='review-rating').elements.pop()
    assert list(rating.options.values()) == ['1 (poor)', '2 (fair)', '3 (good)', '4 (very good)', '5 (excellent)']
    user.find('4 (very good)').click()
    assert rating.value == 4
    user.find(marker='review-remarks').type('Quick and tidy')
    user.find(marker='review-submit').click()
    await user.should_see('Closed. Thank you for the review.')
    await user.should_see('★ 4/5 · “Quick and tidy”')
    assert stored(request_id).service_status is RequestStatus.CLOSED
    with session_scope() as session:
        review = session.scalars(select(Review).where(Review.request_id == request_id)).one()
    assert (review.rating, review.remarks) == (4, 'Quick and tidy')
    await user.should_not_see(marker='review-card')


async def test_a_job_closed_without_a_review_can_still_be_rated_within_the_window(user: User) -> None:
    service, customer = make_service(), make_customer()
    pro = make_approved_professional(service_id=service.id)
    request_id, done = done_job(customer, pro, service.id)
    with session_scope(write=True) as session:
        requests.auto_close_due(session, now=done + timedelta(days=8))
    await open_as(user, customer, f'/customer/requests/{request_id}', 'review-submit')
    await drawer_settled(user)
    await user.should_see('It closed without a review. You can still rate it until')
    assert user.find(marker='review-submit').elements.pop().text == 'Post review'
    user.find('5 (excellent)').click()
    user.find(marker='review-submit').click()
    await user.should_see('Thank you: your review is saved.')
    assert [event.details['rating'] for event in audits('request.review')] == [5]


async def test_the_booked_notice_is_not_said_again_once_a_professional_accepted(user: User) -> None:
    now = clock.now()
    service, customer = make_service(), make_customer()
    pro = make_approved_professional(service_id=service.id)
    request_id = book_request(customer, service.id, now=now, at=slot(now, days=3))
    await open_as(user, customer, f'/customer/requests/{request_id}?booked=1', 'request-summary')
    await user.should_see(marker='booked-notice')
    accept_request(pro, request_id, now=now)
    await user.open(f'/customer/requests/{request_id}?booked=1')  # an old link, or a reload that kept it
    await user.should_see('accepted')
    await user.should_not_see(marker='booked-notice')
