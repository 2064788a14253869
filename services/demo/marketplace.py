"""The demo marketplace itself: ten services, professionals in every approval state with ID images, six customers
and requests in every status, made through the real services with the clock turned back where history is needed."""

from __future__ import annotations

import struct
import zlib
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from models.db import session_scope
from models.enums import DocumentKind
from services import catalog, people, requests
from services.core.rows import Actor
from settings import get_settings

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


def add_admin(password: str, now: datetime) -> Actor:
    """The demo admin, made as the operator makes one."""
    with session_scope(write=True) as session:
        return people.create_admin(
            session, Actor.operator(), name='Demo Admin', email='admin@demo.example', password=password, now=now
        )


def add_service(session: Session, admin: Actor, name: str, category: str, price: str, minutes: int, about: str) -> int:
    """One catalogue entry, added by the demo admin; returns its id."""
    return catalog.create_service(
        session, admin, name=name, category=category, base_price=price, time_required=minutes, description=about
    ).id


def add_professionals(admin: Actor, services: dict[str, int], password: str, now: datetime) -> dict[str, Actor]:
    """The demo professionals with an ID image each, approved, pending or rejected as the table says."""
    made = {}
    for number, (name, service, pincodes, years, approval) in enumerate(PROFESSIONALS, start=1):
        with session_scope(write=True) as session:
            pro = people.sign_up_professional(
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
            people.add_document(
                session, pro, kind=DocumentKind.ID_PROOF, filename='id-card.png', data=_png(number), now=now
            )
        with session_scope(write=True) as session:
            if approval == 'approved':
                people.approve(session, admin, professional_id=pro.id, now=now + timedelta(hours=3))
            elif approval == 'rejected':
                people.reject(
                    session,
                    admin,
                    professional_id=pro.id,
                    now=now + timedelta(hours=3),
                    reason='The ID document is unreadable; please upload a clearer photo.',
                )
        made[name] = pro
    return made


def add_customer(row: tuple[str, str, str], password: str, now: datetime) -> Actor:
    """One demo customer, signed up with their default address."""
    name, address, pincode = row
    email = name.split()[0].lower() + '@demo.example'
    with session_scope(write=True) as session:
        return people.sign_up_customer(
            session, name=name, email=email, password=password, phone='', address=address, pincode=pincode, now=now
        )


def add_history(customers: list[Actor], pros: dict[str, Actor], services: dict[str, int], now: datetime) -> None:
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
    start = requests.available_slots(day, minutes, now=booked_at)[number % 3]
    addressed = pro.id if status == 'requested' and pro else None
    with session_scope(write=True) as session:
        request_id = requests.book(
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
            requests.accept(session, pro, request_id=request_id, now=booked_at + timedelta(hours=1))
        if status in {'completed', 'closed'}:
            requests.complete(session, pro, request_id=request_id, now=start + timedelta(hours=3))
        if status == 'closed':
            rating, remarks = REVIEWS[number % len(REVIEWS)]
            requests.close(
                session, customer, request_id=request_id, rating=rating, remarks=remarks, now=start + timedelta(hours=5)
            )
        if status == 'cancelled':
            requests.cancel(
                session, customer, request_id=request_id, reason='Plans changed.', now=booked_at + timedelta(hours=2)
            )
        if status == 'expired':
            requests.expire_due(session, now=start + timedelta(minutes=1))


def _png(seed: int) -> bytes:
    """A small real PNG (a coloured square) standing in for a scanned ID card."""
    width = height = 16
    pixel = bytes(((seed * 40) % 256, (seed * 90) % 256, 200))
    raw = b''.join(b'\x00' + pixel * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))

    header = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
