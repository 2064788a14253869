"""Calling the API as a client does: over HTTP (the app's own ASGI app, through NiceGUI's test client), with a
bearer token from POST /api/v1/tokens."""

from __future__ import annotations

from typing import Any

import httpx
from nicegui.testing import User

from services import Actor
from tests.factories import PASSWORD

PROBLEM = 'application/problem+json'


async def token_of(user: User, actor: Actor, password: str = PASSWORD) -> str:
    response = await user.http_client.post('/api/v1/tokens', json={'email': actor.email, 'password': password})
    assert response.status_code == 201, response.text
    return response.json()['token']


def bearer(token: str) -> dict[str, str]:
    return {'Authorization': f'Bearer {token}'}


def problem_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """The problem details body of a refusal with this status."""
    assert response.status_code == status, response.text
    assert response.headers['content-type'] == PROBLEM
    body = response.json()
    assert body['status'] == status and body['title'] and body['detail'], body
    return body
