from __future__ import annotations

import logging
import re

from services.runtime.logs import FORMAT, UTCFormatter


def record(message: str) -> logging.LogRecord:
    return logging.LogRecord('services.identity.sign_in', logging.INFO, __file__, 1, message, None, None)


def test_log_lines_carry_iso_utc_timestamps() -> None:
    line = UTCFormatter(FORMAT).format(record('sign-in succeeded'))
    assert re.match(
        r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO services\.identity\.sign_in: sign-in succeeded$', line
    )


def test_a_newline_in_a_message_cannot_forge_a_second_record() -> None:
    line = UTCFormatter(FORMAT).format(record('bob\n2026-01-01T00:00:00.000Z INFO admin login ok'))
    assert '\n' not in line
    assert line.endswith('bob\\n2026-01-01T00:00:00.000Z INFO admin login ok')
