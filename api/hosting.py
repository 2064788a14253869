"""The API is an ASGI app of its own, answered in front of NiceGUI's middleware stack rather than inside it.

NiceGUI wraps every route of its app in its own middlewares, three of them Starlette `BaseHTTPMiddleware`s (the
prefix redirect, the cache-control of its files, the request tracking of `app.storage.user`) and the cookie session:
each runs the rest of the stack in a task of its own and passes the answer through a stream, which was most of the
3.5 to 7.6 ms a call spent outside its service (bench/api.py, 8 December). None of them does anything for a call
that signs in with a bearer token, so an /api/v1 address goes straight to the API's app, which has only what it
needs: the web edge (body limit, protective headers) and compression.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send


class ApiInFront:
    """`prefix` and the addresses under it to `api`, everything else (pages, files, the socket, lifespan) to `pages`."""

    def __init__(self, api: ASGIApp, pages: ASGIApp, prefix: str) -> None:
        self.api, self.pages, self.prefix, self.under = api, pages, prefix, f'{prefix}/'

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] == 'http' and (scope['path'].startswith(self.under) or scope['path'] == self.prefix):
            await self.api(scope, receive, send)
        else:
            await self.pages(scope, receive, send)


def serve_in_front(pages: Starlette, api: ASGIApp, prefix: str) -> None:
    """Put `api` in front of `pages`' middleware stack. Starlette builds that stack at the first request, after
    `ui.run` and NiceGUI's server have added their middlewares, so the building is what is wrapped (taken from the
    class each time: running app.py again, as the page tests do, does not wrap it twice)."""
    build_pages_stack = type(pages).build_middleware_stack

    def build() -> ASGIApp:
        return ApiInFront(api, build_pages_stack(pages), prefix)

    pages.build_middleware_stack = build  # type: ignore[method-assign]
