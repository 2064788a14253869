"""Log records with ISO-8601 UTC timestamps (a trailing Z), one line each, for the app and manage.py."""

from __future__ import annotations

import logging
import time

FORMAT = '%(asctime)s %(levelname)s %(name)s: %(message)s'


class UTCFormatter(logging.Formatter):
    converter = time.gmtime

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        stamp = time.strftime('%Y-%m-%dT%H:%M:%S', self.converter(record.created))
        return f'{stamp}.{int(record.msecs):03d}Z'

    def format(self, record: logging.LogRecord) -> str:
        # A newline inside a message could forge a second record: keep every record on one line.
        return super().format(record).replace('\r', '\\r').replace('\n', '\\n')


def configure(level: int = logging.INFO) -> None:
    """Send INFO and above to stderr through the UTC formatter (idempotent)."""
    root = logging.getLogger()
    if any(isinstance(handler.formatter, UTCFormatter) for handler in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(UTCFormatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
