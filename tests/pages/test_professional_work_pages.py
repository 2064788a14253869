"""The professional's inbox, jobs, request page, and reviews and earnings (/professional/...)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from nicegui.testing import User

from models.enums import RequestStatus
from services import Actor, clock, requests, session_scope
from services.catalog import ServiceRow
from tests.factories import (
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
from tests.pages.support import drawer_settled, open_as, path_of
from tests.services.request_support import dismissals, stored

XSS = '<img src=x onerror=alert(1)>'
NOT_OPEN = 'This request is no longer open to you.'


@pytest.fixture
def long_sessions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sessions that outlive a jump of the clock (the tests below move time on while a page is open)."""
    monkeypatch.setenv('HSA_SESSION_IDLE_MINUTES', str(7 * 24 * 60))
    monkeypatch.setenv('HSA_SESSION_MAX_HOURS', str(7 * 24))


def travel(monkeypatch: pytest.MonkeyPatch, to: datetime) -> None:
    monkeypatch.setattr(clock, 'now', lambda: to)


def market(**pro: object) -> tuple[ServiceRow, Actor]:
    service = make_service(name='Plumbing', base_price=49900)
    return service, make_approved_professional(service_id=service.id, pincodes='560001', **pro)


def past_job(professional: Actor, service: ServiceRow, customer: Actor, *, days_ago: int = 10) -> int:
    """A job booked and accepted `days_ago` days ago for a slot two days after that (started by now)."""
    then = clock.now() - timedelta(days=days_ago)
    request_id = book_request(customer, service.id, now=then, at=slot(then, days=2))
    accept_request(professional, request_id, now=then)
    return request_id


def close(customer: Actor, request_id: int, rating: int, remarks: str) -> None:
    done = stored(request_id).date_of_completion
    with session_scope(write=True) as session:
        requests.close(
            session, customer, request_id=request_id, rating=rating, remarks=remarks, now=done + timedelta(hours=1)
        )


# --- who may come in --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize('page', ['/professional/inbox', '/professional/jobs', '/professional/reviews'])
@pytest.mark.parametrize(('make_actor', 'home'), [(make_customer, '/customer'), (make_admin, '/admin')])
async def test_other_roles_are_sent_home(user: User, page: str, make_actor, home: str) -> None:
    await open_as(user, make_actor(), home, 'frame-user-name')
    await user.open(page)
    await user.should_see(marker='frame-user-name')
    assert path_of(user) == home


async def test_anonymous_visitor_signs_in_first(user: User) -> None:
    await user.open('/professional/jobs?show=past')
    await user.should_see(marker='login-submit')
    assert user.client.request.query_params['redirect_to'] == '/professional/jobs?show=past'


# --- the inbox --------------------------------------------------------------------------------------------------------


async def test_inbox_shows_open_requests_without_contact_and_marks_those_asked_for_me(user: User) -> None:
    service, professional = market()
    customer = make_customer(name='Asha Rao', address='7 Secret Lane', pincode='560001', phone='+919811112222')
    now = clock.now()
    open_id = book_request(customer, service.id, now=now, remarks=f'Kitchen tap {XSS}')
    asked_id = book_request(
        customer, service.id, now=now, at=slot(now, days=3), requested_professional_id=professional.id
    )
    book_request(customer, make_service().id, now=now)  # another service: not theirs
    await open_as(user, professional, '/professional/inbox', f'request-{open_id}')
    await user.should_see(f'Kitchen tap {XSS}')
    await user.should_see('560001')
    await user.should_see('₹499.00')
    with user.scope(marker=f'request-{asked_id}'):
        await user.should_see('Asked for you')
    with user.scope(marker=f'request-{open_id}'):
        await user.should_not_see('Asked for you')
    for hidden in ('7 Secret Lane', 'Asha Rao', '+919811112222'):
        await user.should_not_see(hidden)
    await user.should_see('2 requests')


