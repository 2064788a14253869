"""The shared kernel every domain stands on: errors, the clock, input rules and ids, keyset cursors, role checks,
domain events and the jobs port, and the rows every domain shares. Modules of `services/` import these modules
directly (`from services.core import clock`); pages and components get what they need from `services` itself."""
