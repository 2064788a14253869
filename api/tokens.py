"""Tokens: an email and password for a bearer token (the sign-in page's own three steps: the same throttle, audit
rows and session, listed on /account beside the browser's and revocable there), and ending the one in use."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from api.problems import ProblemRoute
from api.viewer import Signed
from models.enums import Role
from services import clock, identity, session_scope

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
    client_ip = request.client.host if request.client else ''  # uvicorn trusts X-Forwarded-For only from its proxy
    user_agent = request.headers.get('user-agent', '') or 'API client'
    signed_in = identity.sign_in(credentials.email, credentials.password, client_ip=client_ip, user_agent=user_agent)
    actor = signed_in.actor
    return Token(token=signed_in.token, role=actor.role, user_id=actor.id, issued_at=clock.now())


@router.delete('/tokens/current', status_code=204, summary='Sign out: the token stops working at once')
def revoke_current_token(caller: Signed) -> Response:
    with session_scope(write=True) as session:
        identity.sign_out(session, caller.key)
    return Response(status_code=204)
