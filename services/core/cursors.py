"""Keyset cursors for long lists (design.md §7 "Lists"): previous / next by (a moment, id), and a capped count.

A cursor is an opaque string: a direction (`n` next, `p` previous) then the (sort key in microseconds since the
epoch, id) of the row it starts after (`n`) or before (`p`), in the order the list is shown. A cursor without a
direction is a next cursor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from services.core import validation
from services.core.errors import ValidationError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NEXT, PREVIOUS = 'n', 'p'
CURSOR = re.compile(r'([np]?)(-?\d{1,20})\.(\d{1,18})', re.ASCII)
STALE = 'That page link is no longer valid. Start from the first page.'
COUNT_CAP = 10_000  # lists count at most this many rows and then say "10,000+"
Position = tuple[datetime, int]
T = TypeVar('T')


def encode(direction: str, moment: datetime, row_id: int) -> str:
    return f'{direction}{(moment - EPOCH) // timedelta(microseconds=1)}.{row_id}'


def decode(cursor: Any) -> tuple[bool, Position]:
    """(backward, (sort key, id)) of a cursor; anything else is a validation error, never a server error."""
    match = CURSOR.fullmatch(cursor) if isinstance(cursor, str) else None
    try:
        if match is None:
            raise ValueError
        return match[1] == PREVIOUS, (EPOCH + timedelta(microseconds=int(match[2])), int(match[3]))
    except (ValueError, OverflowError):
        raise ValidationError(STALE, field='cursor') from None


def after(key: Any, id_column: Any, position: Position, *, descending: bool) -> Any:
    """The rows that come after `position` in (key, id) order, ascending or descending."""
    moment, row_id = position
    if not validation.is_id(row_id, id_column):
        raise ValidationError(STALE, field='cursor')
    if descending:
        return or_(key < moment, and_(key == moment, id_column < row_id))
    return or_(key > moment, and_(key == moment, id_column > row_id))


def count_capped(session: Session | Connection, rows: Select[Any]) -> tuple[int, bool]:
    """How many rows `rows` selects, reading at most COUNT_CAP + 1 of them: (COUNT_CAP, True) when there are more."""
    found = session.scalar(select(func.count()).select_from(rows.limit(COUNT_CAP + 1).subquery())) or 0
    return min(found, COUNT_CAP), found > COUNT_CAP


def window(
    found: Sequence[T], *, size: int, backward: bool, position: Position | None, key_of: Callable[[T], Position]
) -> tuple[list[T], str | None, str | None]:
    """(rows in display order, previous cursor, next cursor) of a page fetched as `size + 1` rows in the fetch order
    (reversed for a previous page): the extra row tells whether the list goes on in the direction fetched."""
    more = len(found) > size
    rows = list(found[:size])
    if backward:
        rows.reverse()
    if backward:  # the list goes on after this page: at least the row the cursor came from
        earlier, later = more, bool(rows)
    else:  # a next cursor came from the row shown just before this page
        earlier, later = position is not None and bool(rows), more
    previous_cursor = encode(PREVIOUS, *key_of(rows[0])) if earlier else None
    next_cursor = encode(NEXT, *key_of(rows[-1])) if later else None
    return rows, previous_cursor, next_cursor
