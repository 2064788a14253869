"""The app's one list component: every list of rows is a table where there is room and one card per row on a phone.

Each column has a role. A row's `title` (its name, often a link) and `status` (a chip) head its card; `fact` and
`number` cells follow as "Label value" lines; `actions` (real buttons) end it. Wider, it is a table whose cells wrap
(a tablet's 600 px fit every column, nothing scrolls sideways). Two builders share the cells' classes and one
stylesheet:

- `list_table` draws a `ui.table` (its rows stay plain data) through one body template written here;
- `ElementList` builds the same table from Python elements, for rows whose cells hold real buttons.

The list decides by its own width (a container query), so a list in a narrow column of a wide page is cards too.
"""

from __future__ import annotations

from typing import Any, Literal
from weakref import WeakSet

from nicegui import Client, context, ui

from components.theme import PRIMARY_ON_DARK

Role = Literal['title', 'status', 'fact', 'number', 'actions']
Tone = Literal['neutral', 'good', 'waiting', 'info', 'bad']  # a status chip's colour: what the status means
PHONE_WIDTH = 600  # narrower than this, a list is cards (px of the list itself)
ROOMY_WIDTH = 700  # this wide, a button's icon stands beside its words (narrower, above them: the other cells fit)

# Vue escapes {{ }}, so names and reasons show as typed; links come from a row field that our code fills with a path
BODY = r"""
<q-tr :props="props">
  <q-td v-for="col in props.cols" :key="col.name" :props="props" :data-label="col.label"
        :class="{'list-empty': col.value === '' || col.value === null || col.value === undefined}">
    <span v-if="col.role === 'fact' || col.role === 'number'" class="list-label">{{ col.label }}</span>
    <a v-if="col.link && props.row[col.link]" :href="props.row[col.link]" class="list-link">{{ col.value }}</a>
    <span v-else-if="col.role === 'status'" :class="'list-chip list-chip--' + (props.row.tone || 'neutral')"
      >{{ col.value }}</span>
    <span v-else>{{ col.value }}</span>
  </q-td>
</q-tr>
"""

# In the `overrides` layer: it comes after Quasar's and Tailwind's, so these win without !important (theme.py)
CSS = f"""
@layer overrides {{
  .list-frame {{ width: 100%; container: list / inline-size; }}
  .app-list th, .app-list td {{ white-space: normal; overflow-wrap: break-word; padding-left: 8px;
    padding-right: 8px; }}
  .app-list td.list-number {{ white-space: nowrap; }}
  .app-list .list-label {{ display: none; }}
  .app-list .list-link {{ color: var(--q-primary); text-decoration: underline; font-weight: 500; }}
  .body--dark .app-list .list-link {{ color: {PRIMARY_ON_DARK}; }}
  .app-list .list-actions > .nicegui-row {{ flex-wrap: nowrap; }}
  @container list (min-width: {ROOMY_WIDTH}px) {{
    .app-list td.list-actions .q-btn__content {{ flex-wrap: nowrap; }}
  }}
  .list-chip {{ display: inline-block; padding: 2px 10px; border-radius: 12px; font-size: 0.8125rem;
    line-height: 1.4; font-weight: 500; white-space: normal; background: #eeeeee; color: #424242; }}
  .list-chip--good {{ background: #e8f5e9; color: #1b5e20; }}
  .list-chip--waiting {{ background: #fff3e0; color: #8a4600; }}
  .list-chip--info {{ background: #e3f2fd; color: #0d47a1; }}
  .list-chip--bad {{ background: #ffebee; color: #b71c1c; }}
  .body--dark .list-chip {{ background: #424242; color: #eeeeee; }}
  .body--dark .list-chip--good {{ background: #1b5e20; color: #e8f5e9; }}
  .body--dark .list-chip--waiting {{ background: #5d3a00; color: #fff3e0; }}
  .body--dark .list-chip--info {{ background: #0d47a1; color: #e3f2fd; }}
  .body--dark .list-chip--bad {{ background: #7f1d1d; color: #ffebee; }}
  @container list (max-width: {PHONE_WIDTH - 0.02}px) {{
    .app-list {{ background: transparent; border: 0; box-shadow: none; overflow: visible; }}
    .app-list .q-table__middle {{ overflow: visible; }}
    .app-list table, .app-list tbody {{ display: block; width: 100%; }}
    .app-list thead {{ display: none; }}
    .app-list tbody tr {{ display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; height: auto;
      margin: 0 0 12px; padding: 12px 16px; border: 1px solid rgba(0, 0, 0, 0.12); border-radius: 8px;
      background: #ffffff; color: #000000; }}
    .body--dark .app-list tbody tr {{ border-color: rgba(255, 255, 255, 0.28); background: var(--q-dark);
      color: #ffffff; }}
    .app-list tbody td {{ display: block; height: auto; padding: 0; border: 0; text-align: left;
      font-size: 0.875rem; white-space: normal; overflow-wrap: anywhere; }}
    .app-list tbody td::before {{ display: none; }}
    .app-list tbody td.list-title {{ order: -2; flex: 1 1 10rem; min-width: 0; font-size: 1rem; font-weight: 600; }}
    .app-list tbody td.list-status {{ order: -1; flex: 0 1 auto; }}
    .app-list tbody td.list-fact, .app-list tbody td.list-number {{ display: flex; flex: 1 1 100%; gap: 12px; }}
    .app-list .list-label {{ display: block; flex: 0 0 6.5rem; opacity: 0.75; }}
    .app-list tbody td.list-actions {{ flex: 1 1 100%; margin-top: 4px; }}
    .app-list tbody td.list-actions > .nicegui-row {{ width: 100%; gap: 8px; flex-wrap: wrap; }}
    .app-list tbody td.list-actions .q-btn {{ flex: 1 1 0; min-height: 44px; }}
    .app-list tbody td.list-actions .q-btn:before {{ border: 1px solid currentColor; opacity: 0.5; }}
    .app-list tbody td.list-empty {{ display: none; }}
  }}
}}
"""
_styled: WeakSet[Client] = WeakSet()  # pages that have the stylesheet already (refreshes add lists again)


