"""The API describes itself (OpenAPI 3.1 at /api/v1/openapi.json): every route of api/, its bearer scheme, and
nothing of the pages."""

from __future__ import annotations

from nicegui.testing import User

import api


async def test_the_description_names_every_route_and_its_bearer_scheme(user: User) -> None:
    response = await user.http_client.get('/api/v1/openapi.json')
    assert response.status_code == 200
    spec = response.json()
    assert spec['openapi'].startswith('3.1') and spec['servers'] == [{'url': '/api/v1'}]
    described = {(method.upper(), path) for path, item in spec['paths'].items() for method in item}
    routed = {
        (method, route.path)
        for resource in api.RESOURCES
        for route in resource.router.routes
        for method in route.methods
    }
    assert described == routed and ('POST', '/tokens') in described
    assert spec['components']['securitySchemes']['HTTPBearer'] == {
        'type': 'http',
        'scheme': 'bearer',
        'description': 'A token from POST /api/v1/tokens',
    }
    assert not any(path.startswith(('/admin', '/customer', '/_nicegui')) for path in spec['paths'])
