"""Backup and restore of the SQLite database (`manage.py backup` / `restore`). PostgreSQL has its own tools for both
(pg_dump, pg_restore), and both commands refuse it.

A backup is SQLite's backup API in one step: a consistent snapshot while the app goes on writing (a plain copy of the
file misses what is still in its -wal). It is written beside its name, as one self-contained file, synced, and named
only once complete.

A restore never writes over a database in use: every process that has it open holds models/holders.py's lock, and a
restore needs it alone. The backup is copied beside the database and checked there first (integrity, a schema this
version knows; an older one is migrated); only then are the current file and its -wal and -shm moved aside (kept,
timestamped) and the copy renamed into place. Copying a backup over the file instead would leave the old -wal
beside it, and SQLite would replay it onto the backup: "database disk image is malformed".
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from models import holders
from models.db import dispose_engines
from models.migrate import alembic_config, head_revision, upgrade_to_head

COMPANIONS = ('-wal', '-shm')  # SQLite's files beside a database in WAL mode: they belong to that file only
SCRATCH = ('-journal', '-holders', '-writers')  # what opening a copy leaves beside it
SQLITE_MAGIC = b'SQLite format 3\x00'  # the first 16 bytes of every SQLite database file
POSTGRES_TOOLS = 'for PostgreSQL use pg_dump to back up and pg_restore to restore (README "Backup and restore")'


class BackupRefused(Exception):
    """The backup or restore cannot be done; the message says why. Nothing was changed."""


@dataclass(frozen=True, slots=True)
class Restored:
    revision: str  # the backup's schema revision
    migrated: bool  # it was older, and was brought to the newest
    aside: Path | None  # where the database it replaced was moved (None: there was none)


def sqlite_file(url: str, command: str) -> Path:
    """The database file behind a SQLite URL; any other database is refused with a pointer to its own tools."""
    parsed = make_url(url)
    if parsed.get_backend_name() != 'sqlite' or not parsed.database or parsed.database == ':memory:':
        raise BackupRefused(f'{command} works on a SQLite database file only; {POSTGRES_TOOLS}.')
    return Path(parsed.database)


def backup(database: Path, target: Path) -> None:
    """Copy `database` to the new file `target`, consistently, while the app keeps writing."""
    if not database.is_file():
        raise BackupRefused(f'There is no database at {database} yet.')
    if target.exists():
        raise BackupRefused(f'{target} already exists; choose a new file name.')
    target.parent.mkdir(parents=True, exist_ok=True)
    with _scratch(target.with_name(f'.{target.name}.{secrets.token_hex(6)}.part')) as part:
        try:
            with (
                contextlib.closing(sqlite3.connect(database)) as source,
                contextlib.closing(sqlite3.connect(part)) as copy,
            ):
                source.backup(copy)  # all pages in one step: one snapshot
                copy.execute('PRAGMA journal_mode=DELETE')  # one self-contained file, no -wal to keep with it
            _sync_file(part)
            os.link(part, target)  # unlike a rename, never over a file that appeared meanwhile
        except FileExistsError:
            raise BackupRefused(f'{target} already exists; choose a new file name.') from None
        except (sqlite3.Error, OSError) as error:
            raise BackupRefused(f'The backup could not be written ({error}); nothing was kept.') from None
    _sync_folder(target.parent)


def restore(database: Path, source: Path) -> Restored:
    """Put the backup `source` in place of `database` (checked, and migrated when older); the replaced file is kept."""
    if not source.is_file():
        raise BackupRefused(f'There is no backup at {source}.')
    if database.exists() and source.resolve() == database.resolve():
        raise BackupRefused(f'{source} is the database itself; give a backup file.')
    try:
        with holders.sole_holder(str(database)), _scratch(database.with_name(f'{database.name}.restoring')) as copy:
            revision, migrated = _prepared_copy(source, copy)
            aside = _move_aside(database)
            copy.replace(database)
            _sync_folder(database.parent)
    except holders.DatabaseInUse:
        raise BackupRefused(
            'The database is in use: stop the app and every worker (and let other manage.py commands finish), '
            'then restore again. Nothing was changed.'
        ) from None
    return Restored(revision, migrated, aside)


def _prepared_copy(source: Path, copy: Path) -> tuple[str, bool]:
    """Copy the backup (with a -wal of its own, if it has one) to `copy`; check it; migrate it when older."""
    try:
        shutil.copyfile(source, copy)
        if Path(f'{source}-wal').is_file():
            shutil.copyfile(f'{source}-wal', f'{copy}-wal')
    except OSError as error:
        raise BackupRefused(
            f'The backup could not be copied beside the database ({error}); nothing was changed.'
        ) from None
    revision = _checked(source, copy)
    migrated = revision != head_revision()
    try:
        if migrated:
            upgrade_to_head(f'sqlite:///{copy}')
            dispose_engines()  # the migration's connections let go of the copy before it is renamed
        with contextlib.closing(sqlite3.connect(copy)) as db:
            db.execute('PRAGMA journal_mode=DELETE')  # everything in the one file that is renamed
        _sync_file(copy)
    except (SQLAlchemyError, sqlite3.Error, OSError) as error:
        raise BackupRefused(f'The backup could not be prepared ({error}); nothing was changed.') from None
    return revision, migrated


def _checked(source: Path, copy: Path) -> str:
    """The copy's schema revision, once it passes SQLite's integrity check and is one this version knows."""
    with copy.open('rb') as file:
        if file.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise BackupRefused(f'{source} is not a SQLite database. Nothing was changed.')
    try:
        found = _revision_of_sound(copy)
    except sqlite3.DatabaseError as error:
        raise BackupRefused(f'{source} is damaged (integrity_check: {error}). Nothing was changed.') from None
    if found is None:
        raise BackupRefused(f'{source} is not a Household Services database (it has no schema revision).')
    if found not in _known_revisions():
        raise BackupRefused(
            f'{source} has schema revision {found}, which this version does not know (the newest it knows is '
            f'{head_revision()}): it was made by a newer version. Restore it with that version. Nothing was changed.'
        )
    return found


def _revision_of_sound(copy: Path) -> str | None:
    """The schema revision (None: none); a failed integrity check raises like a database that cannot be read."""
    with contextlib.closing(sqlite3.connect(copy)) as db:
        problems = [row[0] for row in db.execute('PRAGMA integrity_check')]
        if problems != ['ok']:
            raise sqlite3.DatabaseError('; '.join(problems[:3]))
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if 'alembic_version' not in tables:
            return None
        found = db.execute('SELECT version_num FROM alembic_version').fetchone()
        return found[0] if found else None


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory  # noqa: PLC0415 (Alembic is loaded only for a restore)

    return {script.revision for script in ScriptDirectory.from_config(alembic_config('sqlite://')).walk_revisions()}


def _move_aside(database: Path) -> Path | None:
    """Rename the database with its -wal and -shm to `<name>.before-restore-<UTC time>` (each companion keeps its
    suffix, so SQLite pairs them again if someone opens the kept copy). The -wal goes first: it must never be left
    beside a file it does not belong to."""
    if not database.exists():
        return None
    stamp = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
    aside = database.with_name(f'{database.name}.before-restore-{stamp}')
    while aside.exists():
        aside = aside.with_name(f'{aside.name}-{secrets.token_hex(2)}')
    for suffix in COMPANIONS:
        companion = Path(f'{database}{suffix}')
        if companion.exists():
            companion.rename(f'{aside}{suffix}')
    database.rename(aside)
    return aside


@contextlib.contextmanager
def _scratch(path: Path) -> Iterator[Path]:
    """A file to build in; whatever is left of it and its companions afterwards is removed."""
    try:
        yield path
    finally:
        for suffix in ('', *COMPANIONS, *SCRATCH):
            Path(f'{path}{suffix}').unlink(missing_ok=True)


def _sync_file(path: Path) -> None:
    """Its bytes on disk before it gets its name."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sync_folder(folder: Path) -> None:
    """The renames in it, durable (not every file system lets a folder be synced: then it is left)."""
    with contextlib.suppress(OSError):
        _sync_file(folder)
