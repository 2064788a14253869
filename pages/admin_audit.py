"""The admin's audit log (`/admin/audit`): who did what, to which target, when and why; filtered by who, what,
which kind of target (or one target) and which days, all kept in the URL so a view can be shared and reloaded."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, run, ui

from components.filters import filter_card, known, refusal_notice
from components.frame import frame
from components.pager import pager
from components.tables import column, list_table
from components.words import local_time
from models.enums import Role
from pages.viewer import frame_options, require_viewer, with_query
from services import Actor, ServiceError, audit, format_money, session_scope
from services.audit import AuditPage, AuditRow

router = APIRouter(prefix='/admin')
PATH = '/admin/audit'
# on a phone each event is a card headed by what happened; the links are paths the service layer builds from ids
COLUMNS = [
    column('when', 'When'),
    column('who', 'Who', link='who_link'),
    column('what', 'What', role='title'),
    column('target', 'Target', link='target_link'),
    column('why', 'Why'),
    column('details', 'Details'),
]


@router.page('/audit', title='Audit log · Household Services')
async def audit_page(
    actor: str = '',
    action: str = '',
    target_type: str = '',
    target_id: str = '',
    date_from: str = '',
    date_to: str = '',
    cursor: str = '',
) -> RedirectResponse | None:
    viewer = await require_viewer(Role.ADMIN)
    if viewer.redirect:
        return viewer.redirect
    filters = {
        'actor': actor,
        'action': action,
        'target_type': target_type,
        'target_id': target_id,
        'date_from': date_from,
        'date_to': date_to,
    }
    page, refusal = None, None
    try:
        page = await run.io_bound(_read, viewer.actor, filters, cursor)
    except ServiceError as error:
        refusal = error
    with frame('Audit log', **frame_options(viewer)):
        inputs = _filter_form(filters, fold=refusal is None)  # a refused filter is shown to be fixed
        if refusal is not None:
            problem = refusal_notice(inputs, refusal)
            if problem is not None:
                problem.mark('audit-problem')
        if page is not None:
            _log(page, filters)
    return None


def _filter_form(filters: dict[str, str], *, fold: bool) -> dict[str, ui.element]:
    """The filters, applied by loading the page with them in the URL (one target stays chosen until cleared)."""

    def to_url(values: dict[str, str]) -> str:
        same_kind = values['target_type'] == filters['target_type']
        return with_query(PATH, **values, target_id=filters['target_id'] if same_kind else '')

    return filter_card(
        lambda: {
            'actor': ui.input('Who', value=filters['actor'], placeholder='Name or email').props('clearable'),
            'action': ui.select(
                {'': 'Any action', **audit.ACTION_WORDS},
                label='What',
                value=known(filters['action'], audit.ACTION_WORDS),
            ),
            'target_type': ui.select(
                {'': 'Any target', **audit.TARGET_WORDS},
                label='Target',
                value=known(filters['target_type'], audit.TARGET_WORDS),
            ),
            'date_from': ui.input('From day', value=filters['date_from']).props('type=date stack-label'),
            'date_to': ui.input('To day', value=filters['date_to']).props('type=date stack-label'),
        },
        to_url=to_url,
        clear_url=PATH,
        marker='audit',
        apply_text='Apply',
        apply_icon='filter_list',
        columns=5,
        label='Filter the log',
        fold=fold,
    )


def _log(page: AuditPage, filters: dict[str, str]) -> None:
    if page.target_label:
        with ui.row().classes('items-center gap-2').mark('audit-target-filter'):
            ui.label(f'Only events about: {page.target_label}')
            ui.link('Show every target', with_query(PATH, **{**filters, 'target_id': ''}))
    if not page.rows:
        nothing = 'Nothing matches these filters.' if any(filters.values()) else 'Nothing has been recorded yet.'
        ui.label(nothing).classes('text-grey-8').mark('audit-empty')
    else:
        zone = ZoneInfo(page.timezone)
        list_table(COLUMNS, [_row(row, zone) for row in page.rows], marker='audit-table')
    pager(
        total_label=page.total_label,
        noun='event' if page.total == 1 and not page.total_capped else 'events',
        previous_url=with_query(PATH, **filters, cursor=page.previous_cursor) if page.previous_cursor else None,
        next_url=with_query(PATH, **filters, cursor=page.next_cursor) if page.next_cursor else None,
        marker='audit',
    )


def _row(row: AuditRow, zone: ZoneInfo) -> dict[str, Any]:
    return {
        'id': row.id,
        'when': local_time(row.occurred_at, zone, seconds=True),
        'who': row.actor_label,
        'who_link': row.actor_link,
        'what': row.action_words,
        'target': row.target_label,
        'target_link': row.target_link,
        'why': row.reason,
        'details': _details(row.details),
    }


BEFORE_AFTER = {'approval_state'}  # detail keys recorded as [before, after] at the top level


def _details(details: dict[str, Any]) -> str:
    """The event's details in a line: 'status: requested → assigned', 'base price: ₹499.00 → ₹599.00'."""
    parts = []
    for key, value in details.items():
        if key == 'changed' and isinstance(value, dict):
            parts += [_change(k, v) for k, v in value.items()]
        elif key == 'after' and isinstance(value, dict):
            parts += [f'{_words(k)}: {_value(k, v)}' for k, v in value.items()]
        elif key == 'to' and 'from' in details:
            parts.append(f'status: {details["from"] or "new"} → {value}')
        elif key in BEFORE_AFTER:
            parts.append(_change(key, value))
        elif key != 'from' or 'to' not in details:
            parts.append(f'{_words(key)}: {_value(key, value)}')
    return '; '.join(parts)


def _change(key: str, pair: Any) -> str:
    if isinstance(pair, list | tuple) and len(pair) == len(('before', 'after')):
        return f'{_words(key)}: {_value(key, pair[0])} → {_value(key, pair[1])}'
    return f'{_words(key)}: {_value(key, pair)}'


def _words(key: str) -> str:
    return str(key).replace('_', ' ')


def _value(key: str, value: Any) -> str:
    if key in {'base_price', 'price'} and isinstance(value, int) and not isinstance(value, bool):
        return format_money(value)
    if isinstance(value, list | tuple):
        return ', '.join(str(item) for item in value) or '—'
    return '—' if value in (None, '') else str(value)


def _read(actor: Actor, filters: dict[str, str], cursor: str) -> AuditPage:
    with session_scope() as session:
        return audit.list_events(
            session,
            actor,
            actor_text=filters['actor'],
            action=filters['action'],
            target_type=filters['target_type'],
            target_id=filters['target_id'] or None,
            date_from=filters['date_from'] or None,
            date_to=filters['date_to'] or None,
            cursor=cursor or None,
        )
