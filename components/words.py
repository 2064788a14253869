"""Words for values shown on many pages: a moment as the site's clock shows it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def local_time(moment: datetime, zone: ZoneInfo, *, weekday: bool = True, seconds: bool = False) -> str:
    """'Mon 04 Mar 2030, 09:00' in `zone`; without the weekday, or with the seconds, where a page wants that."""
    pattern = ('%a ' if weekday else '') + '%d %b %Y, %H:%M' + (':%S' if seconds else '')
    return moment.astimezone(zone).strftime(pattern)


def duration(minutes: int) -> str:
    """'1 h 30 min', '45 min', '2 h': how long a job takes."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f'{rest} min'
    return f'{hours} h' + (f' {rest} min' if rest else '')


def day_label(day: date) -> str:
    """'Tue 03 Dec 2026': a local calendar day."""
    return day.strftime('%a %d %b %Y')
