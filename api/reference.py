"""The API reference, /api/v1/docs: Swagger UI over our own openapi.json, served from this package's static files
(api/static: swagger-ui-dist 5.36.0 from npm, Apache-2.0, its LICENSE beside it), so it works with no internet.
Authorize takes a token from POST /api/v1/tokens; Try it out calls this server. To update: `npm pack
swagger-ui-dist@<version>`, copy swagger-ui-bundle.js and swagger-ui.css here, change SWAGGER_UI_VERSION."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

STATIC = Path(__file__).parent / 'static'
SWAGGER_UI_VERSION = '5.36.0'
DOCS = '/docs'
# addresses that name the version: kept for a year by browsers, and compressed once by pages/compression.py
FILES = {
    f'swagger-ui-bundle-{SWAGGER_UI_VERSION}.js': ('swagger-ui-bundle.js', 'text/javascript'),
    f'swagger-ui-{SWAGGER_UI_VERSION}.css': ('swagger-ui.css', 'text/css'),
}
FOREVER = {'Cache-Control': 'public, max-age=31536000, immutable'}
SETTINGS = {
    'docExpansion': 'list',  # every operation listed by resource, none opened
    'defaultModelsExpandDepth': 0,
    'displayRequestDuration': True,
    'filter': True,  # a box that finds an operation by its tag
    'tryItOutEnabled': False,
}

router = APIRouter(include_in_schema=False)


def reference_page(prefix: str) -> HTMLResponse:
    js, css = list(FILES)
    return get_swagger_ui_html(
        openapi_url=f'{prefix}/openapi.json',
        title='Household Services API',
        swagger_js_url=f'{prefix}{DOCS}/{js}',
        swagger_css_url=f'{prefix}{DOCS}/{css}',
        swagger_favicon_url='/icons/icon-192.png',
        swagger_ui_parameters=SETTINGS,
    )


@router.get(f'{DOCS}/{{name}}')
def reference_file(name: str) -> FileResponse:
    if name not in FILES:
        raise HTTPException(status_code=404)
    file, media_type = FILES[name]
    return FileResponse(STATIC / file, media_type=media_type, headers=FOREVER)
