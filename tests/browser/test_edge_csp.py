"""Every page of every role in real Chromium under the app's Content-Security-Policy (pages/edge.py): each loads,
talks to the server over its WebSocket, does something, and the browser reports no violation of the policy.

The pages are the app's own (tests/browser/tour.py reads them from the page modules), so a page added later without
a visit in the tour fails the test until it gets one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import Page, Server
from tests.browser.tour import Tour, Visit, drawn, seeded_for_the_tour, walk_every_page

pytestmark = pytest.mark.browser

# Chromium fires securitypolicyviolation for everything the policy blocks; this copies each into the console, whose
# log outlives the page. Installed through DevTools before any script of every page (so the policy cannot stop it).
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (e) => console.error(
  `CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
"""
INJECT_INLINE_SCRIPT = """
const script = document.createElement('script');
script.textContent = 'window.injectedScriptRan = true';
document.head.append(script);
"""
POLICY_WORDS = ('CSP violation', 'Content Security Policy', 'Content-Security-Policy', 'Permissions-Policy')
TWO_FRAMES = 'requestAnimationFrame(() => requestAnimationFrame(arguments[0]))'


def test_every_page_of_every_role_works_under_the_content_security_policy(
    server: Server, page: Page, tmp_path: Path
) -> None:
    seeded = seeded_for_the_tour(server)
    page.driver.execute_cdp_cmd('Page.addScriptToEvaluateOnNewDocument', {'source': REPORT_VIOLATIONS})
    the_policy_is_in_force(page)
    tour = Tour(page, check=policy_violations)
    walk_every_page(tour, seeded, tmp_path)
    assert not tour.findings, '\n'.join(tour.findings)
    assert tour.unvisited() == set(), 'pages nobody opened under the policy'


def the_policy_is_in_force(page: Page) -> None:
    """An inline script without the nonce is blocked, and the violation is heard: the policy is there and this
    test would see it being too strict."""
    page.open('/login')
    drawn(page)
    policy_violations(page, '(loaded)')  # the tour checks the page itself
    page.driver.execute_script(INJECT_INLINE_SCRIPT)
    page.driver.execute_async_script(TWO_FRAMES)
    heard = policy_violations(page, '(injected)')
    assert page.driver.execute_script('return window.injectedScriptRan') is None, 'an inline script ran'
    assert any('script-src-elem blocked inline' in seen for seen in heard), heard


def policy_violations(page: Page, where: Visit | str) -> list[str]:
    """What the browser's console said about the policy since it was last read."""
    return [
        f'{where}: {entry["message"]}'
        for entry in page.driver.get_log('browser')
        if any(word in entry['message'] for word in POLICY_WORDS)
    ]
