"""Who is calling: the bearer token of an Authorization header, checked like a browser's session (the same table,
idle and absolute expiry, revoked on sign-out, password change and block).

The token is checked inside the unit of work the call acts in (`caller.unit()`), in FastAPI's thread pool with the
rest of the call: one unit and one trip to a thread per call, not two of each, and the database is never touched on
the event loop. Reading the header is all that happens before the route runs, so a call with no token at all is
refused (401) before its fields are read, while a token that has ended is found out after them: such a call with a
wrong field hears 422 first, as a call whose role may not act does (the role is the service's to check)."""

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
    key: str  # the session's key (the token's SHA-256): who it is is read in each unit, to end this very session

    @contextmanager
    def unit(self, *, write: bool = False) -> Iterator[tuple[Any, Actor]]:
        """A unit of work (`session_scope`) and who is acting in it; SignInRequired when the token is unknown,
        ended or its user blocked, before anything else is read."""
        with session_scope(write=write) as session:
            actor = identity.authenticate_in(session, self.key)
            if actor is None:
                raise SignInRequired
            yield session, actor

    def actor(self) -> Actor:
        """Who is calling, in a unit of its own: for a call whose first step opens units of its own."""
        with self.unit() as (_, actor):
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
