"""CSV exports of closed requests: an admin's of the requests list's filters, a professional's of their own jobs.
Created here, built by a job (the jobs runtime), followed by `state` and `rows_done`, downloaded by their owner."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from api.problems import ProblemRoute
from api.viewer import Signed
from models.enums import ExportState
from services import exports
from services.exports import ExportRow

router = APIRouter(route_class=ProblemRoute, tags=['exports'])


class ExportFilters(BaseModel):
    """Admins: the requests list's filters (a professional's export is always of their own jobs)."""

    service_id: int | None = None
    pincode: str | None = Field(None, max_length=6)
    date_from: date | None = None
    date_to: date | None = None
    customer: str | None = Field(None, max_length=80, description="Part of the customer's name or email")
    professional: str | None = Field(None, max_length=80, description="Part of the professional's name or email")
    sort: Literal['scheduled', 'booked'] | None = None


class Export(BaseModel):
    id: int
    description: str
    state: ExportState
    rows_done: int
    rows_total: int | None
    size: int | None = Field(description='Bytes, once done')
    error: str
    created_at: datetime
    finished_at: datetime | None
    download: str | None = Field(description='Where to GET the CSV, once done')


def shown(row: ExportRow) -> Export:
    fields = {name: getattr(row, name) for name in Export.model_fields if name != 'download'}
    done = row.state is ExportState.DONE
    return Export(**fields, download=f'/api/v1/exports/{row.id}/file' if done else None)


@router.post('/exports', status_code=202, response_model=Export, summary='Start an export of closed requests')
def create_export(caller: Signed, filters: ExportFilters, response: Response) -> Export:
    with caller.unit(write=True) as (session, actor):
        row = exports.create_export(session, actor, filters=filters.model_dump(mode='json', exclude_none=True))
    response.headers['Location'] = f'/api/v1/exports/{row.id}'
    return shown(row)


@router.get('/exports', response_model=list[Export], summary='My exports, newest first (kept 7 days)')
def list_exports(caller: Signed) -> list[Export]:
    with caller.unit() as (session, actor):
        return [shown(row) for row in exports.list_exports(session, actor)]


@router.get('/exports/{export_id}', response_model=Export, summary='How far an export has come')
def get_export(caller: Signed, export_id: int) -> Export:
    with caller.unit() as (session, actor):
        return shown(exports.get_export(session, actor, export_id=export_id))


@router.get(
    '/exports/{export_id}/file',
    response_class=FileResponse,
    responses={200: {'content': {'text/csv': {}}, 'description': 'The CSV'}},
    summary='Download a finished export (its owner)',
)
def download_export(caller: Signed, export_id: int) -> FileResponse:
    with caller.unit() as (session, actor):
        found = exports.export_file(session, actor, export_id=export_id)
    return FileResponse(
        found.path,
        media_type='text/csv; charset=utf-8',
        filename=found.download_name,
        headers={'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store'},
    )
