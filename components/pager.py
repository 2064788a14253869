"""Previous / next links under a cursor-paginated list, with its (capped) count."""

from __future__ import annotations

from nicegui import ui


def pager(*, total_label: str, noun: str, previous_url: str | None, next_url: str | None, marker: str) -> ui.row:
    """'1,234 requests' and two links. A missing link is shown disabled so the layout does not jump between pages;
    on a list of one page there is nowhere to go, and both are hidden (the count stays)."""
    with ui.row().classes('w-full items-center gap-2 flex-nowrap').props(f'aria-label="{noun} pages"') as row:
        counted = noun.removesuffix('s') if total_label == '1' else noun  # '1 request', '2 requests'
        ui.label(f'{total_label} {counted}').classes('text-grey-8').mark(f'{marker}-count')
        ui.space()
        with ui.row().classes('items-center gap-2 flex-nowrap').mark(f'{marker}-links') as links:
            _link('Previous', 'icon=chevron_left', previous_url, f'{marker}-previous')
            _link('Next', 'icon-right=chevron_right', next_url, f'{marker}-next')
        links.set_visibility(previous_url is not None or next_url is not None)
    return row


def _link(label: str, icon: str, url: str | None, marker: str) -> None:
    button = ui.button(label).props(f'{icon} flat no-caps padding="xs sm"').mark(marker)
    if url is None:
        button.disable()
    else:
        button.props(f'href="{url}"')  # a real link: opens in a new tab, works without a WebSocket round trip
