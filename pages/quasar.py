"""NiceGUI's page template, with two changes for a phone's sake (issue 19):

- every page loads our Quasar (only the components the app draws, components/theme.py's QUASAR) in place of
  NiceGUI's, which registers all 80. In development (`prod_js` off) NiceGUI's full development build stays: its
  warnings are worth the bytes;
- the page's socket is opened as soon as socket.io's script has run (EARLIEST_SOCKET), not after Vue has drawn the
  page: its round trips pass while Quasar, Vue and the page are evaluated and drawn.

NiceGUI offers no setting for either, so the template is read once, those tags are changed and the changed template
is put first in the template loader. A NiceGUI whose template no longer has a tag stops the app at start
(`TemplateTagNotFound`) rather than serving pages that half work.
"""

from __future__ import annotations

from jinja2 import ChoiceLoader, DictLoader
from nicegui import client

from components.theme import QUASAR_URL

TEMPLATE = 'index.html'
NICEGUI_QUASAR_TAG = '<script defer src="{{ prefix | safe }}/_nicegui/{{version}}/static/quasar.umd.prod.js"></script>'
OUR_QUASAR_TAG = f'<script defer src="{{{{ prefix | safe }}}}{QUASAR_URL}"></script>'
SOCKET_IO_TAG = '<script defer src="{{ prefix | safe }}/_nicegui/{{version}}/static/socket.io.min.js"></script>'
# NiceGUI opened the page's socket in its root component's `mounted`: after Quasar, Vue and nicegui.js were evaluated
# and the page drawn (0.3-0.4 s of a phone's CPU), then the WebSocket's round trip and socket.io's connect. This module
# script runs right after socket.io's (deferred scripts and modules run in document order) and opens the same socket
# with NiceGUI's own query (the tab id as nicegui.js works it out, which nicegui.js then keeps); when `mounted` asks
# for its socket, it gets this one, with NiceGUI's query object as the one a reconnect sends. Until then nothing the
# socket hears is handled: its events wait (`heard`) and its connect is told to NiceGUI's handlers once they are on it.
EARLIEST_SOCKET = """<script type="module">
// pages/quasar.py puts this right after socket.io's script: see EARLIEST_SOCKET there
const uuid = () => {
  try {
    return crypto.randomUUID();
  } catch (e) {
    return '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
      (+c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (+c / 4)))).toString(16),
    );
  }
};
const store = sessionStorage;
const oldTabId = store.__nicegui_tab_closed === 'false' ? store.__nicegui_tab_id : null;
const fresh = !store.__nicegui_tab_id || store.__nicegui_tab_closed === 'false';
const tabId = fresh ? (store.__nicegui_tab_id = uuid()) : store.__nicegui_tab_id;
store.__nicegui_tab_closed = 'true'; // nicegui.js, next, then keeps this tab id as its own (and marks it open)
const query = { ...{{ socket_io_js_query_params | tojson }}, document_id: uuid(), tab_id: tabId, old_tab_id: oldTabId };
const transports = {{ socket_io_js_transports | tojson }};
if (document.prerendering === true) transports.unshift('polling');
const socket = window.io((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host, {
  path: '{{ prefix | safe }}/_nicegui_ws/socket.io',
  query,
  extraHeaders: {{ socket_io_js_extra_headers | tojson }},
  transports,
  tryAllTransports: true,
});
const heard = []; // what the socket hears before NiceGUI has put its handlers on it
const onevent = socket.onevent;
socket.onevent = (packet) => heard.push(packet);
const niceGuiIo = window.io;
window.io = (_, asked) => {
  window.io = niceGuiIo;
  asked.query.document_id = window.documentId = query.document_id;
  asked.query.old_tab_id = oldTabId;
  socket.io.opts.query = asked.query;
  queueMicrotask(() => {
    // NiceGUI's `mounted` has put its handlers on the socket by now
    if (socket.connected) socket.listeners('connect').forEach((handler) => handler());
    socket.onevent = onevent;
    heard.splice(0).forEach((packet) => socket.onevent(packet));
  });
  return socket;
};
</script>"""


class TemplateTagNotFound(RuntimeError):
    """NiceGUI's page template changed: scripts/quasar and this module must follow it."""


def serve_our_quasar() -> None:
    """Idempotent: app.py runs once for every page test."""
    environment = client.templates.env
    if isinstance(environment.loader, ChoiceLoader):
        return
    source, _, _ = environment.loader.get_source(environment, TEMPLATE)
    for tag, replacement in (
        (NICEGUI_QUASAR_TAG, OUR_QUASAR_TAG),
        (SOCKET_IO_TAG, f'{SOCKET_IO_TAG}\n{EARLIEST_SOCKET}'),
    ):
        if source.count(tag) != 1:
            raise TemplateTagNotFound(f"NiceGUI's {TEMPLATE} has no {tag}")
        source = source.replace(tag, replacement)
    ours = DictLoader({TEMPLATE: source})
    environment.loader = ChoiceLoader([ours, environment.loader])
    environment.cache.clear()  # a page rendered before this was compiled from NiceGUI's own
