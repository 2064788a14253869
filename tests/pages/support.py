"""What page tests share: signing in through the real login page, where the simulated browser is, waiting."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from nicegui import ui
from nicegui.testing import User

from services import Actor
from tests.factories import PASSWORD

PATIENCE = 50  # should_see retries 100 ms apart: sign-in runs bcrypt in a thread, slow on a busy machine


def path_of(user: User) -> str:
    """The path of the page the simulated browser shows now (after any redirects)."""
    return user.client.request.url.path


async def open_as(user: User, actor: Actor, page: str, marker: str, *, password: str = PASSWORD) -> None:
    """Sign in through the login page, which sends the user on to `page` (path and query); wait for `marker`."""
    await user.open(f'/login?redirect_to={quote(page, safe="")}')
    await user.should_see(marker='login-submit', retries=PATIENCE)
    user.find(marker='login-email').type(actor.email)
    user.find(marker='login-password').type(password)
    user.find(marker='login-submit').click()
    await user.should_see(marker=marker, retries=PATIENCE)
    assert path_of(user) == page.split('?', maxsplit=1)[0]


async def drawer_settled(user: User) -> None:
    """Wait until the frame's drawer has asked the (simulated) browser whether it is open.

    The simulation answers that JavaScript through the User object, which re-points the global ui.navigate and
    ui.notify at that user; if it lands while another user's click handler runs, that handler's navigation goes
    to the wrong user. Multi-user tests therefore let each page settle before driving the next user.
    """
    drawer = user.find(ui.left_drawer).elements.pop()
    for _ in range(100):
        if drawer.value is not None:
            return
        await asyncio.sleep(0.01)
    raise AssertionError('the drawer never learned whether it is open')


def table_rows(user: User, marker: str) -> list[dict]:
    """The rows of the one table marked `marker` on the page."""
    return user.find(marker=marker).elements.pop().rows
