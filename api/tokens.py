"""Tokens: an email and password for a bearer token (the sign-in page's own three steps: the same throttle, audit
rows and session, listed on /account beside the browser's and revocable there), ending the one in use, and signing
up (a customer's or a professional's account, and its first token, as the sign-up page does)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from api.problems import ProblemRoute
from api.viewer import Signed, client_of
from models.enums import Role
from services import clock, identity, people

router = APIRouter(route_class=ProblemRoute, tags=['tokens'])


class Credentials(BaseModel):
    email: str = Field(max_length=320, examples=['meera@demo.example'])
    password: str = Field(max_length=200, examples=['a long passphrase'])


class Token(BaseModel):
    token: str = Field(description='Send it as Authorization: Bearer <token>. Shown once; only its hash is kept.')
    token_type: Literal['Bearer'] = 'Bearer'
    role: Role
    user_id: int
    issued_at: datetime


@router.post('/tokens', status_code=201, response_model=Token, summary='Sign in for a bearer token')
def create_token(credentials: Credentials, request: Request) -> Token:
    client_ip, user_agent = client_of(request)
    signed_in = identity.sign_in(credentials.email, credentials.password, client_ip=client_ip, user_agent=user_agent)
    actor = signed_in.actor
    return Token(token=signed_in.token, role=actor.role, user_id=actor.id, issued_at=clock.now())


class CustomerSignUp(BaseModel):
    role: Literal['customer']
    name: str = Field(max_length=200, examples=['Meera Iyer'])
    email: str = Field(max_length=320)
    password: str = Field(max_length=200, description='8 to 72 bytes, not a common password')
    phone: str = Field('', max_length=20, description='E.164, e.g. +919812345678; asked for at booking if empty')
    address: str = Field(max_length=300)
    pincode: str = Field(max_length=6, examples=['560001'])


class ProfessionalSignUp(BaseModel):
    role: Literal['professional']
    name: str = Field(max_length=200)
    email: str = Field(max_length=320)
    password: str = Field(max_length=200)
    phone: str = Field(max_length=20, description='E.164: customers call it once the job is theirs')
    service_id: int = Field(description='The one service offered (GET /services)')
    experience_years: int = Field(ge=0, le=70)
    description: str = Field(max_length=2000)
    pincodes: list[str] = Field(max_length=50, examples=[['560001', '560002']])


SignUp = Annotated[CustomerSignUp | ProfessionalSignUp, Field(discriminator='role')]


@router.post('/users', status_code=201, response_model=Token, summary='Sign up (a customer or a professional)')
def sign_up(account: SignUp, request: Request) -> Token:
    """A professional waits for an admin's approval (GET /me says `approval_state`)."""
    client_ip, user_agent = client_of(request)
    fields = account.model_dump(exclude={'role'})
    signed_in = people.register(Role(account.role), fields, client_ip=client_ip, user_agent=user_agent)
    actor = signed_in.actor
    return Token(token=signed_in.token, role=actor.role, user_id=actor.id, issued_at=clock.now())


@router.delete('/tokens/current', status_code=204, summary='Sign out: the token stops working at once')
def revoke_current_token(caller: Signed) -> Response:
    with caller.unit(write=True) as (session, _):
        identity.sign_out(session, caller.key)
    return Response(status_code=204)
