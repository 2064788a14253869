"""Dialogs that stand between an admin and a destructive action: confirm, or confirm with a reason."""

from __future__ import annotations

from nicegui import ui

MAX_REASON = 500


async def confirm(title: str, message: str, *, action: str, marker: str) -> bool:
    """True when the user pressed `action`; Escape, the backdrop or Cancel answer False."""
    with ui.dialog() as dialog, ui.card().classes('w-full max-w-md gap-3').props('role=alertdialog'):
        ui.label(title).classes('text-lg font-semibold').props('role=heading aria-level=2')
        ui.label(message)
        with ui.row().classes('w-full justify-end gap-2'):
            ui.button('Cancel', on_click=lambda: dialog.submit(False)).props('flat no-caps').mark(f'{marker}-cancel')
            ui.button(action, on_click=lambda: dialog.submit(True)).props('color=negative no-caps').mark(
                f'{marker}-confirm'
            )
    try:
        return bool(await dialog)
    finally:
        dialog.delete()


async def ask_reason(
    title: str, message: str, *, action: str, marker: str, label: str = 'Reason', dismiss: str = 'Cancel'
) -> str | None:
    """The reason typed (the service layer validates it), or None when the user backed out (`dismiss` names that
    button: 'Cancel' reads oddly in a dialog that cancels something)."""
    with ui.dialog() as dialog, ui.card().classes('w-full max-w-md gap-3').props('role=alertdialog'):
        ui.label(title).classes('text-lg font-semibold').props('role=heading aria-level=2')
        ui.label(message)
        reason = (
            ui.textarea(label)
            .props(f'outlined autogrow maxlength={MAX_REASON} counter autofocus')
            .classes('w-full')
            .mark(f'{marker}-reason')
        )

        def submit() -> None:
            if not (reason.value or '').strip():
                reason.props['error'] = True
                reason.props['error-message'] = f'{label} is required.'
                return
            dialog.submit(reason.value)

        with ui.row().classes('w-full justify-end gap-2'):
            ui.button(dismiss, on_click=lambda: dialog.submit(None)).props('flat no-caps').mark(f'{marker}-cancel')
            ui.button(action, on_click=submit).props('color=negative no-caps').mark(f'{marker}-confirm')
    try:
        return await dialog
    finally:
        dialog.delete()
