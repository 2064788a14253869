"""Demo data through the real services, with the clock turned back where history is needed.

Seeded once (a `job_run('seed-demo', 'once')` row is inserted first, so two starts cannot both seed):
ten services, approved / pending / rejected professionals with documents, customers, and requests in
every status, with last month's activity and work pending today. Passwords are made at seed time.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from models import JobRun, User
from models.db import session_scope
from models.enums import Role
from services.core import clock
from services.demo import marketplace

MARKER = ('seed-demo', 'once')


@dataclass(frozen=True, slots=True)
class DemoLogins:
    """What the console prints: one email per role and the password every demo user of that role shares."""

    admin: tuple[str, str]
    professional: tuple[str, str]
    pending_professional: str
    customer: tuple[str, str]


def describe(logins: DemoLogins, *, base_url: str) -> str:
    """The console lines that tell a person how to sign in as each demo role."""
    return '\n'.join(
        [
            f'Demo data is ready. Sign in at {base_url}/login as:',
            f'  admin         {logins.admin[0]}  password {logins.admin[1]}',
            f'  professional  {logins.professional[0]}  password {logins.professional[1]}'
            f'  (pro1..pro11@demo.example share it; {logins.pending_professional} awaits approval)',
            f'  customer      {logins.customer[0]}  password {logins.customer[1]}  (every demo customer shares it)',
            'These passwords are shown only now.',
        ]
    )


def needs_seeding() -> bool:
    """True when nobody but admins has an account (a fresh install)."""
    with session_scope() as session:
        return not session.scalar(select(func.count()).select_from(User).where(User.role != Role.ADMIN))


def seed(*, now: datetime | None = None) -> DemoLogins | None:
    """Seed the demo marketplace once; None when it was already seeded."""
    now = now or clock.now()
    if not _claim_marker(now):
        return None
    try:
        logins = _seed(now)
    except BaseException:
        _release_marker()  # a half-made demo must not count as seeded; the next start tries again
        raise
    _finish_marker()
    return logins


def _seed(now: datetime) -> DemoLogins:
    passwords = {role: _password() for role in Role}
    admin = marketplace.add_admin(passwords[Role.ADMIN], now - timedelta(days=60))
    with session_scope(write=True) as session:
        services = {row[0]: marketplace.add_service(session, admin, *row) for row in marketplace.SERVICES}
    pros = marketplace.add_professionals(admin, services, passwords[Role.PROFESSIONAL], now - timedelta(days=50))
    customers = [
        marketplace.add_customer(row, passwords[Role.CUSTOMER], now - timedelta(days=45))
        for row in marketplace.CUSTOMERS
    ]
    marketplace.add_history(customers, pros, services, now)
    return DemoLogins(
        admin=(admin.email, passwords[Role.ADMIN]),
        professional=(pros['Ravi Kumar'].email, passwords[Role.PROFESSIONAL]),
        pending_professional=pros['Deepak Verma'].email,
        customer=(customers[0].email, passwords[Role.CUSTOMER]),
    )


def _claim_marker(now: datetime) -> bool:
    try:
        with session_scope(write=True) as session:
            session.add(JobRun(job=MARKER[0], period=MARKER[1], started_at=now))
    except IntegrityError:
        return False
    return True


def _finish_marker() -> None:
    with session_scope(write=True) as session:
        session.execute(
            update(JobRun)
            .where(JobRun.job == MARKER[0], JobRun.period == MARKER[1])
            .values(finished_at=clock.now(), summary='demo marketplace seeded')
        )


def _release_marker() -> None:
    with session_scope(write=True) as session:
        session.execute(delete(JobRun).where(JobRun.job == MARKER[0], JobRun.period == MARKER[1]))


def _password() -> str:
    return f'demo-{secrets.token_urlsafe(9)}'