async def test_professional_accepts_and_finds_the_job_with_address_and_phone(user: User) -> None:
    service, professional = market()
    customer = make_customer(name='Asha Rao', address='7 Secret Lane', pincode='560001', phone='+919811112222')
    request_id = book_request(customer, service.id, now=clock.now())
    await open_as(user, professional, '/professional/inbox', f'request-{request_id}-accept')
    await drawer_settled(user)
    user.find(marker=f'request-{request_id}-accept').click()
    await user.should_see('Accepted: it is in your jobs now, with the address and phone.')
    await user.should_not_see(marker=f'request-{request_id}')
    assert (stored(request_id).service_status, stored(request_id).professional_id) == (
        RequestStatus.ASSIGNED,
        professional.id,
    )
    await user.open('/professional/jobs')
    await user.should_see('7 Secret Lane (560001)')
    await user.should_see('Asha Rao')
    [phone] = [link for link in user.find(marker='fact-phone').elements.pop().descendants() if link.props.get('href')]
    assert phone.props['href'] == 'tel:+919811112222'


async def test_a_request_taken_a_moment_earlier_is_a_clear_message_and_leaves_the_list(user: User) -> None:
    service, professional = market()
    rival = make_approved_professional(service_id=service.id, pincodes='560001')
    request_id = book_request(make_customer(pincode='560001'), service.id, now=clock.now())
    await open_as(user, professional, '/professional/inbox', f'request-{request_id}-accept')
    await drawer_settled(user)
    accept_request(rival, request_id, now=clock.now())
    user.find(marker=f'request-{request_id}-accept').click()
    await user.should_see(NOT_OPEN)
    await user.should_not_see(marker=f'request-{request_id}')
    await user.should_see('No open requests in your pincodes right now.')
    assert stored(request_id).professional_id == rival.id


async def test_a_slot_the_customer_changed_meanwhile_is_shown_again_before_accepting(user: User) -> None:
    service, professional = market()
    customer = make_customer(pincode='560001')
    now = clock.now()
    request_id = book_request(customer, service.id, now=now, at=slot(now, days=2))
    await open_as(user, professional, '/professional/inbox', f'request-{request_id}-accept')
    await drawer_settled(user)
    with session_scope(write=True) as session:
        requests.edit(session, customer, request_id=request_id, scheduled_at=slot(now, days=4), now=clock.now())
    user.find(marker=f'request-{request_id}-accept').click()
    await user.should_see('The customer changed this request a moment ago. Look at it again before accepting.')
    assert stored(request_id).service_status is RequestStatus.REQUESTED
    new_start = stored(request_id).scheduled_at.astimezone(ZoneInfo(requests.policy().timezone))
    await user.should_see(new_start.strftime('%a %d %b %Y, %H:%M'))
    user.find(marker=f'request-{request_id}-accept').click()
    await user.should_see('Accepted')
    assert stored(request_id).professional_id == professional.id


async def test_a_slot_that_started_meanwhile_cannot_be_accepted(
    user: User, monkeypatch: pytest.MonkeyPatch, long_sessions: None
) -> None:
    service, professional = market()
    request_id = book_request(make_customer(pincode='560001'), service.id, now=clock.now())
    await open_as(user, professional, '/professional/inbox', f'request-{request_id}-accept')
    await drawer_settled(user)
    travel(monkeypatch, stored(request_id).scheduled_at + timedelta(minutes=1))
    user.find(marker=f'request-{request_id}-accept').click()
    await user.should_see(NOT_OPEN)
    await user.should_not_see(marker=f'request-{request_id}')
    assert stored(request_id).professional_id is None


