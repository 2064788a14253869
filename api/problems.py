"""Errors as RFC 9457 problem details (`application/problem+json`): what went wrong in the service layer's own words,
with the HTTP status a client can act on. Every route of the API is a `ProblemRoute`, so a refusal never reaches
NiceGUI's HTML error page and never shows a stack trace.

Statuses: validation 422 (a message per field), not found 404 (also what is someone else's: the same body as missing),
a role that may not 403, a transition that no longer applies or a stale edit 409 (a stale If-Match 412), a wrong
password 401, throttled 429 with Retry-After, a full disk 507.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from services import (
    AccountBlocked,
    Conflict,
    InvalidCredentials,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ServiceError,
    StaleEdit,
    StorageFull,
    Throttled,
    ValidationError,
)

log = logging.getLogger(__name__)
PROBLEM = 'application/problem+json'
# the first class an error is an instance of decides (subclasses before their bases)
STATUS_OF: tuple[tuple[type[ServiceError], HTTPStatus], ...] = (
    (ValidationError, HTTPStatus.UNPROCESSABLE_ENTITY),
    (NotFound, HTTPStatus.NOT_FOUND),
    (PermissionDenied, HTTPStatus.FORBIDDEN),
    (AccountBlocked, HTTPStatus.FORBIDDEN),
    (InvalidCredentials, HTTPStatus.UNAUTHORIZED),
    (Throttled, HTTPStatus.TOO_MANY_REQUESTS),
    (Conflict, HTTPStatus.CONFLICT),
    (InvalidTransition, HTTPStatus.CONFLICT),
    (StorageFull, HTTPStatus.INSUFFICIENT_STORAGE),
)


class FieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = 'about:blank'
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None  # 422: one message per field


# What any call may be answered with, beside its own success (POST /tokens needs no token: no 401 of that kind, but
# a wrong password is one). FastAPI's own 422 schema gives way to Problem.
ERRORS = {
    HTTPStatus.UNAUTHORIZED: 'No token, or one that ended; or a wrong password',
    HTTPStatus.FORBIDDEN: "The caller's role (or state) may not do this",
    HTTPStatus.NOT_FOUND: "No such object, or it is someone else's (the same answer)",
    HTTPStatus.CONFLICT: 'It changed meanwhile, the transition no longer applies, or a name is taken',
    HTTPStatus.PRECONDITION_FAILED: 'The If-Match names an older version',
    HTTPStatus.UNPROCESSABLE_ENTITY: 'A field is missing or wrong: `errors` names each',
    HTTPStatus.TOO_MANY_REQUESTS: 'Too many failed sign-ins: Retry-After says how long to wait',
    HTTPStatus.INTERNAL_SERVER_ERROR: 'A failure on our side; nothing changed',
    HTTPStatus.INSUFFICIENT_STORAGE: 'The server is out of space; nothing changed',
}


def with_problems(spec: dict[str, Any]) -> dict[str, Any]:
    """Every operation of `spec` answers its errors as application/problem+json (Problem), and says so."""
    schemas = spec.setdefault('components', {}).setdefault('schemas', {})
    for name in ('HTTPValidationError', 'ValidationError'):
        schemas.pop(name, None)
    schemas['FieldError'] = FieldError.model_json_schema()
    schemas['Problem'] = Problem.model_json_schema(ref_template='#/components/schemas/{model}')
    schemas['Problem'].pop('$defs', None)
    content = {PROBLEM: {'schema': {'$ref': '#/components/schemas/Problem'}}}
    retry_after = {'Retry-After': {'description': 'Seconds', 'schema': {'type': 'string'}}}
    for item in spec.get('paths', {}).values():
        for operation in item.values():
            responses = operation.setdefault('responses', {})
            for status, words in ERRORS.items():
                answer: dict[str, Any] = {'description': words, 'content': content}
                if status is HTTPStatus.TOO_MANY_REQUESTS:
                    answer['headers'] = retry_after
                responses[str(int(status))] = answer
    return spec


class PreconditionFailed(ServiceError):
    """The If-Match a client sent names a version that is no longer the current one."""

    def __init__(self) -> None:
        super().__init__('It changed since you read it: read it again (a new ETag) and send that as If-Match.')


class SignInRequired(ServiceError):
    """No bearer token, or one that is unknown, expired, revoked, or whose user is blocked."""

    def __init__(self) -> None:
        super().__init__('Sign in first: send Authorization: Bearer <token> (POST /api/v1/tokens gives one).')


def in_thread_pool(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """`endpoint` as a coroutine function that runs it in the thread pool (FastAPI reads the parameters of the
    endpoint itself, through `__wrapped__`); a coroutine function as it is."""
    if inspect.iscoroutinefunction(endpoint):
        return endpoint

    @functools.wraps(endpoint)
    async def run(**values: Any) -> Any:
        return await run_in_threadpool(endpoint, **values)

    return run


@contextmanager
def stale_is_412(if_match: str | None) -> Iterator[None]:
    """With an If-Match, a StaleEdit from the service is the client's precondition failing (412); without one it
    stays a conflict (409): the change came between reading and writing, inside the same call."""
    try:
        yield
    except StaleEdit as error:
        if if_match is None:
            raise
        raise PreconditionFailed from error


def problem(
    status: HTTPStatus,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {'type': 'about:blank', 'title': status.phrase, 'status': int(status), 'detail': detail}
    if errors:
        body['errors'] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def refused(error: ServiceError) -> JSONResponse:
    if isinstance(error, PreconditionFailed):
        return problem(HTTPStatus.PRECONDITION_FAILED, str(error))
    if isinstance(error, SignInRequired):
        return problem(HTTPStatus.UNAUTHORIZED, str(error), headers={'WWW-Authenticate': 'Bearer'})
    status = next((status for kind, status in STATUS_OF if isinstance(error, kind)), HTTPStatus.BAD_REQUEST)
    if isinstance(error, ValidationError):
        field = error.field or 'body'
        return problem(status, str(error), errors=[{'field': field, 'message': str(error)}])
    if isinstance(error, Throttled):
        return problem(status, str(error), headers={'Retry-After': str(error.minutes * 60)})
    return problem(status, str(error))


def invalid(error: RequestValidationError) -> JSONResponse:
    """FastAPI's own checks of the request (a missing field, text where a number goes), one message per field."""
    errors = [
        {'field': '.'.join(str(part) for part in item['loc'][1:]) or str(item['loc'][0]), 'message': item['msg']}
        for item in error.errors()
    ]
    return problem(HTTPStatus.UNPROCESSABLE_ENTITY, 'Some fields are missing or wrong.', errors=errors)


class ProblemRoute(APIRoute):
    """An API route whose refusals and failures are answered as problem details, and whose plain `def` endpoint runs
    in one trip to the thread pool.

    FastAPI runs a plain endpoint in the thread pool and then validates its answer in a second trip there (each trip
    waits for a thread to wake, then for the event loop to: about 0.2 ms a call in bench/api.py). Wrapped in a
    coroutine that makes the one trip, the endpoint's answer is validated and serialized on the event loop, by
    pydantic's core, as an `async def` endpoint's is."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        super().__init__(path, in_thread_pool(endpoint), **options)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except ServiceError as error:
                return refused(error)
            except RequestValidationError as error:
                return invalid(error)
            except HTTPException as error:
                return problem(HTTPStatus(error.status_code), str(error.detail), headers=error.headers)
            except Exception:
                log.exception('API %s %s failed', request.method, request.url.path)
                return problem(HTTPStatus.INTERNAL_SERVER_ERROR, 'Something went wrong on our side; nothing changed.')

        return answer
