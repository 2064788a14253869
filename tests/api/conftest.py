"""The API tests call the app in-process (NiceGUI's `user` fixture and its HTTP client); the property-based one
(test_schemathesis.py) calls a real server, the browser tests' (`python app.py` on a port of its own)."""

from tests.browser.conftest import server  # noqa: F401 (a fixture, found here by name)
