"""What a live page shows about being live: the header's indicator ("Live" or "Reconnecting…", the truth about the
connection to every process's events), a polite screen-reader region that says what changed ("1 new request"), and
the brief highlight of rows that just changed."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from nicegui import Client, ElementFilter, context, ui

INDICATOR_MARKER = 'live-indicator'
ANNOUNCER_MARKER = 'live-announcer'
WORDS = {'live': 'Live', 'reconnecting': 'Reconnecting…'}
EXPLAINED = {
    'live': 'Changes made by others appear here as they happen.',
    'reconnecting': 'Lost touch with the other servers: changes may appear late. Trying again…',
}
HIGHLIGHT_SECONDS = 3.0
HIGHLIGHT_CLASS = 'bg-amber-2 text-black'  # in light and dark mode: dark text on a light amber (12:1)
_announcers: WeakKeyDictionary[Client, ui.label] = WeakKeyDictionary()  # each open page's polite region


def live_indicator(state: str) -> ui.element:
    """A small chip in the header; `show_connection` keeps it true."""
    with ui.element('div').classes('flex items-center gap-1 text-xs px-2 py-1 rounded-full bg-white/15') as chip:
        ui.element('span')
        ui.label().classes('max-sm:hidden')  # a phone's header has room for the dot (its title says the rest)
    chip.props('role=status')
    _show(chip, state)
    return chip


def announcer() -> ui.label:
    """Visually hidden, read out by screen readers whenever its text changes (aria-live=polite)."""
    region = ui.label('').classes('sr-only').props('aria-live=polite aria-atomic=true').mark(ANNOUNCER_MARKER)
    _announcers[region.client] = region  # found again at once, not by searching the page (hundreds may be open)
    return region


def show_connection(state: str) -> None:
    """Put the connection's state on this page's indicator."""
    for chip in ElementFilter(marker=INDICATOR_MARKER):
        _show(chip, state)


def _show(chip: ui.element, state: str) -> None:
    dot, words = chip.default_slot.children
    dot.classes(replace='inline-block w-2 h-2 rounded-full ' + ('bg-green-4' if state == 'live' else 'bg-orange-5'))
    if isinstance(words, ui.label):
        words.set_text(WORDS.get(state, state))
    chip.props['title'] = EXPLAINED.get(state, '')
    chip.mark(f'{INDICATOR_MARKER} {INDICATOR_MARKER}-{state}')


def announce(words: str) -> None:
    """Have screen readers say `words` (once: the same words again are said again)."""
    region = _announcers.get(context.client)
    if region is not None:
        region.set_text(words if region.text != words else f'{words}\u00a0')  # a change, or nothing is read


def plural(count: int, noun: str) -> str:
    return f'{count} {noun}' if count == 1 else f'{count} {noun}s'
