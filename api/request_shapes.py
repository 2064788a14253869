"""How a service request looks in the API: what its viewer may see (contact details a professional sees only once
they accepted are null, as on the pages), money in paise, times in ISO 8601 with their offset. Its ETag is its
`updated_at`: send it back as If-Match to refuse acting on a request changed since (412)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.money import Money, paise
from api.problems import PreconditionFailed
from models.enums import RequestStatus
from services.requests import RequestPage, RequestRow


class Person(BaseModel):
    id: int | None = Field(None, description='Null where this viewer may not know who')
    name: str
    phone: str = Field('', description='Empty until this viewer may call them')


class ServiceRef(BaseModel):
    id: int
    name: str


class Review(BaseModel):
    rating: int = Field(ge=1, le=5)
    remarks: str


class Request(BaseModel):
    id: int
    service: ServiceRef
    status: RequestStatus
    requested_at: datetime
    scheduled_at: datetime
    ends_at: datetime
    time_required: int = Field(description='Minutes')
    price: Money
    pincode: str
    address: str | None = Field(description='Null: hidden from this viewer until they accept')
    remarks: str
    customer: Person | None = Field(description='Null: hidden from this viewer until they accept')
    professional: Person | None = Field(description='Who accepted it')
    requested_professional: Person | None = Field(description='Whom the customer asked for, if anyone')
    completed_at: datetime | None
    cancel_reason: str
    review: Review | None
    updated_at: datetime = Field(description='Also the ETag')


class RequestList(BaseModel):
    items: list[Request]
    next: str | None = Field(description='Pass it back as ?cursor= for the next page; null on the last')
    total: int = Field(description='Counted up to a cap (total_capped: there are more)')
    total_capped: bool


def shown(row: RequestRow) -> Request:
    visible = row.contact_visible
    return Request(
        id=row.id,
        service=ServiceRef(id=row.service_id, name=row.service_name),
        status=row.status,
        requested_at=row.date_of_request,
        scheduled_at=row.scheduled_at,
        ends_at=row.ends_at,
        time_required=row.time_required,
        price=paise(row.price),
        pincode=row.pincode,
        address=row.address if visible else None,
        remarks=row.remarks,
        customer=Person(id=row.customer_id, name=row.customer_name, phone=row.customer_phone) if visible else None,
        professional=(
            Person(id=row.professional_id, name=row.professional_name, phone=row.professional_phone)
            if row.professional_id
            else None
        ),
        requested_professional=(
            Person(id=row.requested_professional_id, name=row.requested_professional_name)
            if row.requested_professional_id
            else None
        ),
        completed_at=row.date_of_completion,
        cancel_reason=row.cancel_reason,
        review=Review(rating=row.rating, remarks=row.review_remarks) if row.rating else None,
        updated_at=row.updated_at,
    )


def listed(page: RequestPage) -> RequestList:
    return RequestList(
        items=[shown(row) for row in page.rows],
        next=page.next_cursor,
        total=page.total,
        total_capped=page.total_capped,
    )


def etag(row: RequestRow) -> str:
    return f'"{row.updated_at.isoformat()}"'


def seen(if_match: str | None) -> datetime | None:
    """The `updated_at` an If-Match names, or None without one; a tag that is no time matches nothing."""
    if if_match is None:
        return None
    try:
        when = datetime.fromisoformat(if_match.strip().removeprefix('W/').strip('"'))
    except ValueError:
        raise PreconditionFailed from None
    if when.tzinfo is None:
        raise PreconditionFailed
    return when
