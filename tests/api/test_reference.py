"""The API reference, /api/v1/docs: Swagger UI from the app's own files (no CDN: it works offline), over our own
openapi.json, drawing every operation in real Chromium under the app's Content-Security-Policy."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from nicegui.testing import User
from selenium.webdriver.common.by import By

from tests.browser.conftest import Server, chromium

pytestmark = pytest.mark.browser
EXTERNAL = re.compile(r'(?:src|href)="(?:https?:)?//')


async def test_the_reference_names_only_the_apps_own_files(user: User) -> None:
    page = await user.http_client.get('/api/v1/docs')
    assert page.status_code == 200
    assert page.headers['content-type'].startswith('text/html')
    assert not EXTERNAL.search(page.text), 'the reference must not load anything from elsewhere'
    files = re.findall(r'(?:src|href)="(/api/v1/docs/[^"]+)"', page.text)
    assert sorted(files) == ['/api/v1/docs/swagger-ui-5.36.0.css', '/api/v1/docs/swagger-ui-bundle-5.36.0.js']
    for path in files:
        served = await user.http_client.get(path)
        assert served.status_code == 200
        assert 'immutable' in served.headers['cache-control']
        assert len(served.content) > 100_000
    missing = await user.http_client.get('/api/v1/docs/other.js')
    assert missing.status_code == 404


def test_chromium_draws_every_operation_with_nothing_refused(server: Server) -> None:
    spec = httpx.get(f'{server.url}/api/v1/openapi.json', timeout=30).json()
    operations = sum(len(methods) for methods in spec['paths'].values())
    with chromium() as driver:
        driver.get(f'{server.url}/api/v1/docs')
        deadline = time.monotonic() + 30
        while len(driver.find_elements(By.CSS_SELECTOR, '.opblock-summary-path')) < operations:
            assert time.monotonic() < deadline, 'the reference never drew every operation'
            time.sleep(0.2)
        drawn = {element.text for element in driver.find_elements(By.CSS_SELECTOR, '.opblock-summary-path')}
        assert {'/tokens', '/requests', '/requests/{request_id}/accept'} <= drawn
        assert driver.find_elements(By.CSS_SELECTOR, '.authorize')  # the bearer token goes in here
        refused = [entry['message'] for entry in driver.get_log('browser') if entry['level'] == 'SEVERE']
        assert refused == []
