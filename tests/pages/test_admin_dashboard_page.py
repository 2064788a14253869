"""`/admin`: the counters, the four charts' data, the waiting list, and who may open it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from nicegui import ui
from nicegui.testing import User

from services import clock
from settings import get_settings
from tests.factories import (
    accept_request,
    book_request,
    make_admin,
    make_approved_professional,
    make_customer,
    make_professional,
    make_service,
    slot,
)
from tests.pages.support import open_as, path_of


def chart_series(user: User, marker: str) -> tuple[list, list]:
    chart = user.find(marker=marker).elements.pop()
    options = chart.options
    axis = options['yAxis'] if options['yAxis'].get('type') == 'category' else options['xAxis']
    return list(axis['data']), list(options['series'][0]['data'])


def counter(user: User, marker: str) -> str:
    return user.find(marker=f'counter-{marker}').elements.pop().text


async def test_dashboard_counts_and_charts_the_marketplace(user: User) -> None:
    now = clock.now()
    plumbing = make_service(name='Plumbing')
    make_service(name='Painting')
    make_professional(name='Pending Pro')
    pro = make_approved_professional(service_id=plumbing.id)
    customer = make_customer()
    waited = now - timedelta(hours=5)
    old = book_request(customer, plumbing.id, now=waited, at=slot(now, days=3))
    taken = book_request(customer, plumbing.id, now=now, at=slot(now, days=2, index=3))
    accept_request(pro, taken, now=now)

    await open_as(user, make_admin(), '/admin', 'admin-welcome')

    assert counter(user, 'pending') == '1'
    assert counter(user, 'open') == '2'
    assert counter(user, 'waiting') == '1'
    zone = get_settings().zone
    assert counter(user, 'today') == str(
        sum(t.astimezone(zone).date() == now.astimezone(zone).date() for t in (waited, now))
    )
    labels, values = chart_series(user, 'chart-status')
    assert dict(zip(labels, values, strict=True))['waiting for a professional'] == 1
    assert dict(zip(labels, values, strict=True))['accepted'] == 1
    assert chart_series(user, 'chart-service') == (['Plumbing'], [2])
    days, per_day = chart_series(user, 'chart-days')
    assert len(days) == 30 and sum(per_day) == 2
    assert chart_series(user, 'chart-ratings') == (['1 ★', '2 ★', '3 ★', '4 ★', '5 ★'], [0, 0, 0, 0, 0])
    rows = user.find(marker='waiting-table').elements.pop().rows
    assert [row['id'] for row in rows] == [old]
    assert rows[0]['href'] == f'/admin/requests/{old}'


async def test_an_empty_marketplace_says_nothing_is_waiting(user: User) -> None:
    await open_as(user, make_admin(), '/admin', 'admin-welcome')
    await user.should_see(marker='waiting-table-empty')
    assert counter(user, 'open') == '0'


async def test_the_counters_link_to_the_lists_behind_them(user: User) -> None:
    await open_as(user, make_admin(), '/admin', 'admin-welcome')
    links = {link.props['href'] for link in user.find(ui.link).elements}
    today = clock.now().astimezone(get_settings().zone).date().isoformat()
    assert {'/admin/users?status=pending', '/admin/requests?status=requested'} <= links
    assert f'/admin/requests?sort=booked&date_from={today}&date_to={today}' in links


async def test_dark_toggle_recolours_the_charts_text(user: User) -> None:
    await open_as(user, make_admin(), '/admin', 'admin-welcome')
    chart = user.find(marker='chart-status').elements.pop()
    assert chart.options['textStyle']['color'] == '#212121'
    user.find(marker='frame-dark-toggle').click()
    for _ in range(50):
        if chart.options['textStyle']['color'] != '#212121':
            break
        await asyncio.sleep(0.02)
    assert chart.options['textStyle']['color'] == chart.options['title']['textStyle']['color'] == '#e0e0e0'


async def test_non_admins_are_sent_to_their_own_home(user: User) -> None:
    await open_as(user, make_customer(), '/customer', 'customer-welcome')
    await user.open('/admin')
    assert path_of(user) == '/customer'
