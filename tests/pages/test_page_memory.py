"""What a page leaves behind in the app once its browser tab is gone."""

from __future__ import annotations

from nicegui import app
from nicegui.app.app import prune_tab_storage
from nicegui.testing import User

TEN_MINUTES = 600


async def test_a_closed_tabs_storage_is_let_go_within_minutes_not_a_month(user: User) -> None:
    """NiceGUI keeps a dict per browser tab that ever connected; by its default, for 30 days."""
    await app.storage._create_tab_storage('tab-closed-long-ago')
    await app.storage._create_tab_storage('tab-just-opened')
    app.storage._tabs['tab-closed-long-ago'].last_modified -= TEN_MINUTES

    await prune_tab_storage()

    assert 'tab-closed-long-ago' not in app.storage._tabs
    assert 'tab-just-opened' in app.storage._tabs
