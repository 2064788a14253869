"""Who is calling: the bearer token of an Authorization header, checked like a browser's session (the same table,
idle and absolute expiry, revoked on sign-out, password change and block).

The token is checked as the call's unit opens (`caller.unit()`), in FastAPI's thread pool with the rest of the call:
one trip to a thread per call, not two, and the database is never touched on the event loop. Who a token belongs to
is remembered for two seconds, so most calls read nothing for it and open one unit. Reading the header is all that
happens before the route runs, so a call with no token at all is refused (401) before its fields are read, while a
token that has ended is found out after them: such a call with a wrong field hears 422 first, as a call whose role
may not act does (the role is the service's to check)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.problems import SignInRequired
from services import Actor, identity, session_scope

BEARER = HTTPBearer(auto_error=False, description='A token from POST /api/v1/tokens')


@dataclass(frozen=True, slots=True)
class Caller:
    key: str  # the session's key (the token's SHA-256): who it is is checked in each call, to end this very session

    @contextmanager
    def unit(self, *, write: bool = False) -> Iterator[tuple[Any, Actor]]:
        """Who is acting, then a unit of work (`session_scope`) to act in; SignInRequired, before the unit opens,
        when the token is unknown, ended or its user blocked."""
        actor = self.actor()
        with session_scope(write=write) as session:
            yield session, actor

    def actor(self) -> Actor:
        """Who is calling (remembered between calls for two seconds: services/identity/sessions.py)."""
        actor = identity.authenticate_remembered(self.key)
        if actor is None:
            raise SignInRequired
        return actor


async def caller(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]) -> Caller:
    if credentials is None or credentials.scheme.lower() != 'bearer':
        raise SignInRequired
    return Caller(identity.hash_token(credentials.credentials))


Signed = Annotated[Caller, Depends(caller)]


def client_of(request: Request) -> tuple[str, str]:
    """The peer address and user agent a sign-in records. Uvicorn puts X-Forwarded-For in the peer's place only for
    a proxy it trusts, so nobody can forge the address."""
    client_ip = request.client.host if request.client else ''
    return client_ip, request.headers.get('user-agent', '') or 'API client'
