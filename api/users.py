"""People, for admins: search everyone (keyset pages), read one in full, approve or reject a professional, block and
unblock. Blocking an admin takes the acting admin's password again (`password`), as on the page."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from api.problems import ProblemRoute
from api.viewer import Signed, client_of
from models.enums import ApprovalState, RequestStatus, Role
from services import identity, people
from services.people import UserRow

router = APIRouter(route_class=ProblemRoute, tags=['users'])


class User(BaseModel):
    id: int
    name: str
    email: str
    phone: str
    role: Role
    is_blocked: bool
    blocked_reason: str
    created_at: datetime
    pincode: str = Field(description="A customer's default pincode")
    service: str = Field(description="A professional's service")
    approval_state: ApprovalState | None
    rating_average: float | None
    rating_count: int
    pincodes: list[str] = Field(description='The pincodes a professional serves')


class UserList(BaseModel):
    items: list[User]
    next: str | None
    total: int
    total_capped: bool


class UserInFull(User):
    address: str = Field(description="A customer's default address")
    request_counts: dict[RequestStatus, int]
    sign_in_locked_minutes: int


class UserReason(BaseModel):
    reason: str = Field(max_length=500, examples=['Fraud reported by two customers'])


class Blocking(UserReason):
    password: str | None = Field(None, description="Blocking an admin: the acting admin's own password again")


def shown(row: UserRow) -> User:
    return User(
        **{name: getattr(row, name) for name in ('id', 'name', 'email', 'phone', 'role', 'is_blocked')},
        blocked_reason=row.blocked_reason,
        created_at=row.created_at,
        pincode=row.pincode,
        service=row.service_name,
        approval_state=row.approval_state,
        rating_average=row.rating_average,
        rating_count=row.rating_count,
        pincodes=list(row.pincodes),
    )


@router.get('/users', response_model=UserList, summary='Search everyone (admins)')
def list_users(
    caller: Signed,
    text: Annotated[str, Query(max_length=80, description='In the name or email')] = '',
    role: Role | None = None,
    status: Annotated[str, Query(description='active, blocked, or an approval state')] = '',
    service_id: int | None = None,
    pincode: Annotated[str, Query(max_length=6)] = '',
    cursor: Annotated[str | None, Query(max_length=400)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> UserList:
    with caller.unit() as (session, actor):
        page = people.list_users(
            session, actor, text=text, role=role, status=status, service_id=service_id, pincode=pincode,
            cursor=cursor, limit=limit,
        )  # fmt: skip
    return UserList(items=[shown(row) for row in page.rows], next=page.next_cursor, total=page.total,
                    total_capped=page.total_capped)  # fmt: skip


@router.get('/users/{user_id}', response_model=UserInFull, summary='One person in full (admins)')
def get_user(caller: Signed, user_id: int) -> UserInFull:
    with caller.unit() as (session, actor):
        detail = people.get_user(session, actor, user_id=user_id)
    return UserInFull(
        **shown(detail.user).model_dump(),
        address=detail.address,
        request_counts=dict(detail.request_counts),
        sign_in_locked_minutes=detail.sign_in_locked_minutes,
    )


@router.post('/users/{user_id}/approve', response_model=UserInFull, summary='Approve a professional (admins)')
def approve(caller: Signed, user_id: int) -> UserInFull:
    with caller.unit(write=True) as (session, actor):
        people.approve(session, actor, professional_id=user_id)
    return get_user(caller, user_id)


@router.post('/users/{user_id}/reject', response_model=UserInFull, summary='Reject a professional (admins)')
def reject(caller: Signed, user_id: int, reason: UserReason) -> UserInFull:
    with caller.unit(write=True) as (session, actor):
        people.reject(session, actor, professional_id=user_id, reason=reason.reason)
    return get_user(caller, user_id)


@router.post('/users/{user_id}/block', response_model=UserInFull, summary='Block someone; their sessions end')
def block(caller: Signed, user_id: int, blocking: Blocking, request: Request) -> UserInFull:
    confirmation = None
    if blocking.password is not None:
        client_ip, _ = client_of(request)
        confirmation = identity.confirm_password(caller.actor(), password=blocking.password, client_ip=client_ip)
    with caller.unit(write=True) as (session, actor):
        people.block_user(session, actor, user_id=user_id, reason=blocking.reason, confirmation=confirmation)
    return get_user(caller, user_id)


@router.post('/users/{user_id}/unblock', response_model=UserInFull, summary='Lift a block (admins)')
def unblock(caller: Signed, user_id: int, reason: UserReason | None = None) -> UserInFull:
    with caller.unit(write=True) as (session, actor):
        people.unblock_user(session, actor, user_id=user_id, reason=reason.reason if reason else None)
    return get_user(caller, user_id)
