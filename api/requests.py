"""Service requests: a customer books, lists, reads, changes, cancels and closes with a review; a professional reads
the inbox and jobs, accepts, declines, withdraws and completes; an admin lists with filters, reads the history and
cancels. One resource, /requests, whose list is the caller's own (an admin's: everything, filtered). Each action
answers with the request as the caller may now see it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel, Field

from api.problems import ProblemRoute, stale_is_412
from api.request_shapes import Request, RequestList, etag, listed, seen, shown
from api.viewer import Signed
from models.enums import RequestStatus, Role
from services import Actor, requests

router = APIRouter(route_class=ProblemRoute, tags=['requests'])
Cursor = Annotated[str | None, Query(max_length=400, description='`next` of the page before')]
Limit = Annotated[int, Query(ge=1, le=100)]
IfMatch = Annotated[str | None, Header(description='The ETag read before: refuses acting on a changed request (412)')]


class Booking(BaseModel):
    service_id: int
    scheduled_at: datetime = Field(description='A slot start with its offset, e.g. 2026-12-09T10:00:00+05:30')
    address: str | None = Field(None, description='Default: the customer profile address')
    pincode: str | None = Field(None, description='Default: the customer profile pincode')
    remarks: str = ''
    professional_id: int | None = Field(None, description='Ask one professional (else anyone serving the pincode)')
    phone: str | None = Field(None, description='Needed when the profile has none; saved to it')


class Changes(BaseModel):
    scheduled_at: datetime | None = None
    address: str | None = None
    pincode: str | None = None
    remarks: str | None = None


class Reason(BaseModel):
    reason: str = Field(examples=['Plans changed'])


class Closing(BaseModel):
    rating: int = Field(ge=1, le=5)
    remarks: str = ''


class HistoryStep(BaseModel):
    occurred_at: datetime
    who: str
    what: str
    reason: str
    status_after: RequestStatus | None


def current(session: Any, actor: Actor, request_id: int, response: Response) -> Request:
    """The request as `actor` may now see it, read in the unit that acted on it, with its ETag."""
    row = requests.get_request(session, actor, request_id=request_id)
    response.headers['ETag'] = etag(row)
    return shown(row)


@router.post('/requests', status_code=201, response_model=Request, summary='Book a slot (customers)')
def book(
    caller: Signed,
    booking: Booking,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(max_length=200, description='Send the same key when retrying: the first booking comes back, once'),
    ] = None,
) -> Request:
    fields = booking.model_dump(exclude={'professional_id'}) | {'requested_professional_id': booking.professional_id}
    with caller.unit(write=True) as (session, actor):
        if idempotency_key is None:
            request_id = requests.book(session, actor, **fields)
        else:
            request_id, replayed = requests.book_once(session, actor, key=idempotency_key, **fields)
            response.headers['Idempotent-Replayed'] = 'true' if replayed else 'false'
        response.headers['Location'] = f'/api/v1/requests/{request_id}'
        return current(session, actor, request_id, response)


@router.get('/requests', response_model=RequestList, summary="The caller's requests (admins: all, filtered)")
def list_requests(
    caller: Signed,
    cursor: Cursor = None,
    limit: Limit = 20,
    status: Annotated[RequestStatus | None, Query(description='Admins')] = None,
    service_id: Annotated[int | None, Query(description='Admins')] = None,
    pincode: Annotated[str, Query(max_length=6, description='Admins')] = '',
    date_from: Annotated[date | None, Query(description='Admins: slots from this local day')] = None,
    date_to: Annotated[date | None, Query(description='Admins: slots up to this local day')] = None,
    sort: Annotated[Literal['scheduled', 'booked'], Query(description='Admins')] = 'scheduled',
) -> RequestList:
    with caller.unit() as (session, actor):
        if actor.role is Role.ADMIN:
            page = requests.list_all_requests(
                session, actor, status=status, service_id=service_id, pincode=pincode,
                date_from=date_from, date_to=date_to, sort=sort, cursor=cursor, limit=limit,
            )  # fmt: skip
        elif actor.role is Role.PROFESSIONAL:
            page = requests.list_jobs(session, actor, cursor=cursor, limit=limit)
        else:
            page = requests.list_customer_requests(session, actor, cursor=cursor, limit=limit)
    return listed(page)


@router.get('/inbox', response_model=RequestList, summary='Requests a professional may accept (professionals)')
def inbox(caller: Signed, cursor: Cursor = None, limit: Limit = 20) -> RequestList:
    with caller.unit() as (session, actor):
        return listed(requests.list_inbox(session, actor, cursor=cursor, limit=limit))


@router.get('/requests/{request_id}', response_model=Request, summary='One request, as the caller may see it')
def get_request(caller: Signed, request_id: int, response: Response) -> Request:
    with caller.unit() as (session, actor):
        return current(session, actor, request_id, response)


@router.get('/requests/{request_id}/history', response_model=list[HistoryStep], summary='What happened to it')
def history(caller: Signed, request_id: int) -> list[HistoryStep]:
    with caller.unit() as (session, actor):
        steps = requests.request_history(session, actor, request_id=request_id)
    return [HistoryStep(**{name: getattr(step, name) for name in HistoryStep.model_fields}) for step in steps]


@router.patch('/requests/{request_id}', response_model=Request, summary='Change the slot, address or remarks')
def change(caller: Signed, request_id: int, changes: Changes, response: Response, if_match: IfMatch = None) -> Request:
    with stale_is_412(if_match), caller.unit(write=True) as (session, actor):
        requests.edit(
            session, actor, request_id=request_id, seen_updated_at=seen(if_match),
            **changes.model_dump(exclude_unset=True),
        )  # fmt: skip
        return current(session, actor, request_id, response)


@router.post('/requests/{request_id}/cancel', response_model=Request, summary='Cancel (customers; admins any)')
def cancel(caller: Signed, request_id: int, reason: Reason, response: Response) -> Request:
    with caller.unit(write=True) as (session, actor):
        cancelling = requests.admin_cancel if actor.role is Role.ADMIN else requests.cancel
        cancelling(session, actor, request_id=request_id, reason=reason.reason)
        return current(session, actor, request_id, response)


@router.post('/requests/{request_id}/close', response_model=Request, summary='Close a completed job with a review')
def close(caller: Signed, request_id: int, closing: Closing, response: Response) -> Request:
    with caller.unit(write=True) as (session, actor):
        requests.close(session, actor, request_id=request_id, rating=closing.rating, remarks=closing.remarks)
        return current(session, actor, request_id, response)


@router.post('/requests/{request_id}/accept', response_model=Request, summary='Take the job (professionals)')
def accept(caller: Signed, request_id: int, response: Response, if_match: IfMatch = None) -> Request:
    with stale_is_412(if_match), caller.unit(write=True) as (session, actor):
        requests.accept(session, actor, request_id=request_id, seen_updated_at=seen(if_match))
        return current(session, actor, request_id, response)


@router.post('/requests/{request_id}/decline', status_code=204, summary='Not for me (professionals)')
def decline(caller: Signed, request_id: int) -> Response:
    with caller.unit(write=True) as (session, actor):
        requests.decline(session, actor, request_id=request_id)
    return Response(status_code=204)


@router.post('/requests/{request_id}/withdraw', status_code=204, summary='Give an accepted job back (professionals)')
def withdraw(caller: Signed, request_id: int, reason: Reason) -> Response:
    with caller.unit(write=True) as (session, actor):
        requests.withdraw(session, actor, request_id=request_id, reason=reason.reason)
    return Response(status_code=204)


@router.post('/requests/{request_id}/complete', response_model=Request, summary='The work is done (professionals)')
def complete(caller: Signed, request_id: int, response: Response) -> Request:
    with caller.unit(write=True) as (session, actor):
        requests.complete(session, actor, request_id=request_id)
        return current(session, actor, request_id, response)
