"""Demo data through the real services, with the clock turned back where history is needed.

Seeded once (a `job_run('seed-demo', 'once')` row is inserted first, so two starts cannot both seed):
ten services, approved / pending / rejected professionals with documents, customers, and requests in
every status, with last month's activity and work pending today. Passwords are made at seed time.
"""

from __future__ import annotations

import secrets
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import JobRun, User
from models.db import session_scope
from models.enums import DocumentKind, Role
from services import catalog, clock, documents, professionals, service_requests, slots, users
from services.views import Actor
from settings import get_settings

MARKER = ('seed-demo', 'once')
SERVICES = [  # name, category, price (rupees), minutes, description
    ('Plumbing', 'Repairs', '499', 60, 'Leaks, taps, drains and geyser fitting.'),
    ('Electrical', 'Repairs', '399', 60, 'Switches, wiring, fans and lights.'),
    ('Carpentry', 'Repairs', '599', 120, 'Doors, hinges, shelves and furniture repair.'),
    ('AC Repair', 'Appliances', '799', 90, 'Service, gas top-up (extra) and repair.'),
    ('Washing Machine Repair', 'Appliances', '549', 60, 'Front and top loaders, all brands.'),
    ('Deep Cleaning', 'Cleaning', '2499', 240, 'Whole-home deep cleaning with equipment.'),
    ('Sofa Cleaning', 'Cleaning', '899', 90, 'Shampoo and vacuum, up to 5 seats.'),
    ('Painting', 'Decor', '4999', 480, 'One room, two coats, materials extra.'),
    ('Pest Control', 'Pest Control', '1199', 120, 'Cockroaches and ants, odourless gel.'),
    ('Salon at Home', 'Beauty', '999', 90, 'Haircut, facial and manicure at home.'),
]
PROFESSIONALS = [  # name, service, pincodes, years, approval
    ('Ravi Kumar', 'Plumbing', '560001 560034 560038 560095', 9, 'approved'),
    ('Imran Sheikh', 'Plumbing', '560034 560095', 4, 'approved'),
    ('Lakshmi Devi', 'Electrical', '560001 560034 560038 560095', 12, 'approved'),
    ('Arjun Nair', 'AC Repair', '560001 560034 560038 560095', 6, 'approved'),
    ('Fatima Begum', 'Deep Cleaning', '560001 560034 560038 560095', 7, 'approved'),
    ('Suresh Gowda', 'Painting', '560001 560038', 15, 'approved'),
    ('Priya Menon', 'Pest Control', '560001 560034 560038 560095', 5, 'approved'),
    ('Kiran Rao', 'Sofa Cleaning', '560034 560038', 3, 'approved'),
    ('Deepak Verma', 'Carpentry', '560001 560095', 8, 'pending'),
    ('Anita Joseph', 'Salon at Home', '560034', 2, 'pending'),
    ('Manoj Tiwari', 'Washing Machine Repair', '560038', 1, 'rejected'),
]
CUSTOMERS = [  # name, address, pincode
    ('Meera Iyer', '12 MG Road, Ashok Nagar', '560001'),
    ('Rahul Sharma', '44 80 Feet Road, Koramangala', '560034'),
    ('Ananya Reddy', '7 CMH Road, Indiranagar', '560038'),
    ('Vikram Singh', '23 Hosur Road, Koramangala', '560095'),
    ('Sneha Kulkarni', '5 Church Street', '560001'),
    ('Farhan Ali', '19 100 Feet Road, Indiranagar', '560038'),
]
REVIEWS = [
    (5, 'On time and very neat work.'),
    (4, 'Good job, a little late.'),
    (5, 'Excellent, will book again.'),
    (3, 'Fixed it, but left a mess.'),
    (4, 'Polite and quick.'),
]


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
        return _seed(now)
    except BaseException:
        _release_marker()  # a half-made demo must not count as seeded; the next start tries again
        raise


def _seed(now: datetime) -> DemoLogins:
    passwords = {role: _password() for role in Role}
    admin = _admin(passwords[Role.ADMIN], now - timedelta(days=60))
    with session_scope(write=True) as session:
        services = {row[0]: _service(session, admin, *row) for row in SERVICES}
    pros = _professionals(admin, services, passwords[Role.PROFESSIONAL], now - timedelta(days=50))
    customers = [_customer(row, passwords[Role.CUSTOMER], now - timedelta(days=45)) for row in CUSTOMERS]
    _history(customers, pros, services, now)
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


def _release_marker() -> None:
    with session_scope(write=True) as session:
        session.execute(delete(JobRun).where(JobRun.job == MARKER[0], JobRun.period == MARKER[1]))


def _admin(password: str, now: datetime) -> Actor:
    with session_scope(write=True) as session:
        return users.create_admin(
            session, Actor.operator(), name='Demo Admin', email='admin@demo.example', password=password, now=now
        )


def _service(session: Session, admin: Actor, name: str, category: str, price: str, minutes: int, about: str) -> int:
    return catalog.create_service(
        session, admin, name=name, category=category, base_price=price, time_required=minutes, description=about
    ).id


