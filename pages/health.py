"""`GET /healthz` for a proxy or a monitor: 200 "ok" when this app process does all it should (the database is
migrated, committed events are delivered, the duties run or go to Celery), otherwise 503 naming what is missing.
Cheap and open to anyone: it reads what the process knows of itself, touches no database and tells no secrets."""

from __future__ import annotations

from fastapi.responses import PlainTextResponse
from nicegui import APIRouter, app

router = APIRouter()
NO_STORE = {'Cache-Control': 'no-store'}


@router.get('/healthz', include_in_schema=False)
async def health_route() -> PlainTextResponse:
    missing = not_running()
    if missing:
        return PlainTextResponse(f'not running: {", ".join(missing)}', status_code=503, headers=NO_STORE)
    return PlainTextResponse('ok', headers=NO_STORE)


def not_running() -> list[str]:
    """What start-up has not finished, or what stopped since (services/runtime/startup.py)."""
    start_up = getattr(app.state, 'start_up', None)
    return ['start-up'] if start_up is None else start_up.missing()
