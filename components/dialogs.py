"""Dialogs that stand between an admin and a destructive action: confirm, or confirm with a reason (and, for what only
someone else can undo, their own password)."""

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
    answer = await _reason_dialog(title, message, action=action, marker=marker, label=label, dismiss=dismiss)
    return None if answer is None else answer[0]


async def ask_reason_and_password(title: str, message: str, *, action: str, marker: str) -> tuple[str, str] | None:
    """`ask_reason` that also asks for the user's own password (for an action only someone else can undo): the reason
    and the password typed, or None when the user backed out. Marked `<marker>-password`."""
    return await _reason_dialog(title, message, action=action, marker=marker, with_password=True)


async def _reason_dialog(
    title: str,
    message: str,
    *,
    action: str,
    marker: str,
    label: str = 'Reason',
    dismiss: str = 'Cancel',
    with_password: bool = False,
) -> tuple[str, str] | None:
    with ui.dialog() as dialog, ui.card().classes('w-full max-w-md gap-3').props('role=alertdialog'):
        ui.label(title).classes('text-lg font-semibold').props('role=heading aria-level=2')
        ui.label(message)
        reason = (
            ui.textarea(label)
            .props(f'outlined autogrow maxlength={MAX_REASON} counter autofocus')
            .classes('w-full')
            .mark(f'{marker}-reason')
        )
        password = None
        if with_password:
            password = ui.input('Your password', password=True).props('outlined autocomplete=current-password')
            password.classes('w-full').mark(f'{marker}-password')

        def submit() -> None:
            missing = [] if (reason.value or '').strip() else [(reason, f'{label} is required.')]
            if password is not None and not password.value:
                missing.append((password, 'Enter your password to confirm.'))
            for field, text in missing:
                field.props['error'] = True
                field.props['error-message'] = text
            if not missing:
                dialog.submit((reason.value, password.value if password is not None else ''))

        with ui.row().classes('w-full justify-end gap-2'):
            ui.button(dismiss, on_click=lambda: dialog.submit(None)).props('flat no-caps').mark(f'{marker}-cancel')
            ui.button(action, on_click=submit).props('color=negative no-caps').mark(f'{marker}-confirm')
    try:
        return await dialog
    finally:
        dialog.delete()
