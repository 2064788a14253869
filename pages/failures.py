"""What an unexpected failure leaves: one log record with the reference the user is shown, the page's path and the
signed-in user's id (never a password, a token or an upload's body: SQL errors hide their parameters, models/db.py),
and for the user a page or a message with that reference instead of a stack trace."""

from __future__ import annotations

import contextlib
import logging
import uuid
from contextvars import ContextVar

from nicegui import ui

log = logging.getLogger('hsa')
VIEWER_ID: ContextVar[int | None] = ContextVar('viewer_id', default=None)  # set by require_viewer and guarded
_REFERENCE = '_hsa_reference'  # set on an exception once it is logged


class NiceguiTracebacks(logging.Filter):
    """NiceGUI logs every failure it handles as `log.exception(error)`, up to three times for one page (its 500 page,
    its default exception handler) beside ours. Its record is replaced by ours: the failure is logged once, our way
    (reference, path, user), whoever sees it first, NiceGUI or our handlers; its other records pass as they are."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, BaseException):
            return True
        log_once(record.msg, 'failed')
        return False


def quiet_nicegui_tracebacks() -> None:
    logger = logging.getLogger('nicegui')
    if not any(isinstance(existing, NiceguiTracebacks) for existing in logger.filters):
        logger.addFilter(NiceguiTracebacks())


def error_page(error: Exception) -> None:
    """The page that failed while it was built: says so, with the reference of the one record about it."""
    reference = log_once(error, 'page failed')
    with ui.column().classes('w-full items-center p-8 gap-2'):
        ui.label('Something went wrong on our side.').classes('text-2xl')
        ui.label(f'Please try again. If it keeps happening, tell support the reference {reference}.')
        ui.link('Back to the start', '/')


def log_unexpected(error: Exception) -> None:
    """Everything else NiceGUI hands on (a failed click, a background task): logged once, and the user is told."""
    reference = log_once(error, 'action failed')
    with contextlib.suppress(RuntimeError):  # no page to tell (a background task without a client)
        ui.notify(
            f'Something went wrong on our side; nothing more was done. If it keeps happening, tell support the '
            f'reference {reference}.',
            type='negative',
            position='top',
        )


def log_once(error: BaseException, what: str, *, path: str = '') -> str:
    """Log `error` with a new reference unless it was logged before; its reference either way."""
    if reference := getattr(error, _REFERENCE, None):
        return reference
    reference = uuid.uuid4().hex[:8]
    log.error(
        '%s (reference %s) at %s for user %s: %r',
        what,
        reference,
        path or _path(),
        VIEWER_ID.get(),
        error,
        exc_info=(type(error), error, error.__traceback__),
    )
    with contextlib.suppress(AttributeError):  # an exception type with __slots__
        setattr(error, _REFERENCE, reference)
    return reference


def _path() -> str:
    with contextlib.suppress(RuntimeError, AttributeError):  # outside a page there is no client, or no request
        return ui.context.client.request.url.path
    return '-'
