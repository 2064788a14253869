"""Service names are the same regardless of width, ligatures and spacing, not only of case

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 06:00:00

service.name_key, which makes service names unique, held the name case-folded, so 'Plumbing', 'Plumbing' in
full-width letters and 'Plumbing' with a zero-width space after it were three services side by side. The key is now
the name in NFKC, case-folded, without invisible characters (Unicode Cf and the other default-ignorable code points,
and the Braille blank), every run of whitespace one space
(`name_key` in services/core/validation.py, copied below as it is today, so that this migration keeps doing what it
does); new names refuse those characters altogether.

Every service gets its new key. Where services that exist now share one, the oldest (lowest id) keeps it and each
later one gets a key of its own, the shared key followed by a newline and its id, which no name can produce (the key
of a name collapses whitespace), so the upgrade never stops on data. Names are left as they are: the admin sees the
look-alikes in the catalogue and renames or retires the copy (an edit has to choose a name that is free). Downgrading
sets every key back to the case-folded name.
"""

import unicodedata
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

MAX_KEY = 320  # service.name_key's length
SERVICE = sa.table('service', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('name_key'))


DRAWN_AS_NOTHING = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x2065, 0x2065),
    (0x2800, 0x2800),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0xE0000, 0xE0FFF),
)


def name_key(name: str) -> str:
    folded = unicodedata.normalize('NFKC', unicodedata.normalize('NFKC', name).casefold())
    return ' '.join(''.join(ch for ch in folded if not is_invisible(ch)).split())


def is_invisible(ch: str) -> bool:
    code = ord(ch)
    return unicodedata.category(ch) == 'Cf' or any(low <= code <= high for low, high in DRAWN_AS_NOTHING)


def unique_keys(rows: Iterable[tuple[int, str]], key_of: Callable[[str], str]) -> list[dict[str, object]]:
    """Each service's key, oldest first; a key already given gets the id after a newline."""
    given: set[str] = set()
    keys = []
    for service_id, name in rows:
        key = key_of(name)[:MAX_KEY]
        if key in given:
            suffix = f'\n#{service_id}'
            key = key[: MAX_KEY - len(suffix)] + suffix
        given.add(key)
        keys.append({'service_id': service_id, 'key': key})
    return keys


def rekey(key_of: Callable[[str], str]) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(SERVICE.c.id, SERVICE.c.name).order_by(SERVICE.c.id)).all()
    if not rows:
        return
    # every key out of the way first: the unique constraint would refuse a key another row still holds for a moment
    bind.execute(SERVICE.update().values(name_key=sa.literal('\n#') + sa.cast(SERVICE.c.id, sa.String)))
    by_id = SERVICE.update().where(SERVICE.c.id == sa.bindparam('service_id')).values(name_key=sa.bindparam('key'))
    bind.execute(by_id, unique_keys(rows, key_of))


def upgrade() -> None:
    rekey(name_key)


def downgrade() -> None:
    rekey(str.casefold)
