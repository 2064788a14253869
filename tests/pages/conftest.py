"""Page tests wait for the page the way a person does: patiently.

NiceGUI's `should_see` looks three times, 100 ms apart. A click that runs a write unit in a worker thread (or
bcrypt, at sign-in) can take longer than that on a busy two-core machine, and such a test then fails for nothing.
Thirty looks (3 s) cost nothing when the page is ready at once, since `should_see` returns at the first match.
"""

from __future__ import annotations

from nicegui.testing import User

PATIENT_LOOKS = 30

User.should_see.__kwdefaults__['retries'] = PATIENT_LOOKS