def column(name: str, label: str, *, role: Role = 'fact', link: str = '', sortable: bool = False) -> dict[str, Any]:
    """A column showing the row's value named `name`; `link` names the row field holding where the value links to."""
    classes = f'list-{role}'
    return {
        'name': name,
        'label': label,
        'field': name,
        'align': 'right' if role == 'number' else 'left',
        'role': role,
        'link': link,
        'sortable': sortable,
        'classes': classes,
        'headerClasses': classes,
    }


def list_table(
    columns: list[dict[str, Any]], rows: list[dict[str, Any]], *, marker: str, row_class: str = ''
) -> ui.table:
    """A `ui.table` of `rows` (a status column's chip takes the row's `tone`); `row_class` is a JavaScript function
    of the row giving the classes of its row or card (the live highlight)."""
    _add_css()
    with ui.element('div').classes('list-frame'):
        table = ui.table(columns=columns, rows=rows, row_key='id').classes('app-list w-full').props('flat bordered')
    if row_class:
        table.props(f':table-row-class-fn="{row_class}"')
    table.add_slot('body', BODY)
    return table.mark(marker)


class ElementList:
    """The same list built from elements: `with rows.row(marker):` then `rows.text(name, text)` or
    `with rows.cell(name):` for anything else (buttons, badges)."""

    def __init__(self, columns: list[dict[str, Any]], *, marker: str) -> None:
        _add_css()
        self.columns = {col['name']: col for col in columns}
        with ui.element('div').classes('list-frame'):
            with ui.element('q-markup-table').props('flat bordered').classes('app-list w-full').mark(marker):
                with ui.element('thead'), ui.element('tr'):
                    for col in columns:
                        th = ui.element('th').classes(f'text-{col["align"]} {col["classes"]}').props('scope=col')
                        with th:
                            ui.label(col['label'])
                self.body = ui.element('tbody')

    def row(self, marker: str) -> ui.element:
        with self.body:
            return ui.element('tr').mark(marker)

    def cell(self, name: str) -> ui.element:
        col = self.columns[name]
        td = ui.element('td').classes(f'text-{col["align"]} {col["classes"]}')
        td.props['data-label'] = col['label']  # set as a value: a label may hold quotes
        if col['role'] in ('fact', 'number'):
            with td:
                ui.label(col['label']).classes('list-label')
        return td

    def text(self, name: str, text: str) -> ui.label:
        with self.cell(name) as td:
            if not text:
                td.classes('list-empty')
            return ui.label(text)


def status_chip(text: str, tone: Tone = 'neutral') -> ui.label:
    """The chip a status column shows, for lists built from elements."""
    return ui.label(text).classes(f'list-chip list-chip--{tone}')


def _add_css() -> None:
    client = context.client
    if client not in _styled:
        _styled.add(client)
        ui.add_css(CSS)
