"""The REST API, /api/v1 (issue 20): JSON over the same domain faces as pages/, so every rule, permission check,
audit row and event stays in the service layer. Bearer tokens are sessions (api/tokens.py); errors are problem
details (api/problems.py); the OpenAPI 3.1 description of exactly these routes is /api/v1/openapi.json, read as a
reference page at /api/v1/docs (api/reference.py).

`api.application()` is an ASGI app of its own, which app.py puts in front of NiceGUI's middleware stack
(api/hosting.py); the layering test keeps api/ to the services' faces and models.enums.
"""

from __future__ import annotations

import inspect
from functools import cache
from http import HTTPStatus
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from fastapi.telemetry import TelemetryConfig
from starlette.routing import BaseRoute

from api import catalog, exports, me, notifications, reference, reports, requests, tokens, users
from api.hosting import serve_in_front
from api.problems import ProblemRoute, problem, with_problems

__all__ = ['PREFIX', 'application', 'openapi', 'router', 'serve_in_front']

PREFIX = '/api/v1'
TITLE = 'Household Services API'
VERSION = '1.0.0'
RESOURCES = (tokens, me, catalog, requests, users, notifications, exports, reports)
NO_TELEMETRY: TelemetryConfig = {'tracing': False, 'metrics': False, 'logs': False, 'operation_spans': False}

# the API's own routes, beside the resources' and the reference's files; the catch-all last of all (application())
router = APIRouter(route_class=ProblemRoute)
# what add_api_route takes that a route keeps, to copy a route under the prefix (application())
ROUTE_OPTIONS = tuple(
    name
    for name in inspect.signature(APIRouter.add_api_route).parameters
    if name not in {'self', 'path', 'endpoint', 'route_class_override'}
)


@router.get('/openapi.json', include_in_schema=False)
def openapi_route() -> JSONResponse:
    return JSONResponse(openapi())


@router.get(reference.DOCS, include_in_schema=False)
def reference_route() -> HTMLResponse:
    """The API reference (api/reference.py): Swagger UI from our own files."""
    return reference.reference_page(PREFIX)


@router.api_route('/{path:path}', methods=['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], include_in_schema=False)
def no_such_route(path: str, request: Request) -> JSONResponse:
    """An address under /api/v1 that names nothing: a problem, not NiceGUI's HTML page. An address that exists
    with other methods: 405 naming them (it comes here only when no route took both the address and the method)."""
    allowed = sorted(
        method
        for resource in RESOURCES
        for route in resource.router.routes
        if isinstance(route, APIRoute) and route.path_regex.match(f'/{path}')
        for method in route.methods
    )
    if allowed:
        detail = f'{PREFIX}/{path} takes {", ".join(allowed)}, not {request.method}.'
        return problem(HTTPStatus.METHOD_NOT_ALLOWED, detail, headers={'Allow': ', '.join(allowed)})
    return problem(HTTPStatus.NOT_FOUND, f'There is no {request.method} {PREFIX}/{path}.')


def application(*middlewares: tuple[type, dict[str, Any]]) -> FastAPI:
    """The API as an app of its own: its routes, then `middlewares` (class, options), the first one outermost.
    FastAPI's own documentation pages are off: ours is /api/v1/docs. So is its OpenTelemetry bridge: nothing here
    sets up OpenTelemetry, and finding that out again on every request read the environment three times."""
    api = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, telemetry=NO_TELEMETRY)
    for source in (*(resource.router for resource in RESOURCES), reference.router, router):
        for route in source.routes:
            add_under_prefix(api.router, route)
    for middleware, options in reversed(middlewares):
        api.add_middleware(middleware, **options)
    return api


def add_under_prefix(target: APIRouter, route: BaseRoute) -> None:
    """`route` as a route of `target` itself, at PREFIX + its path. Routers included into routers are matched by
    walking them on every request (FastAPI 0.165): with the resources included into one /api/v1 router, a list call
    took 1.70 ms end to end instead of 1.57 and an unknown address 0.72 instead of 0.56, so the app holds every route
    directly."""
    assert isinstance(route, APIRoute), f'only API routes are served: {route!r}'
    options = {name: getattr(route, name) for name in ROUTE_OPTIONS if hasattr(route, name)}
    target.add_api_route(f'{PREFIX}{route.path}', route.endpoint, route_class_override=type(route), **options)


@cache
def openapi() -> dict[str, Any]:
    spec = get_openapi(
        title=TITLE,
        version=VERSION,
        openapi_version='3.1.0',
        summary='Book household services, run the catalogue and follow requests, over the same rules as the app',
        routes=[route for resource in RESOURCES for route in resource.router.routes],
        servers=[{'url': PREFIX}],
    )
    return with_problems(spec)
