"""Who is calling: the bearer token of an Authorization header, checked like a browser's session (the same table,
idle and absolute expiry, revoked on sign-out, password change and block). FastAPI runs these in its thread pool:
the database is never touched on the event loop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.problems import SignInRequired
from services import Actor, identity

BEARER = HTTPBearer(auto_error=False, description='A token from POST /api/v1/tokens')


@dataclass(frozen=True, slots=True)
class Caller:
    actor: Actor
    key: str  # the session's key (the token's SHA-256), to end this very session


def caller(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]) -> Caller:
    if credentials is None or credentials.scheme.lower() != 'bearer':
        raise SignInRequired
    key = identity.hash_token(credentials.credentials)
    actor = identity.authenticate(key)
    if actor is None:
        raise SignInRequired
    return Caller(actor, key)


Signed = Annotated[Caller, Depends(caller)]


def client_of(request: Request) -> tuple[str, str]:
    """The peer address and user agent a sign-in records. Uvicorn puts X-Forwarded-For in the peer's place only for
    a proxy it trusts, so nobody can forge the address."""
    client_ip = request.client.host if request.client else ''
    return client_ip, request.headers.get('user-agent', '') or 'API client'
