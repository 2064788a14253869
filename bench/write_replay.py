"""The SQL of a write unit, recorded from SQLAlchemy and replayed for other rows through the driver itself.

A unit is recorded twice, for two jobs that share no value (customer, professional, request, slot, times). Of the
statements sent, the replay keeps those that write (INSERT, UPDATE, DELETE; the conditional UPDATE ... RETURNING
decides) and those that lock rows (PostgreSQL's SELECT ... FOR UPDATE / FOR SHARE). Each parameter becomes a
constant, one of the job's values (`roles`: ids, times in the forms the drivers receive, names, the slot's local
label) or a text with such values inside (a notification's message). A parameter is a role only where it matches the
same role in both recordings, and the template made from the first must reproduce the second exactly, or it is
refused: the replay writes what the service writes, for any other job.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, event

STAMP = '%Y-%m-%d %H:%M:%S.%f'  # the text UTCDateTime stores on SQLite
SKIPPED = ('BEGIN', 'BEGIN IMMEDIATE', 'COMMIT', 'ROLLBACK')
WRITES = ('INSERT', 'UPDATE', 'DELETE')
LOCKS = ('FOR UPDATE', 'FOR SHARE', 'FOR NO KEY UPDATE', 'FOR KEY SHARE')
MIN_TEXT_ROLE = 3  # shorter role values are never looked for inside a text
Statement = tuple[str, Any]  # the SQL and its bound parameters, as the driver received them


class TemplateError(RuntimeError):
    """The two recordings of a unit cannot be told apart into constants and job values."""


class BeginClock:
    """How long the engine's 'begin' listeners take, summed until `take`: on SQLite the app's listener sends BEGIN
    IMMEDIATE there, which waits for the write lock. They are swapped for one that times them, until `close`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.listeners = list(engine.dispatch.begin)
        self.waited = 0.0
        for listener in self.listeners:
            event.remove(engine, 'begin', listener)
        event.listen(engine, 'begin', self._timed)

    def take(self) -> float:
        waited, self.waited = self.waited, 0.0
        return waited

    def close(self) -> None:
        event.remove(self.engine, 'begin', self._timed)
        for listener in self.listeners:
            event.listen(self.engine, 'begin', listener)

    def _timed(self, connection: Any) -> None:
        started = time.perf_counter()
        for listener in self.listeners:
            listener(connection)
        self.waited += time.perf_counter() - started


class Recorder:
    """Collects the statements the engine sends (transaction control left out), until `close`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.seen: list[Statement] = []
        event.listen(engine, 'before_cursor_execute', self._record)

    def take(self) -> list[Statement]:
        seen, self.seen = self.seen, []
        return seen

    def close(self) -> None:
        event.remove(self.engine, 'before_cursor_execute', self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.strip().upper() not in SKIPPED:
            self.seen.append((statement, parameters))


@dataclass(frozen=True, slots=True)
class Step:
    """One statement of the replay: its SQL and how to fill each parameter for a job."""

    sql: str
    params: tuple[Any, ...] | dict[str, Any]  # specs: ('const', v), ('role', name, form), ('text', parts)
    returning: bool
    makes_request: bool  # INSERT INTO service_request: its new id is the job's request_id from then on


def kept(statement: str) -> bool:
    """Whether the replay needs the statement: it writes, or it locks rows."""
    words = statement.split(None, 1)
    return bool(words) and (words[0].upper() in WRITES or any(lock in statement.upper() for lock in LOCKS))


def short(statement: str, width: int = 110) -> str:
    """One line, the column list of a SELECT folded, for the report."""
    text = ' '.join(statement.split())
    upper = text.upper()
    if upper.startswith('SELECT ') and ' FROM ' in upper:
        text = 'SELECT … ' + text[upper.index(' FROM ') + 1 :]
    return text if len(text) <= width else text[: width - 1] + '…'


def forms(value: Any) -> tuple[Any, ...]:
    """A job value as the drivers may receive it: a time aware (psycopg), naive or as SQLite's text."""
    if isinstance(value, datetime):
        utc = value.astimezone(UTC)
        naive = utc.replace(tzinfo=None)
        return utc, naive, naive.strftime(STAMP)
    return (value,)


