"""An unexpected failure leaves one log record (the reference the user sees, the path, the user id), not four."""

from __future__ import annotations

import logging
import re

import pytest
from nicegui import ui
from nicegui.testing import User

from models.enums import Role
from pages.failures import quiet_nicegui_tracebacks
from pages.viewer import guarded, require_viewer
from tests.factories import make_customer
from tests.pages.support import PATIENCE, open_as


def failure_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.exc_info or record.levelno >= logging.ERROR]


async def test_a_page_that_fails_while_built_is_logged_once(user: User, caplog: pytest.LogCaptureFixture) -> None:
    @ui.page('/fails-while-built/{what}')
    async def fails(what: str) -> None:
        await require_viewer(Role.CUSTOMER)
        raise RuntimeError('the page broke')

    customer = make_customer()
    await open_as(user, customer, '/customer', 'customer-welcome')
    caplog.clear()
    response = await user.http_client.get('/fails-while-built/here')
    assert response.status_code == 500
    assert 'Something went wrong on our side.' in response.text
    reference = re.search(r'tell support the reference ([0-9a-f]{8})', response.text).group(1)
    [record] = failure_records(caplog)
    message = record.getMessage()
    assert f'reference {reference}' in message
    assert '/fails-while-built/here' in message
    assert f'for user {customer.id}' in message
    assert 'the page broke' in message
    caplog.clear()  # the one expected ERROR record: NiceGUI's user fixture fails a test that leaves any


async def test_a_click_that_fails_is_logged_once_and_the_user_gets_its_reference(
    user: User, caplog: pytest.LogCaptureFixture
) -> None:
    @ui.page('/fails-on-click')
    async def fails_on_click() -> None:
        viewer = await require_viewer(Role.CUSTOMER)

        @guarded(viewer)
        async def broken() -> None:
            raise RuntimeError('the click broke')

        ui.button('Break', on_click=broken).mark('break')

    customer = make_customer()
    await open_as(user, customer, '/customer', 'customer-welcome')
    await user.open('/fails-on-click')
    await user.should_see(marker='break')
    caplog.clear()
    user.find(marker='break').click()
    await user.should_see('Something went wrong on our side', retries=PATIENCE)
    [record] = failure_records(caplog)
    message = record.getMessage()
    reference = re.search(r'reference ([0-9a-f]{8})', message).group(1)
    await user.should_see(reference)
    assert '/fails-on-click' in message
    assert f'for user {customer.id}' in message
    caplog.clear()


def test_a_failure_only_nicegui_sees_is_logged_once_our_way(caplog: pytest.LogCaptureFixture) -> None:
    quiet_nicegui_tracebacks()
    try:
        raise OSError('no space left while saving the user storage')
    except OSError as error:
        logging.getLogger('nicegui').exception(error)  # as NiceGUI reports a failure none of our handlers see
    [record] = failure_records(caplog)
    assert record.name == 'hsa'
    assert re.match(r'failed \(reference [0-9a-f]{8}\) at - for user None: OSError', record.getMessage())
    caplog.clear()
