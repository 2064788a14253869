"""The caller's own account."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.problems import ProblemRoute
from api.viewer import Signed
from models.enums import ApprovalState, Role
from services import people

router = APIRouter(route_class=ProblemRoute, tags=['me'])


class Me(BaseModel):
    id: int
    role: Role
    name: str
    email: str
    phone: str
    address: str = ''  # customers
    pincode: str = ''  # customers: their default pincode
    service: str = ''  # professionals from here on
    experience_years: int = 0
    pincodes: list[str] = []
    approval_state: ApprovalState | None = None


@router.get('/me', response_model=Me, summary='Who the token belongs to')
def get_me(caller: Signed) -> Me:
    with caller.unit() as (session, actor):
        profile = people.get_profile(session, actor)
    return Me(
        id=actor.id,
        role=profile.role,
        name=profile.name,
        email=profile.email,
        phone=profile.phone,
        address=profile.address,
        pincode=profile.pincode,
        service=profile.service_name,
        experience_years=profile.experience_years,
        pincodes=list(profile.pincodes),
        approval_state=profile.approval_state,
    )
