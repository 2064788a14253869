"""Words for values shown on many pages: a moment as the site's clock shows it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local_time(moment: datetime, zone: ZoneInfo, *, weekday: bool = True, seconds: bool = False) -> str:
    """'Mon 04 Mar 2030, 09:00' in `zone`; without the weekday, or with the seconds, where a page wants that."""
    pattern = ('%a ' if weekday else '') + '%d %b %Y, %H:%M' + (':%S' if seconds else '')
    return moment.astimezone(zone).strftime(pattern)
