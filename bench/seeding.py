"""Seed a large, valid marketplace for the admin-pages benchmark: the run that creates the file and fills it."""

# The schema comes from the real migrations, the admin and the catalogue from the real services; everything else
# (people, profiles, a million requests, their reviews and audit trail) is bulk-inserted with `sqlite3` and
# `executemany` (bench/bulk_load.py), because the service layer does one request per unit and would take hours.
#
# Every row keeps the rules the services enforce (design.md §3, §7): slots on the local grid and inside the booking
# horizon, the service's time and price copied onto the request, a professional who is approved, unblocked at the
# time, offers that service in that pincode and has no overlapping job; statuses that follow the lifecycle in time
# (a past request is closed, completed, cancelled, expired or still assigned, never requested); reviews within the
# review window and each professional's rating_count / rating_sum equal to their reviews. Requests are generated in
# booking order, so ids grow with `date_of_request` as they would in production, and the audit trail is copied in
# time order for the same reason.
#
# The generators draw from one `random.Random(seed_value)` in a fixed order (people, then requests one by one), so a
# seed and a `now` give the same rows: moving a draw changes every row after it.

from __future__ import annotations

import random
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench import bulk_load, checks, population
from bench.marketplace import Marketplace
from bench.seed_data import HISTORY_DAYS, SERVICES
from bench.time_grid import check_stamp_format, micros
from models.db import dispose_engines, session_scope
from models.enums import ApprovalState
from models.migrate import upgrade_to_head
from services import Actor, catalog, identity, people
from settings import Settings, get_settings

ADMIN_EMAIL = 'admin@bench.example.com'


@dataclass(frozen=True, slots=True)
class SeedResult:
    admin_email: str
    admin_password: str
    user_password: str
    sample_customer: str
    sample_professional: str
    seconds: float
    counts: dict[str, int]
    statuses: dict[str, int]
    foreign_key_problems: int
    broken: dict[str, int]


def seed(
    *,
    requests: int,
    customers: int,
    professionals: int,
    seed_value: int,
    audit: str,
    analyze: bool,
    log: Callable[[str], None],
) -> SeedResult:
    """Create the database in HSA_DATA_DIR from scratch (the caller removed any old file) and fill it."""
    started = time.perf_counter()
    check_stamp_format()
    settings = get_settings()
    rnd = random.Random(seed_value)
    now_dt = datetime.now(UTC).replace(microsecond=0)
    history_start = now_dt - timedelta(days=HISTORY_DAYS)
    admin_created = history_start - timedelta(days=600)

    log(f'migrating {settings.effective_database_url}')
    upgrade_to_head()
    admin_password, user_password = secrets.token_urlsafe(12), secrets.token_urlsafe(9)
    admin, service_rows = _create_admin_and_catalogue(admin_password, admin_created)
    user_hash = identity.hash_new(user_password)  # one bcrypt hash (the configured rounds) shared by seeded users
    dispose_engines()

    market = Marketplace(rnd, settings, micros(now_dt), service_rows)
    market.admin_id, market.admin_label = admin.id, f'{admin.name} <{admin.email}>'
    log(f'generating {customers:,} customers and {professionals:,} professionals')
    everyone = population.sign_up(market, customers, professionals, micros(admin_created))
    population.number(everyone, admin.id + 1)

    connection = sqlite3.connect(settings.data_path / 'hsa.db', isolation_level=None)
    counts = bulk_load.Counts()
    try:
        bulk_load.bulk_pragmas(connection)
        bulk_load.write_people(connection, everyone, user_hash, market, counts)
        bulk_load.write_requests(connection, market, requests, audit, counts, log)
        bulk_load.write_ratings(connection, market)
        problems = len(connection.execute('PRAGMA foreign_key_check').fetchall())
        broken = _finish_file(connection, settings, now_dt, analyze=analyze, log=log)
    finally:
        connection.close()
    sample_customer, sample_professional = _sample_logins(market)
    return SeedResult(
        admin_email=ADMIN_EMAIL,
        admin_password=admin_password,
        user_password=user_password,
        sample_customer=sample_customer,
        sample_professional=sample_professional,
        seconds=time.perf_counter() - started,
        counts=counts.rows,
        statuses=counts.statuses,
        foreign_key_problems=problems,
        broken=broken,
    )


def _create_admin_and_catalogue(
    admin_password: str, admin_created: datetime
) -> tuple[Actor, list[tuple[int, int, int]]]:
    """The admin and the services through the real service layer; returns the admin and (id, minutes, price) rows."""
    with session_scope(write=True) as session:
        admin = people.create_admin(
            session,
            Actor.operator(),
            name='Bench Admin',
            email=ADMIN_EMAIL,
            password=admin_password,
            now=admin_created,
        )
        service_rows = []
        for offset, (name, category, rupees, minutes, _, description) in enumerate(SERVICES):
            created = catalog.create_service(
                session,
                Actor.operator(),
                name=name,
                category=category,
                base_price=str(rupees),
                time_required=minutes,
                description=description,
                now=admin_created + timedelta(hours=1, minutes=offset),
            )
            service_rows.append((created.id, created.time_required, created.base_price))
    return admin, service_rows


def _finish_file(
    connection: sqlite3.Connection, settings: Settings, now_dt: datetime, *, analyze: bool, log: Callable[[str], None]
) -> dict[str, int]:
    """Planner statistics, the rule checks (rows breaking each rule), and the app's journal mode back on."""
    if analyze:
        # Statistics give SQLite's planner real row counts per index prefix instead of guesses. The measured
        # queries pick the same plans without them (each filter has an index whose whole prefix it matches),
        # but choices between overlapping indexes rest on those guesses; a grown production file needs the same.
        log('ANALYZE and PRAGMA optimize (statistics for the query planner)')
        connection.execute('ANALYZE')
        connection.execute('PRAGMA optimize')
    log('checking the rules the services enforce')
    broken = checks.run(connection, settings, now_dt)
    connection.execute('PRAGMA journal_mode=WAL')  # what the app uses (models/db.py); kept in the file
    connection.execute('PRAGMA synchronous=FULL')
    return broken


def _sample_logins(market: Marketplace) -> tuple[str, str]:
    """A customer and a professional who can sign in, to print beside the shared password."""
    sample_customer = next(p.email for p in market.customers if p.blocked is None)
    sample_professional = next(
        p.email for p in market.professionals if p.state is ApprovalState.APPROVED and p.blocked is None
    )
    return sample_customer, sample_professional
