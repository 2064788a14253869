"""Every page loads our Quasar (only the components the app draws, components/theme.py's QUASAR) in place of
NiceGUI's, which registers all 80.

NiceGUI's page template names its Quasar in a fixed <script> tag and offers no setting for it, so the template is read
once, that tag is changed to our address and the changed template is put first in the template loader. A NiceGUI
whose template no longer has that tag stops the app at start (`QuasarTagNotFound`) rather than serving pages that
load both. In development (`prod_js` off) NiceGUI's full development build stays: its warnings are worth the bytes.
"""

from __future__ import annotations

from jinja2 import ChoiceLoader, DictLoader
from nicegui import client

from components.theme import QUASAR_URL

TEMPLATE = 'index.html'
NICEGUI_QUASAR_TAG = '<script defer src="{{ prefix | safe }}/_nicegui/{{version}}/static/quasar.umd.prod.js"></script>'
OUR_QUASAR_TAG = f'<script defer src="{{{{ prefix | safe }}}}{QUASAR_URL}"></script>'


class QuasarTagNotFound(RuntimeError):
    """NiceGUI's page template changed: scripts/quasar and this module must follow it."""


def serve_our_quasar() -> None:
    """Idempotent: app.py runs once for every page test."""
    environment = client.templates.env
    if isinstance(environment.loader, ChoiceLoader):
        return
    source, _, _ = environment.loader.get_source(environment, TEMPLATE)
    if source.count(NICEGUI_QUASAR_TAG) != 1:
        raise QuasarTagNotFound(f"NiceGUI's {TEMPLATE} has no {NICEGUI_QUASAR_TAG}")
    ours = DictLoader({TEMPLATE: source.replace(NICEGUI_QUASAR_TAG, OUR_QUASAR_TAG)})
    environment.loader = ChoiceLoader([ours, environment.loader])
    environment.cache.clear()  # a page rendered before this was compiled from NiceGUI's own