async def test_declining_an_open_request_takes_it_out_of_my_inbox_after_confirming(user: User) -> None:
    service, professional = market()
    request_id = book_request(make_customer(pincode='560001'), service.id, now=clock.now())
    await open_as(user, professional, '/professional/inbox', f'request-{request_id}-decline')
    await drawer_settled(user)
    user.find(marker=f'request-{request_id}-decline').click()
    await user.should_see('It leaves your inbox; other professionals can still take it.')
    user.find(marker=f'request-{request_id}-decline-cancel').click()
    await user.should_not_see(marker=f'request-{request_id}-decline-cancel')
    assert dismissals(professional.id) == []
    user.find(marker=f'request-{request_id}-decline').click()
    await user.should_see(marker=f'request-{request_id}-decline-confirm')
    user.find(marker=f'request-{request_id}-decline-confirm').click()
    await user.should_see('Declined: it left your inbox.')
    await user.should_not_see(marker=f'request-{request_id}')
    assert dismissals(professional.id) == [request_id]


async def test_declining_a_request_asked_for_me_opens_it_to_everyone(user: User) -> None:
    service, professional = market()
    customer = make_customer(pincode='560001')
    request_id = book_request(customer, service.id, now=clock.now(), requested_professional_id=professional.id)
    await open_as(user, professional, '/professional/inbox', f'request-{request_id}-decline')
    await drawer_settled(user)
    user.find(marker=f'request-{request_id}-decline').click()
    await user.should_see('The customer is told, and the request opens to every professional')
    user.find(marker=f'request-{request_id}-decline-confirm').click()
    await user.should_see('Declined: the customer was told.')
    assert stored(request_id).requested_professional_id is None


async def test_a_professional_awaiting_approval_is_told_why_the_inbox_is_closed(user: User) -> None:
    await open_as(user, make_professional(), '/professional/inbox', 'list-refused')
    await user.should_see('Only approved professionals can take requests.')
    assert user.find(marker='see-approval').elements.pop().props['href'] == '/professional'


async def test_an_empty_inbox_says_so(user: User) -> None:
    _, professional = market()
    await open_as(user, professional, '/professional/inbox', 'list-empty')
    await user.should_see('No open requests in your pincodes right now. New ones show up here.')


