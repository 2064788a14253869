"""The cache of read-heavy figures, in this process and in Redis: a cached value is served until a unit that changes
it commits, never after (not even to a subscriber woken by that unit's event), only the entries a change touches
are recomputed, and a cache that is down costs nothing but speed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import text

from models.db import set_publisher
from services import Actor, catalog, clock, dashboard, people, requests, runtime, session_scope
from services.core import cache
from tasks.cache_store import RedisStore
from tests.factories import accept_request, book_request, complete_request, make_admin, slot
from tests.servers import RedisServer, free_port
from tests.services.request_support import make_market, selects


@pytest.fixture(params=['in-process', 'redis'])
def store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == 'redis':
        url = request.getfixturevalue('redis_url')
        redis.Redis.from_url(url).flushdb()
        monkeypatch.setenv('HSA_REDIS_URL', url)
    yield request.param
    cache.forget_stores()


@pytest.fixture
def bus() -> Iterator[runtime.Bus]:
    bus = runtime.Bus()
    set_publisher(bus.deliver)
    yield bus
    set_publisher(None)


def figures(admin: Actor) -> dashboard.DashboardFigures:
    with session_scope() as session:
        return dashboard.figures(session, admin)


def professionals(service_id: int, pincode: str = '560001') -> list[people.ProfessionalCard]:
    with session_scope() as session:
        return people.list_for_service(session, service_id=service_id, pincode=pincode)


def earnings(professional: Actor) -> int:
    with session_scope() as session:
        return sum(month.amount for month in requests.earnings_by_month(session, professional))


def close_with(customer: Actor, request_id: int, rating: int) -> None:
    with session_scope(write=True) as session:
        requests.close(session, customer, request_id=request_id, rating=rating)


def test_the_dashboard_is_computed_once_then_served_until_a_booking_commits(store: str) -> None:
    market, admin = make_market(), make_admin()
    assert figures(admin).open_requests == 0
    with selects() as sent:
        assert figures(admin).open_requests == 0
    assert not any('service_request' in statement for statement in sent)  # served from the cache
    book_request(market.customer, market.service.id, now=clock.now())
    assert figures(admin).open_requests == 1


def test_a_subscriber_woken_by_the_event_never_reads_the_stale_figure(store: str, bus: runtime.Bus) -> None:
    market, admin = make_market(), make_admin()
    assert figures(admin).open_requests == 0
    seen: list[int] = []
    bus.subscribe('request.booked', lambda _event: seen.append(figures(admin).open_requests))
    book_request(market.customer, market.service.id, now=clock.now())
    book_request(market.customer, market.service.id, now=clock.now(), at=slot(clock.now(), days=3))
    assert seen == [1, 2]


def test_a_value_computed_while_a_change_commits_is_not_served_after_it(store: str) -> None:
    market, admin = make_market(), make_admin()

    def computed_before_the_booking_commits() -> dashboard.DashboardFigures:
        old = figures_uncached(admin)
        book_request(market.customer, market.service.id, now=clock.now())  # commits (and bumps) meanwhile
        return old

    stale = cache.cached(cache.DASHBOARD, '', 'figures', computed_before_the_booking_commits)
    assert stale.open_requests == 0
    assert figures(admin).open_requests == 1


def figures_uncached(admin: Actor) -> dashboard.DashboardFigures:
    with session_scope() as session:
        return dashboard.figures(session, admin, now=clock.now())


def test_search_results_change_with_a_review_and_leave_with_a_retired_service(store: str) -> None:
    market, admin = make_market(), make_admin()
    [card] = professionals(market.service.id)
    assert card.rating_count == 0
    now, booked = clock.now(), clock.now() - timedelta(days=3)
    request_id = book_request(market.customer, market.service.id, now=booked, at=slot(booked, days=1))
    accept_request(market.pro, request_id, now=booked)
    complete_request(market.pro, request_id, now=now - timedelta(hours=1))
    close_with(market.customer, request_id, 4)
    [card] = professionals(market.service.id)
    assert (card.rating_count, card.rating_average) == (1, 4.0)
    with session_scope(write=True) as session:
        catalog.retire_service(session, admin, service_id=market.service.id)
    assert professionals(market.service.id) == []


def test_a_change_recomputes_only_the_entries_it_touches(store: str) -> None:
    plumbing, cleaning = make_market(name='Plumbing'), make_market(name='Cleaning')
    professionals(plumbing.service.id), professionals(cleaning.service.id)
    with session_scope(write=True) as session:
        catalog.edit_service(session, make_admin(), service_id=plumbing.service.id, description='Leaks fixed.')
    with selects() as sent:
        professionals(cleaning.service.id)
    assert not any('professional_profile' in statement for statement in sent)  # still cached
    with selects() as sent:
        professionals(plumbing.service.id)
    assert any('professional_profile' in statement for statement in sent)  # computed again


def test_the_rating_card_earnings_follow_a_completed_job(store: str) -> None:
    market = make_market(base_price=50_000)
    now, booked = clock.now(), clock.now() - timedelta(days=3)
    request_id = book_request(market.customer, market.service.id, now=booked, at=slot(booked, days=1))
    accept_request(market.pro, request_id, now=booked)
    assert earnings(market.pro) == 0
    complete_request(market.pro, request_id, now=now)
    assert earnings(market.pro) == 50_000


def test_with_redis_down_every_read_is_computed_and_nothing_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('HSA_REDIS_URL', f'redis://127.0.0.1:{free_port()}/0')  # nothing listens there
    market, admin = make_market(), make_admin()
    assert figures(admin).open_requests == 0
    book_request(market.customer, market.service.id, now=clock.now())
    assert figures(admin).open_requests == 1
    assert len(professionals(market.service.id)) == 1
    cache.forget_stores()


def test_each_event_makes_exactly_its_scopes_stale() -> None:
    stale = cache.stale_scopes
    assert stale('request.booked', {'service_id': 3, 'professional_id': None}) == [(cache.DASHBOARD, '')]
    assert stale('request.closed', {'service_id': 3, 'professional_id': 7}) == [
        (cache.DASHBOARD, ''),
        (cache.SEARCH, 3),
        (cache.RATING_CARD, 7),
    ]
    assert stale('service.changed', {'service_id': 3}) == [(cache.DASHBOARD, ''), (cache.SEARCH, 3)]
    assert stale('user.blocked', {'user_id': 9, 'service_ids': (3,)}) == [
        (cache.VIEWERS, ''),
        (cache.DASHBOARD, ''),
        (cache.SEARCH, 3),
    ]
    assert stale('session.ended', {'user_id': 9}) == [(cache.VIEWERS, '')]
    assert stale('professional.approved', {'professional_id': 9, 'service_ids': (3,)})[0] == (cache.VIEWERS, '')
    assert stale('notification.changed', {'user_id': 9}) == []


@pytest.fixture
def own_redis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    monkeypatch.setenv('HSA_REDIS_URL', server.url)
    monkeypatch.setattr(RedisStore, 'PAUSE_AFTER_FAILURE', 0.0)  # try Redis again at once, not in 5 s
    yield server
    server.stop()
    cache.forget_stores()


def test_a_change_whose_bump_was_lost_in_an_outage_is_not_hidden_after_it(own_redis: RedisServer) -> None:
    market, admin = make_market(), make_admin()
    assert figures(admin).open_requests == 0  # cached, and kept on disk by Redis
    own_redis.stop()
    book_request(market.customer, market.service.id, now=clock.now())  # its bump cannot reach Redis
    assert figures(admin).open_requests == 1  # read straight through meanwhile
    own_redis.start()
    assert figures(admin).open_requests == 1  # the old entry is back in Redis, but under an epoch gone by


def test_forgetting_everything_makes_every_entry_stale(own_redis: RedisServer) -> None:
    market, admin = make_market(), make_admin()
    assert figures(admin).open_requests == 0
    with session_scope(write=True) as session:  # a change whose bump another process lost: no event, no bump
        session.execute(
            text("UPDATE professional_profile SET approval_state = 'pending' WHERE user_id = :id"),
            {'id': market.pro.id},
        )
    assert figures(admin).pending_approvals == 0  # still the cached figure
    cache.forget_everything()  # what an app process does when its listener is back after an outage
    assert figures(admin).pending_approvals == 1


def test_a_copy_held_by_one_process_is_not_served_after_another_process_changes_it(redis_url: str) -> None:
    redis.Redis.from_url(redis_url).flushdb()
    here, there = RedisStore(redis_url, 'two-processes'), RedisStore(redis_url, 'two-processes')
    generation, found = here.lookup('dashboard:', 'figures')
    assert found is None
    here.put('dashboard:', 'figures', generation, 'before', 30)
    assert here.lookup('dashboard:', 'figures') == (generation, 'before')  # from the copy held here
    there.bump('dashboard:')  # the other process committed a change
    assert here.lookup('dashboard:', 'figures')[1] is None
    there.new_epoch()
    assert there.lookup('dashboard:', 'figures')[1] is None


def test_a_process_configured_for_redis_but_not_handed_the_store_says_so(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = make_admin()
    monkeypatch.setenv('HSA_REDIS_URL', redis_url)
    cache.use_redis_store(None)  # a composition root that forgot: its changes would leave other caches stale
    try:
        with pytest.raises(RuntimeError, match='use_redis_store'):
            figures(admin)
    finally:
        cache.use_redis_store(RedisStore)
