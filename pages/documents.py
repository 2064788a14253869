"""`GET /documents/{id}`: a professional's verification document, streamed to its owner and to admins only.

Files are never served from a static folder or through `ui.download.file` (whose route checks nobody): this
route resolves the viewer from the session token and lets the service layer decide, and the answer is
sandboxed (no scripts, nothing sniffed, nothing cached) in case a file is not what it claims to be.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from nicegui import APIRouter, run

from pages.viewer import login_path, route_actor
from services import Actor, ServiceError, people, session_scope, to_id
from services.people import DocumentFile

router = APIRouter()
PROTECTIVE_HEADERS = {
    'X-Content-Type-Options': 'nosniff',
    # frame-ancestors: only our own pages may show a document in a frame (the admin's review page does)
    'Content-Security-Policy': "sandbox; default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'",
    'X-Frame-Options': 'SAMEORIGIN',  # the same rule for browsers that ignore frame-ancestors
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
}
_UNSAFE_IN_QUOTES = re.compile(r'[^\x20-\x7e]|["\\]')


@router.get('/documents/{document_id}')
async def document_route(document_id: str) -> Response:
    """The owner or an admin gets the file; a visitor who is not signed in goes to sign in first; for
    everyone else the document does not exist (the same 404 as a missing id)."""
    actor = await route_actor()
    if actor is None:
        return RedirectResponse(login_path(f'/documents/{quote(document_id, safe="")}'), headers=PROTECTIVE_HEADERS)
    wanted = to_id(document_id)
    if wanted is None:
        return not_found()
    try:
        document = await run.io_bound(_open, actor, wanted)
    except ServiceError:
        return not_found()
    return FileResponse(
        document.path,
        media_type=document.content_type,
        headers={**PROTECTIVE_HEADERS, 'Content-Disposition': content_disposition(document.download_name)},
    )


def content_disposition(name: str, kind: str = 'inline') -> str:
    """`inline` (or `attachment`) with an ASCII fallback name for old clients and the exact name as RFC 5987
    `filename*`."""
    fallback = _UNSAFE_IN_QUOTES.sub('_', name) or 'document'
    return f'{kind}; filename="{fallback}"; filename*=UTF-8\'\'{quote(name, safe="")}'


def _open(actor: Actor, document_id: int) -> DocumentFile:
    with session_scope() as session:
        return people.open_document(session, actor, document_id=document_id)


def not_found() -> Response:
    return PlainTextResponse('Not found.', status_code=404, headers=PROTECTIVE_HEADERS)