async def test_the_inbox_pages_forwards_and_back(user: User) -> None:
    service, professional = market()
    customer = make_customer(pincode='560001')
    now = clock.now()
    ids = [book_request(customer, service.id, now=now, at=slot(now, days=2 + i // 8, index=i % 8)) for i in range(21)]
    await open_as(user, professional, '/professional/inbox', f'request-{ids[0]}')
    await user.should_not_see(marker=f'request-{ids[20]}')
    await user.should_see('21 requests')
    next_page = user.find(marker='pager-next').elements.pop().props['href']
    await user.open(next_page)
    await user.should_see(marker=f'request-{ids[20]}')
    await user.should_not_see(marker=f'request-{ids[0]}')
    await user.open(user.find(marker='pager-previous').elements.pop().props['href'])
    await user.should_see(marker=f'request-{ids[0]}')


async def test_a_broken_page_link_offers_the_first_page(user: User) -> None:
    _, professional = market()
    await open_as(user, professional, '/professional/inbox?cursor=garbage', 'list-refused')
    await user.should_see('That page link is no longer valid. Start from the first page.')
    assert user.find(marker='first-page').elements.pop().props['href'] == '/professional/inbox'


# --- jobs -------------------------------------------------------------------------------------------------------------


async def test_a_started_job_is_completed_and_moves_to_past(user: User) -> None:
    service, professional = market()
    request_id = past_job(professional, service, make_customer(pincode='560001'))
    await open_as(user, professional, '/professional/jobs', f'request-{request_id}-complete')
    await drawer_settled(user)
    await user.should_not_see(marker=f'request-{request_id}-withdraw')
    await user.should_see('Too late to withdraw: jobs can be handed back until 24 hours before their slot.')
    user.find(marker=f'request-{request_id}-complete').click()
    await user.should_see('Marked done: the customer is asked to close it with a rating.')
    await user.should_not_see(marker=f'request-{request_id}')
    assert stored(request_id).service_status is RequestStatus.COMPLETED
    user.find(marker='jobs-tab-past').click()
    await user.should_see(marker=f'request-{request_id}')
    assert path_of(user) == '/professional/jobs'
    assert user.client.request.query_params['show'] == 'past'
    await user.should_see('done, awaiting review')


async def test_a_job_not_started_cannot_be_completed_yet_and_the_rule_is_shown(user: User) -> None:
    service, professional = market()
    request_id = book_request(make_customer(pincode='560001'), service.id, now=clock.now())
    accept_request(professional, request_id, now=clock.now())
    await open_as(user, professional, '/professional/jobs', f'request-{request_id}')
    await user.should_not_see(marker=f'request-{request_id}-complete')
    await user.should_see('You can mark it done once its slot starts.')
    await user.should_see('You can withdraw from a job until 24 hours before its slot')


async def test_withdrawing_needs_a_reason_and_hands_the_job_back(user: User) -> None:
    service, professional = market()
    now = clock.now()
    request_id = book_request(make_customer(pincode='560001'), service.id, now=now, at=slot(now, days=3))
    accept_request(professional, request_id, now=now)
    await open_as(user, professional, '/professional/jobs', f'request-{request_id}-withdraw')
    await drawer_settled(user)
    user.find(marker=f'request-{request_id}-withdraw').click()
    await user.should_see(marker=f'request-{request_id}-withdraw-reason')
    user.find(marker=f'request-{request_id}-withdraw-confirm').click()
    await user.should_see('Reason is required.')
    assert stored(request_id).service_status is RequestStatus.ASSIGNED
    user.find(marker=f'request-{request_id}-withdraw-reason').type('My van broke down')
    user.find(marker=f'request-{request_id}-withdraw-confirm').click()
    await user.should_see('Withdrawn: the customer was told, and the request is open to other professionals again.')
    await user.should_not_see(marker=f'request-{request_id}')
    assert (stored(request_id).service_status, stored(request_id).professional_id) == (RequestStatus.REQUESTED, None)


async def test_withdrawing_after_the_cut_off_passed_meanwhile_is_refused(
    user: User, monkeypatch: pytest.MonkeyPatch, long_sessions: None
) -> None:
    service, professional = market()
    now = clock.now()
    request_id = book_request(make_customer(pincode='560001'), service.id, now=now, at=slot(now, days=3))
    accept_request(professional, request_id, now=now)
    await open_as(user, professional, '/professional/jobs', f'request-{request_id}-withdraw')
    await drawer_settled(user)
    travel(monkeypatch, stored(request_id).scheduled_at - timedelta(hours=23))
    user.find(marker=f'request-{request_id}-withdraw').click()
    await user.should_see(marker=f'request-{request_id}-withdraw-reason')
    user.find(marker=f'request-{request_id}-withdraw-reason').type('Too far away')
    user.find(marker=f'request-{request_id}-withdraw-confirm').click()
    await user.should_see('It is too late to withdraw: jobs can be handed back until 24 hours before their slot.')
    assert stored(request_id).service_status is RequestStatus.ASSIGNED
    await user.should_not_see(marker=f'request-{request_id}-withdraw')


async def test_past_jobs_are_newest_first_with_their_review(user: User) -> None:
    service, professional = market()
    customer = make_customer(pincode='560001')
    older = past_job(professional, service, customer, days_ago=20)
    newer = past_job(professional, service, customer, days_ago=10)
    for request_id in (older, newer):
        complete_request(professional, request_id, now=stored(request_id).scheduled_at)
    close(customer, older, 4, f'Good {XSS}')
    await open_as(user, professional, '/professional/jobs?show=past', f'request-{older}')
    cards = [m for m in user.find(marker=f'request-{newer}').elements] + [
        m for m in user.find(marker=f'request-{older}').elements
    ]
    assert cards[0].id < cards[1].id  # the newer job's card comes first
    await user.should_see(f'4/5 · Good {XSS}')
    await user.should_see('2 jobs')


async def test_empty_job_lists_say_what_to_do(user: User) -> None:
    _, professional = market()
    await open_as(user, professional, '/professional/jobs', 'list-empty')
    await user.should_see('No upcoming jobs. Accept requests in your inbox.')
    await user.open('/professional/jobs?show=past')
    await user.should_see('No completed jobs yet.')


# --- one request ------------------------------------------------------------------------------------------------------


async def test_my_job_shows_its_history_in_role_words(user: User) -> None:
    service, professional = market()
    request_id = past_job(professional, service, make_customer(name='Asha Rao', pincode='560001'))
    await open_as(user, professional, f'/professional/requests/{request_id}', 'request-history')
    await user.should_see('Asha Rao')
    await user.should_see('Booked')
    await user.should_see('Accepted')
    assert len(user.find(marker='history-entry').elements) == 2
    await user.should_see(marker=f'request-{request_id}-complete')


async def test_accepting_on_the_request_page_shows_the_address(user: User) -> None:
    service, professional = market()
    customer = make_customer(address='7 Secret Lane', pincode='560001')
    request_id = book_request(customer, service.id, now=clock.now())
    await open_as(user, professional, f'/professional/requests/{request_id}', f'request-{request_id}-accept')
    await user.should_not_see('7 Secret Lane')
    await drawer_settled(user)
    user.find(marker=f'request-{request_id}-accept').click()
    await user.should_see('7 Secret Lane (560001)')


async def test_someone_elses_job_looks_exactly_like_a_missing_one(user: User) -> None:
    service, professional = market()
    rival = make_approved_professional(service_id=service.id, pincodes='560001')
    theirs = past_job(rival, service, make_customer(pincode='560001'))
    await open_as(user, professional, f'/professional/requests/{theirs}', 'request-missing')
    await user.should_see('That request does not exist.')
    for missing in ('999999', 'abc', '-1'):
        await user.open(f'/professional/requests/{missing}')
        await user.should_see('That request does not exist.')


# --- reviews and earnings ---------------------------------------------------------------------------------------------


async def test_reviews_and_earnings_show_the_rating_each_review_and_months(user: User) -> None:
    service, professional = market()
    customer = make_customer(name='Asha Rao', pincode='560001')
    first, second = (past_job(professional, service, customer, days_ago=days) for days in (20, 10))
    for request_id in (first, second):
        complete_request(professional, request_id, now=stored(request_id).scheduled_at)
    close(customer, first, 5, 'Spotless work')
    close(customer, second, 4, XSS)
    await open_as(user, professional, '/professional/reviews', 'rating-summary')
    await user.should_see('4.5 out of 5 from 2 reviews')
    await user.should_see('Spotless work')
    await user.should_see(XSS)
    await user.should_see('₹998.00 from 2 jobs in the last 12 months')
    chart = user.find(marker='earnings-chart').elements.pop()
    assert sum(chart.options['series'][0]['data']) == 998
    assert len(chart.options['xAxis']['data']) == 12
    await user.should_see('2 reviews')


async def test_without_reviews_or_earnings_the_page_says_so(user: User) -> None:
    _, professional = market()
    await open_as(user, professional, '/professional/reviews', 'rating-none')
    await user.should_see('No reviews yet: customers rate a job when they close it.')
    await user.should_see('Nothing earned yet: completed jobs show here.')
    await user.should_see('No reviews yet: customers review a job when they close it.')
    await user.should_not_see(marker='earnings-chart')


async def test_a_broken_reviews_page_link_keeps_the_rating_and_offers_the_first_page(user: User) -> None:
    _, professional = market()
    await open_as(user, professional, '/professional/reviews?cursor=n1.', 'list-refused')
    await user.should_see(marker='rating-summary')
    assert user.find(marker='first-page').elements.pop().props['href'] == '/professional/reviews'