def _professionals(admin: Actor, services: dict[str, int], password: str, now: datetime) -> dict[str, Actor]:
    made = {}
    for number, (name, service, pincodes, years, approval) in enumerate(PROFESSIONALS, start=1):
        with session_scope(write=True) as session:
            pro = users.sign_up_professional(
                session,
                name=name,
                email=f'pro{number}@demo.example',
                password=password,
                phone=f'+9198450{number:05d}',
                service_id=services[service],
                experience_years=years,
                description=f'{years} years of {service.lower()} work across Bengaluru.',
                pincodes=pincodes,
                now=now,
            )
            documents.add_document(
                session, pro, kind=DocumentKind.ID_PROOF, filename='id-card.png', data=_png(number), now=now
            )
        with session_scope(write=True) as session:
            if approval == 'approved':
                professionals.approve(session, admin, professional_id=pro.id, now=now + timedelta(hours=3))
            elif approval == 'rejected':
                professionals.reject(
                    session,
                    admin,
                    professional_id=pro.id,
                    now=now + timedelta(hours=3),
                    reason='The ID document is unreadable; please upload a clearer photo.',
                )
        made[name] = pro
    return made


def _customer(row: tuple[str, str, str], password: str, now: datetime) -> Actor:
    name, address, pincode = row
    email = name.split()[0].lower() + '@demo.example'
    with session_scope(write=True) as session:
        return users.sign_up_customer(
            session, name=name, email=email, password=password, phone='', address=address, pincode=pincode, now=now
        )


def _history(customers: list[Actor], pros: dict[str, Actor], services: dict[str, int], now: datetime) -> None:
    """Requests in every status: closed with reviews and one cancelled last month, an expired one,
    completed awaiting review, assigned upcoming, and open ones for the coming days."""
    plan = [  # customer, service, professional, days from now, status
        (0, 'Plumbing', 'Ravi Kumar', -34, 'closed'),
        (1, 'Electrical', 'Lakshmi Devi', -31, 'closed'),
        (2, 'AC Repair', 'Arjun Nair', -29, 'closed'),
        (3, 'Deep Cleaning', 'Fatima Begum', -27, 'closed'),
        (4, 'Plumbing', 'Ravi Kumar', -24, 'closed'),
        (5, 'Pest Control', 'Priya Menon', -20, 'cancelled'),
        (1, 'Painting', None, -12, 'expired'),
        (2, 'Sofa Cleaning', 'Kiran Rao', -3, 'completed'),
        (0, 'AC Repair', 'Arjun Nair', 1, 'assigned'),
        (3, 'Plumbing', 'Imran Sheikh', 2, 'assigned'),
        (4, 'Electrical', None, 1, 'requested'),
        (5, 'Deep Cleaning', None, 3, 'requested'),
        (0, 'Painting', 'Suresh Gowda', 4, 'requested'),  # addressed to one professional
        (5, 'Plumbing', None, 1, 'requested'),
    ]
    for number, (customer, service, pro, days, status) in enumerate(plan):
        _request(customers[customer], services[service], pros.get(pro) if pro else None, days, status, number, now)


def _request(
    customer: Actor, service_id: int, pro: Actor | None, days: int, status: str, number: int, now: datetime
) -> None:
    booked_at = now + timedelta(days=min(days, 0) - 2)
    day = (now + timedelta(days=days)).astimezone(get_settings().zone).date()
    with session_scope() as session:
        minutes = catalog.get_service(session, service_id=service_id).time_required
    start = slots.available_slots(day, minutes, now=booked_at)[number % 3]
    addressed = pro.id if status == 'requested' and pro else None
    with session_scope(write=True) as session:
        request_id = service_requests.book(
            session,
            customer,
            service_id=service_id,
            scheduled_at=start,
            remarks='Please call before coming.',
            requested_professional_id=addressed,
            now=booked_at,
        )
    _advance(request_id, customer, pro, status, start, booked_at, number)


def _advance(
    request_id: int, customer: Actor, pro: Actor | None, status: str, start: datetime, booked_at: datetime, number: int
) -> None:
    with session_scope(write=True) as session:
        if status in {'assigned', 'completed', 'closed'}:
            service_requests.accept(session, pro, request_id=request_id, now=booked_at + timedelta(hours=1))
        if status in {'completed', 'closed'}:
            service_requests.complete(session, pro, request_id=request_id, now=start + timedelta(hours=3))
        if status == 'closed':
            rating, remarks = REVIEWS[number % len(REVIEWS)]
            service_requests.close(
                session, customer, request_id=request_id, rating=rating, remarks=remarks, now=start + timedelta(hours=5)
            )
        if status == 'cancelled':
            service_requests.cancel(
                session, customer, request_id=request_id, reason='Plans changed.', now=booked_at + timedelta(hours=2)
            )
        if status == 'expired':
            service_requests.expire_due(session, now=start + timedelta(minutes=1))


def _password() -> str:
    return f'demo-{secrets.token_urlsafe(9)}'


def _png(seed: int) -> bytes:
    """A small real PNG (a coloured square) standing in for a scanned ID card."""
    width = height = 16
    pixel = bytes(((seed * 40) % 256, (seed * 90) % 256, 200))
    raw = b''.join(b'\x00' + pixel * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))

    header = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
