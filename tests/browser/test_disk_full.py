"""A full disk in real Chromium: signing in while the database cannot grow says so, and works once there is space."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from models.db import dispose_engines
from tests.browser.conftest import Page, Server
from tests.disk import SmallDisk, small_disk
from tests.factories import PASSWORD, make_customer
from tests.servers import free_port

pytestmark = pytest.mark.browser
FULL = 'We could not save that: the server is out of space. Nothing was changed.'


@pytest.fixture
def disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template_db: Path) -> Iterator[SmallDisk]:
    with small_disk(tmp_path / 'disk') as disk:
        shutil.copy(template_db, disk.path / 'hsa.db')
        monkeypatch.setenv('HSA_DATA_DIR', str(disk.path))
        try:
            yield disk
        finally:
            dispose_engines()


def app_on(disk: SmallDisk, log_folder: Path) -> Server:
    """The app with its data on the small disk, its log elsewhere."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(('PYTEST_', 'NICEGUI_'))}
    env |= {'HSA_PORT': str(port), 'HSA_DATA_DIR': str(disk.path), 'HSA_MIGRATE_ON_STARTUP': '1'}
    return Server(f'http://127.0.0.1:{port}', env, port, log_folder / 'app.log')


def test_signing_in_on_a_full_disk_says_the_server_is_out_of_space(
    disk: SmallDisk, tmp_path: Path, browser: WebDriver
) -> None:
    customer = make_customer()
    dispose_engines()  # the app is the only one with the database open: its -wal starts empty, and only grows
    server = app_on(disk, tmp_path)
    server.start()
    try:
        page = Page(browser, server.url)
        page.open('/login?redirect_to=%2Fcustomer')
        page.fill('Email', customer.email)
        page.fill('Password', PASSWORD)
        disk.fill()
        page.click('Sign in')
        page.wait_for_text(FULL)
        page.screenshot('disk-full-sign-in')
        disk.free()
        page.fill('Password', PASSWORD)  # the refusal emptied it
        page.click('Sign in')
        page.wait_for_path('/customer')
    finally:
        server.stop()
