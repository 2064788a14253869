"""A full disk in real Chromium: signing in and booking while the database cannot grow say so, pages that only read
still open, and everything works once there is space; an app started on a full disk serves and catches up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from models.db import dispose_engines
from tests.browser.conftest import Page, Server
from tests.browser.steps import FIRST_SLOT, SLOT, press
from tests.disk import SmallDisk, data_dir_on_small_disk
from tests.factories import PASSWORD, make_approved_professional, make_customer, make_service
from tests.servers import app_environment, free_port

pytestmark = pytest.mark.browser
FULL = 'We could not save that: the server is out of space. Nothing was changed.'


@pytest.fixture
def disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template_db: Path) -> Iterator[SmallDisk]:
    """This test's data_dir, holding a migrated database, on a disk of its own."""
    with data_dir_on_small_disk(tmp_path / 'disk', template_db, monkeypatch) as disk:
        yield disk


def app_on(disk: SmallDisk, log_folder: Path) -> Server:
    """The app with its data on the small disk, its log elsewhere."""
    port = free_port()
    env = app_environment()
    env |= {'HSA_PORT': str(port), 'HSA_DATA_DIR': str(disk.path), 'HSA_MIGRATE_ON_STARTUP': '1'}
    return Server(f'http://127.0.0.1:{port}', env, port, log_folder / 'app.log')


def test_signing_in_on_a_full_disk_says_the_server_is_out_of_space(
    disk: SmallDisk, tmp_path: Path, browser: WebDriver
) -> None:
    customer, service = make_customer(pincode='560001', phone='+919845012345'), make_service(name='Plumbing')
    make_approved_professional(service_id=service.id)
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

        book(page, service.id, disk=disk)
        page.wait_for_text(FULL)
        page.screenshot('disk-full-booking')
        page.open('/customer/requests')  # a page that only reads still opens
        page.wait_for_text('You have not booked anything yet.')
        disk.free()
        book(page, service.id)
        WebDriverWait(browser, 30).until(lambda driver: '/customer/requests/' in driver.current_url)
    finally:
        server.stop()


def test_an_app_started_on_a_full_disk_serves_and_catches_up_once_there_is_space(
    disk: SmallDisk, tmp_path: Path, browser: WebDriver
) -> None:
    customer = make_customer()
    dispose_engines()
    disk.fill()
    server = app_on(disk, tmp_path)
    server.start()  # it serves although its start-up (the database) cannot complete yet
    try:
        page = Page(browser, server.url)
        page.open('/login?redirect_to=%2Fcustomer')
        page.fill('Email', customer.email)
        page.fill('Password', PASSWORD)
        page.click('Sign in')
        page.wait_for_text(FULL)
        disk.free()
        page.open('/healthz')  # the start-up retries every 5 s
        WebDriverWait(browser, 30, poll_frequency=1).until(healthy)
        page.open('/login?redirect_to=%2Fcustomer')
        page.fill('Email', customer.email)
        page.fill('Password', PASSWORD)
        page.click('Sign in')
        page.wait_for_path('/customer')
    finally:
        server.stop()


def healthy(driver: WebDriver) -> bool:
    """/healthz, asked again: 'ok' once the start-up is complete."""
    driver.refresh()
    return driver.find_element(By.TAG_NAME, 'body').text == 'ok'


def book(page: Page, service_id: int, *, disk: SmallDisk | None = None) -> None:
    """Choose the first free slot of the booking form and confirm it (with the disk filled just before, if given)."""
    page.open(f'/customer/book/{service_id}')
    page.wait_for_text('Confirm booking')
    WebDriverWait(page.driver, 30).until(lambda driver: driver.execute_script(FIRST_SLOT, SLOT)).click()
    if disk is not None:
        disk.fill()
    press(page, 'Confirm booking')
