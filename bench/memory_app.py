"""The app exactly as `python app.py` serves it, plus two routes only bench/memory.py uses (never in the app itself):

- `/__bench/counts`: after a full garbage collection, this process's NiceGUI clients, their elements, the timers
  among them, the subscriptions of every `nicegui.Event`, the asyncio tasks, the objects the collector tracks,
  pymalloc's allocated blocks, and the RSS in MB (10^6 B); `?trim=1` first hands freed heap back to the system
  (glibc `malloc_trim`), so what is left is what is still held; `?types=1` adds how many objects of each type;
- `/__bench/bare`: a bare NiceGUI page with the admin dashboard's widgets (header, drawer with the admin's links,
  four counters, four bar charts of the same sizes, the waiting table with ten rows) built straight from `ui`, with
  none of our components, services, subscriptions or handlers: what a page of that size costs NiceGUI itself.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import app as site  # noqa: E402 (first: it points NiceGUI's storage into the data folder before NiceGUI loads)

# isort: split
from nicegui import Client, Event, app, ui  # noqa: E402

NAV = ('Dashboard', 'Requests', 'Users', 'Services', 'Audit log', 'Outbox', 'Exports', 'Notifications', 'Account')
CHART_SIZES = (('Requests by status', 5), ('Requests by service', 11), ('Bookings per day', 30), ('Ratings', 5))
TABLE_COLUMNS = ('service', 'when', 'booked', 'pincode', 'customer', 'professional', 'status', 'price')


@app.get('/__bench/counts')
async def counts(trim: bool = False, types: bool = False) -> dict[str, Any]:
    gc.collect()
    if trim:
        ctypes.CDLL('libc.so.6').malloc_trim(0)
    elements = [element for client in Client.instances.values() for element in client.elements.values()]
    return {
        'clients': len(Client.instances),
        'elements': len(elements),
        'timers': sum(isinstance(element, ui.timer) for element in elements),
        'subscriptions': sum(len(event.callbacks) for event in Event.instances),
        'tasks': len(asyncio.all_tasks()),
        'tab_storages': len(app.storage._tabs),  # NiceGUI keeps one per tab that connected (app.py)
        'objects': len(gc.get_objects()),
        'blocks': sys.getallocatedblocks(),
        'rss_mb': _rss_mb(),
        **({'types': _types()} if types else {}),
    }


def _types() -> dict[str, int]:
    """How many objects of each type the collector tracks (not those app.py froze at start: a leak is younger)."""
    return dict(Counter(_type_name(item) for item in gc.get_objects()))


def _type_name(item: object) -> str:
    kind = type(item)
    return f'{kind.__module__}.{kind.__qualname__}'


@ui.page('/__bench/bare', title='Dashboard · Household Services')
def bare() -> None:
    with ui.header(elevated=True).classes('items-center gap-2 px-4 py-2 bg-primary text-white'):
        ui.button(icon='menu').props('flat round color=white')
        ui.label('Household Services').classes('text-lg font-bold')
        ui.space()
        with ui.element('div').classes('flex items-center gap-1 text-xs px-2 py-1 rounded-full'):
            ui.element('span').classes('inline-block w-2 h-2 rounded-full bg-green-4')
            ui.label('Live')
        with ui.button(icon='notifications').props('flat round color=white'):
            ui.badge('3').props('floating')
        ui.label('Bench Admin').classes('text-sm truncate')
        ui.button(icon='dark_mode').props('flat round color=white')
        with ui.button(icon='logout').props('flat color=white'):
            ui.label('Sign out').classes('ml-2')
    with ui.left_drawer(value=None, bordered=True).props('width=220 breakpoint=800'):
        with ui.column().classes('w-full gap-1 pt-2'):
            for label in NAV:
                with ui.link(target='/').classes('flex items-center gap-3 px-3 py-2 rounded no-underline'):
                    ui.icon('dashboard')
                    ui.label(label)
    with ui.column().classes('w-full max-w-5xl mx-auto p-4 gap-4'):
        ui.label('Dashboard').classes('text-2xl font-semibold')
        ui.label('').classes('sr-only').props('aria-live=polite aria-atomic=true')
        ui.label('Welcome, Bench Admin.').classes('text-grey-8')
        with ui.element('div').classes('w-full grid grid-cols-2 md:grid-cols-4 gap-3'):
            for number, label in enumerate(('Pending approvals', 'Open requests', 'Waiting', 'Booked today')):
                with ui.link(target='/').classes('no-underline rounded-lg p-4 bg-blue-1 text-blue-10'):
                    ui.label(f'{number * 1234:,}').classes('text-3xl font-bold')
                    ui.label(label).classes('text-sm')
        with ui.element('div').classes('w-full grid grid-cols-1 md:grid-cols-2 gap-4'):
            for title, size in CHART_SIZES:
                ui.echart(_options(title, size)).classes('w-full h-72')
        ui.label('Waiting longest for a professional').classes('text-lg font-semibold')
        columns = [{'name': name, 'label': name.title(), 'field': name, 'align': 'left'} for name in TABLE_COLUMNS]
        rows = [{'id': row, **{name: f'{name} {row}' for name in TABLE_COLUMNS}} for row in range(10)]
        ui.table(columns=columns, rows=rows, row_key='id').classes('w-full')


def _options(title: str, size: int) -> dict:
    return {
        'title': {'text': title, 'left': 'left', 'textStyle': {'fontSize': 15, 'color': '#212121'}},
        'textStyle': {'color': '#212121'},
        'aria': {'enabled': True},
        'animation': False,
        'tooltip': {'trigger': 'axis'},
        'xAxis': {'type': 'category', 'data': tuple(f'{title[:6]} {n}' for n in range(size))},
        'yAxis': {'type': 'value', 'minInterval': 1},
        'series': [{'type': 'bar', 'name': title, 'data': tuple(range(size))}],
    }


def _rss_mb() -> float:
    for line in Path('/proc/self/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) * 1024 / 1e6
    return 0.0


if __name__ == '__main__':
    site.serve()
