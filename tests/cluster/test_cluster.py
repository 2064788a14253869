"""Past one process, for real (tests/cluster/conftest.py starts the cluster). A signed-in browser whose app process
is killed goes on, still signed in, on the other one: its session is in Redis and PostgreSQL, not in the process that
died."""

from __future__ import annotations

import os
import signal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import Page
from tests.browser.steps import click_link
from tests.cluster.conftest import (
    ADMIN,
    Cluster,
    all_pids,
    classes_of,
    is_running,
    session_cookie_id,
    session_leader,
    stored_json,
)
from tests.servers import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group('many-processes')]  # not beside the SQLite races


def test_a_signed_in_browser_goes_on_when_its_app_process_dies(
    cluster: Cluster, browser: WebDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = cluster.run('start', '2')
    assert started.returncode == 0, started.stdout + started.stderr
    assert f'The cluster is up: open {cluster.url}' in started.stdout
    leaders = {name: cluster.pid(name) for name in ('nginx', 'app-1', 'app-2', 'beat', 'worker', 'redis')}
    cluster.create_admin(monkeypatch)

    page = Page(browser, cluster.url)
    page.open('/login')
    page.fill('Email', ADMIN[0])
    page.fill('Password', ADMIN[1])
    page.click('Sign in')
    page.wait_for_path('/admin')
    page.wait_for_text(f'Welcome, {ADMIN[2]}.')
    node = browser.get_cookie('hsa_node')
    first = cluster.served('/admin')
    assert first in cluster.app_ports
    stored = f'hsa:nicegui:user-{session_cookie_id(browser)}'  # this browser's app.storage.user, in Redis
    assert wait_until(lambda: stored_json(cluster.redis_url, stored).get('session_key')), f'{stored} holds no session'

    doomed = f'app-{cluster.app_ports.index(first) + 1}'
    os.kill(leaders[doomed], signal.SIGKILL)  # no clean-up, no goodbye: like losing the machine under it
    assert wait_until(lambda: not is_running(leaders[doomed]), timeout=10)
    (other,) = set(cluster.app_ports) - {first}

    page.open('/admin')  # the next page load: the other process, which knows the session from Redis
    page.wait_for_path('/admin')
    page.wait_for_text(f'Welcome, {ADMIN[2]}.')
    assert cluster.served('/admin') == other
    page.press('Toggle dark mode')  # a click over the other process's socket; its handler checks the session again
    WebDriverWait(browser, 30).until(
        lambda driver: 'body--dark' in classes_of(driver.find_element(By.TAG_NAME, 'body'))
    )
    click_link(page, 'Users')  # and a page load by a click
    page.wait_for_path('/admin/users')
    assert cluster.served('/admin/users') == other
    assert browser.get_cookie('hsa_node') == node  # the same browser all along

    stopped = cluster.run('stop')
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    left = [pid for pid in all_pids() if session_leader(pid) in leaders.values() and is_running(pid)]
    assert not left, f'still running after stop: {left}'
    status = cluster.run('status')
    assert status.returncode == 3, status.stdout
    assert 'not running' in status.stdout