def role_forms(roles: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {name: forms(value) for name, value in roles.items() if value is not None}


def build(
    first: list[Statement], second: list[Statement], roles_first: dict[str, Any], roles_second: dict[str, Any]
) -> list[Step]:
    """The replay of a unit from two recordings of it (see the module's docstring)."""
    a = [s for s in first if kept(s[0])]
    b = [s for s in second if kept(s[0])]
    if [sql for sql, _ in a] != [sql for sql, _ in b]:
        raise TemplateError('the two recordings of the unit kept different statements')
    fa, fb = role_forms(roles_first), role_forms(roles_second)
    steps = [_step(sql, pa, pb, fa, fb) for (sql, pa), (_, pb) in zip(a, b, strict=True)]
    for step, (sql, pb) in zip(steps, b, strict=True):
        made = values(step, fb)
        if not _equal_params(made, pb):
            raise TemplateError(f'the template does not reproduce the second recording of {short(sql)}: {made} {pb}')
    return steps


def values(step: Step, job: dict[str, tuple[Any, ...]]) -> tuple[Any, ...] | dict[str, Any]:
    """The statement's parameters for a job (its `role_forms`)."""
    if isinstance(step.params, dict):
        return {key: _value(spec, job) for key, spec in step.params.items()}
    return tuple(_value(spec, job) for spec in step.params)


@dataclass(slots=True)
class Raw:
    """A plain driver connection replaying units: SQLite with the app's PRAGMAs, or psycopg."""

    target: str  # a SQLite file or a PostgreSQL DSN
    connection: Any = field(init=False)
    begin: str = field(init=False)
    waited: float = 0.0  # seconds the last unit's BEGIN took: on SQLite, the wait for the write lock

    def __post_init__(self) -> None:
        if self.target.startswith('postgresql://'):
            import psycopg  # noqa: PLC0415 (only for PostgreSQL)

            self.connection = psycopg.connect(self.target, autocommit=True)
            self.begin = 'BEGIN'
        else:
            self.connection = sqlite3.connect(self.target, isolation_level=None, timeout=10)
            for pragma in ('journal_mode=WAL', 'foreign_keys=ON', 'busy_timeout=10000', 'synchronous=FULL'):
                self.connection.execute(f'PRAGMA {pragma}')
            self.begin = 'BEGIN IMMEDIATE'

    def unit(self, steps: list[Step], job: dict[str, tuple[Any, ...]]) -> bool:
        """One unit in one transaction; False (rolled back) when a conditional UPDATE ... RETURNING changed nothing.
        A booking's new id goes into job['request_id']."""
        cursor = self.connection.cursor()
        started = time.perf_counter()
        cursor.execute(self.begin)
        self.waited = time.perf_counter() - started
        try:
            for step in steps:
                cursor.execute(step.sql, values(step, job))
                rows = cursor.fetchall() if step.returning else None
                if step.makes_request:
                    job['request_id'] = (rows[0][0] if rows else cursor.lastrowid,)
                elif step.returning and not rows:
                    cursor.execute('ROLLBACK')
                    return False
            cursor.execute('COMMIT')
        except BaseException:
            cursor.execute('ROLLBACK')
            raise
        return True

    def close(self) -> None:
        self.connection.close()


# --- helpers ----------------------------------------------------------------------------------------------------------


def _step(sql: str, pa: Any, pb: Any, fa: dict[str, tuple], fb: dict[str, tuple]) -> Step:
    if isinstance(pa, dict):
        specs: Any = {key: _spec(pa[key], pb[key], fa, fb) for key in pa}
    else:
        specs = tuple(_spec(x, y, fa, fb) for x, y in zip(pa, pb, strict=True))
    upper = ' '.join(sql.split()).upper()
    return Step(sql, specs, ' RETURNING ' in upper, upper.startswith('INSERT INTO SERVICE_REQUEST '))


def _spec(a: Any, b: Any, fa: dict[str, tuple], fb: dict[str, tuple]) -> tuple:
    matches = [
        ('role', name, index)
        for name, candidates in fa.items()
        for index, candidate in enumerate(candidates)
        if _same(candidate, a) and name in fb and _same(fb[name][index], b)
    ]
    if len({name for _, name, _ in matches}) > 1:
        raise TemplateError(f'the samples cannot tell apart {", ".join(name for _, name, _ in matches)}: {a!r} / {b!r}')
    if matches:
        return matches[0]
    if _same(a, b):
        return ('const', a)
    if isinstance(a, str):
        parts = _parts(a, fa)
        if any(isinstance(part, tuple) for part in parts):
            return ('text', tuple(parts))
    raise TemplateError(f'a parameter differs between the recordings and holds no job value: {a!r} / {b!r}')


def _parts(text: str, fa: dict[str, tuple]) -> list[Any]:
    """The text split into literal pieces and (role, form) references, longest values first."""
    needles = sorted(
        (
            (candidate, name, index)
            for name, candidates in fa.items()
            for index, candidate in enumerate(candidates)
            if isinstance(candidate, str) and len(candidate) >= MIN_TEXT_ROLE
        ),
        key=lambda needle: -len(needle[0]),
    )
    parts: list[Any] = []
    literal, position = [], 0
    while position < len(text):
        for needle, name, index in needles:
            if text.startswith(needle, position):
                if literal:
                    parts.append(''.join(literal))
                    literal = []
                parts.append((name, index))
                position += len(needle)
                break
        else:
            literal.append(text[position])
            position += 1
    if literal:
        parts.append(''.join(literal))
    return parts


def _value(spec: tuple, job: dict[str, tuple[Any, ...]]) -> Any:
    kind = spec[0]
    if kind == 'const':
        return spec[1]
    if kind == 'role':
        return job[spec[1]][spec[2]]
    return ''.join(part if isinstance(part, str) else job[part[0]][part[1]] for part in spec[1])


def _same(x: Any, y: Any) -> bool:
    """Equal and of one type (True is not 1); psycopg's Json wrappers by what they wrap."""
    if type(x) is not type(y):
        return False
    if hasattr(x, 'obj') and hasattr(x, 'dumps'):
        return x.obj == y.obj
    return x == y


def _equal_params(x: Any, y: Any) -> bool:
    if isinstance(x, dict):
        return isinstance(y, dict) and x.keys() == y.keys() and all(_same(x[k], y[k]) for k in x)
    return len(x) == len(y) and all(_same(p, q) for p, q in zip(x, y, strict=True))
