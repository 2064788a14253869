"""The catalogue: anyone signed in searches the services on offer; admins add, edit, retire and reinstate them.
A service's ETag is its version: PATCH with If-Match refuses a lost update with 412."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel, Field

from api.money import Money, paise
from api.problems import PreconditionFailed, ProblemRoute, stale_is_412
from api.viewer import Signed
from models.enums import Role
from services import ValidationError, catalog, to_id
from services.catalog import ServiceRow

router = APIRouter(route_class=ProblemRoute, tags=['services'])


class Service(BaseModel):
    id: int
    name: str
    category: str
    base_price: Money
    time_required: int = Field(description='Minutes')
    description: str
    is_active: bool = Field(description='False: retired (only admins see it)')
    version: int = Field(description='Also the ETag; send it back as If-Match to edit')


class ServiceList(BaseModel):
    items: list[Service]
    next: str | None = Field(None, description='The whole catalogue is one page')


class NewService(BaseModel):
    name: str = Field(examples=['AC Repair'])
    category: str = Field(examples=['Appliances'])
    base_price: int = Field(description='In paise', examples=[79900])
    time_required: int = Field(description='Minutes', examples=[90])
    description: str = ''


class ServiceChanges(BaseModel):
    name: str | None = None
    category: str | None = None
    base_price: int | None = Field(None, description='In paise')
    time_required: int | None = Field(None, description='Minutes')
    description: str | None = None


def shown(row: ServiceRow) -> Service:
    return Service(
        id=row.id,
        name=row.name,
        category=row.category,
        base_price=paise(row.base_price),
        time_required=row.time_required,
        description=row.description,
        is_active=row.is_active,
        version=row.version,
    )


def tagged(response: Response, row: ServiceRow) -> Service:
    response.headers['ETag'] = f'"{row.version}"'
    return shown(row)


@router.get('/services', response_model=ServiceList, summary='Search the services on offer')
def list_services(
    caller: Signed,
    text: Annotated[str, Query(max_length=80, description='In the name or category, any case')] = '',
    category: Annotated[str | None, Query(max_length=80)] = None,
    include_retired: Annotated[bool, Query(description='Admins only')] = False,
) -> ServiceList:
    if include_retired and text:
        raise ValidationError(
            'Search text looks only at services on offer; leave it out with include_retired.', field='text'
        )
    with caller.unit() as (session, actor):
        if include_retired:
            rows = catalog.list_services(session, actor, include_retired=True, category=category)
        else:
            rows = catalog.search_services(session, text=text, category=category)
    return ServiceList(items=[shown(row) for row in rows])


@router.get('/services/{service_id}', response_model=Service, summary='One service (admins: retired ones too)')
def get_service(caller: Signed, service_id: int, response: Response) -> Service:
    with caller.unit() as (session, actor):
        row = catalog.get_service(session, service_id=service_id, include_retired=actor.role is Role.ADMIN)
    return tagged(response, row)


@router.post('/services', status_code=201, response_model=Service, summary='Add a service (admins)')
def create_service(caller: Signed, new: NewService, response: Response) -> Service:
    with caller.unit(write=True) as (session, actor):
        row = catalog.create_service(session, actor, **new.model_dump())
    response.headers['Location'] = f'/api/v1/services/{row.id}'
    return tagged(response, row)


@router.patch('/services/{service_id}', response_model=Service, summary='Change a service (admins)')
def edit_service(
    caller: Signed,
    service_id: int,
    changes: ServiceChanges,
    response: Response,
    if_match: Annotated[str | None, Header(description='The ETag read before: refuses a lost update (412)')] = None,
) -> Service:
    version = _version(if_match)
    with stale_is_412(if_match), caller.unit(write=True) as (session, actor):
        row = catalog.edit_service(
            session, actor, service_id=service_id, version=version, **changes.model_dump(exclude_unset=True)
        )
    return tagged(response, row)


@router.post('/services/{service_id}/retire', response_model=Service, summary='Stop offering a service (admins)')
def retire_service(caller: Signed, service_id: int, response: Response) -> Service:
    with caller.unit(write=True) as (session, actor):
        row = catalog.retire_service(session, actor, service_id=service_id)
    return tagged(response, row)


@router.post('/services/{service_id}/reinstate', response_model=Service, summary='Offer a service again (admins)')
def reinstate_service(caller: Signed, service_id: int, response: Response) -> Service:
    with caller.unit(write=True) as (session, actor):
        row = catalog.reinstate_service(session, actor, service_id=service_id)
    return tagged(response, row)


def _version(if_match: str | None) -> int | None:
    """The version an If-Match names ('"7"' or W/"7"); anything else matches no version."""
    if if_match is None:
        return None
    version = to_id(if_match.strip().removeprefix('W/').strip('"'))  # ASCII digits in range, else None
    if version is None:
        raise PreconditionFailed
    return version
