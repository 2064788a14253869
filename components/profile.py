"""Profile pieces: the professional's approval state, said plainly."""

from __future__ import annotations

from nicegui import ui

from components.typed_text import typed_text
from models.enums import ApprovalState

_BANNER = {
    ApprovalState.PENDING: (
        'hourglass_top',
        'bg-amber-2 text-grey-10',
        'Your profile is awaiting approval. An admin reviews every professional; you can take requests '
        'once you are approved.',
    ),
    ApprovalState.APPROVED: ('verified', 'bg-green-2 text-grey-10', 'You are approved and can take requests.'),
    ApprovalState.REJECTED: ('error', 'bg-red-2 text-grey-10', 'Your profile was not approved.'),
}


def approval_banner(state: ApprovalState | None, reason: str = '') -> None:
    if state is None:
        return
    icon, colours, message = _BANNER[state]
    with (
        ui.row()
        .classes(f'w-full items-start gap-3 p-4 rounded {colours}')
        .props('role=status')
        .mark(f'approval-{state.value}')
    ):
        ui.icon(icon, size='md')
        with ui.column().classes('gap-1'):
            ui.label(message)
            if reason:
                typed_text(f'Reason: {reason}')
