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
    its default exception handler) beside ours; ours says it once, with reference, path and user. Its other records
    (its own faults, which arrive as text) pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not isinstance(record.msg, BaseException)


def quiet_nicegui_tracebacks() -> None:
    logger = logging.getLogger('nicegui')
    if not any(isinstance(existing, NiceguiTracebacks) for existing in logger.filters):
        logger.addFilter(NiceguiTracebacks())


def error_page(error: Exception) -> None:
    """The page that failed while it was built: says so, with the reference of the one record about it."""
    reference = _log_once(error, 'page failed')
    with ui.column().classes('w-full items-center p-8 gap-2'):
        ui.label('Something went wrong on our side.').classes('text-2xl')
        ui.label(f'Please try again. If it keeps happening, tell support the reference {reference}.')
        ui.link('Back to the start', '/')


def log_unexpected(error: Exception) -> None:
    """Everything else NiceGUI hands on (a failed click, a background task): logged once, and the user is told."""
    if getattr(error, _REFERENCE, None):
        return  # the error page logged it already
    reference = _log_once(error, 'action failed')
    with contextlib.suppress(Exception):  # no page to tell (a background task without a client)
        ui.notify(
            f'Something went wrong on our side; nothing more was done. If it keeps happening, tell support the '
            f'reference {reference}.',
            type='negative',
            position='top',
        )


def _log_once(error: Exception, what: str) -> str:
    reference = getattr(error, _REFERENCE, None) or uuid.uuid4().hex[:8]
    if not getattr(error, _REFERENCE, None):
        log.error(
            '%s (reference %s) at %s for user %s: %r', what, reference, _path(), VIEWER_ID.get(), error, exc_info=error
        )
        with contextlib.suppress(AttributeError):  # an exception type with __slots__
            setattr(error, _REFERENCE, reference)
    return reference


def _path() -> str:
    with contextlib.suppress(Exception):  # outside a page there is no path to tell
        return ui.context.client.request.url.path
    return '-'
