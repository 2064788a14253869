"""Test data made through the real services; unique values from a counter, keyword overrides."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from models import JobRun
from services import Actor, catalog, identity, people, requests, runtime, session_scope
from services.catalog import ServiceRow
from services.identity import SignedIn
from settings import get_settings

_n = itertools.count(1)
OPERATOR = Actor.operator()
PASSWORD = 'correct horse battery'


def make_service(**overrides: Any) -> ServiceRow:
    n = next(_n)
    fields = {
        'name': f'Service {n}',
        'category': 'Repairs',
        'base_price': 49900,
        'time_required': 60,
        'description': 'A test service.',
    } | overrides
    with session_scope(write=True) as session:
        return catalog.create_service(session, OPERATOR, **fields)


def make_admin(**overrides: Any) -> Actor:
    n = next(_n)
    fields = {'name': f'Admin {n}', 'email': f'admin{n}@example.com', 'password': PASSWORD} | overrides
    with session_scope(write=True) as session:
        return people.create_admin(session, OPERATOR, **fields)


def make_customer(**overrides: Any) -> Actor:
    n = next(_n)
    fields = {
        'name': f'Customer {n}',
        'email': f'customer{n}@example.com',
        'password': PASSWORD,
        'phone': '',
        'address': f'{n} MG Road, Bengaluru',
        'pincode': '560001',
    } | overrides
    with session_scope(write=True) as session:
        return people.sign_up_customer(session, **fields)


def make_professional(**overrides: Any) -> Actor:
    n = next(_n)
    if 'service_id' not in overrides:
        overrides['service_id'] = make_service().id
    fields = {
        'name': f'Professional {n}',
        'email': f'pro{n}@example.com',
        'password': PASSWORD,
        'phone': '+919876543210',
        'experience_years': 5,
        'description': 'Ten years of careful work.',
        'pincodes': '560001, 560002',
    } | overrides
    with session_scope(write=True) as session:
        return people.sign_up_professional(session, **fields)


def sign_in(actor: Actor, password: str = PASSWORD, **kwargs: Any) -> SignedIn:
    return identity.sign_in(actor.email, password, client_ip=kwargs.pop('client_ip', '10.0.0.1'), **kwargs)


def block(actor: Actor, reason: str = 'Fraud reported') -> None:
    with session_scope(write=True) as session:
        people.block_user(session, OPERATOR, user_id=actor.id, reason=reason)


def approve(professional: Actor) -> Actor:
    with session_scope(write=True) as session:
        people.approve(session, OPERATOR, professional_id=professional.id)
        return identity.actor_for(identity.get_user_by_email(session, OPERATOR, email=professional.email))


def reject(professional: Actor, reason: str = 'The ID proof is unreadable.') -> Actor:
    with session_scope(write=True) as session:
        people.reject(session, OPERATOR, professional_id=professional.id, reason=reason)
        return identity.actor_for(identity.get_user_by_email(session, OPERATOR, email=professional.email))


def make_approved_professional(**overrides: Any) -> Actor:
    return approve(make_professional(**overrides))


# Real minimal files (`file` names each correctly): a 1x1 grey PNG, a 1x1 JPEG and a one-page PDF.
PNG_BYTES = bytes.fromhex(
    '89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b550000000a49444154789c6360000000020001'
    '48afa4710000000049454e44ae426082'
)
JPEG_BYTES = bytes.fromhex(
    'ffd8ffe000104a46494600010101004800480000ffdb0043000302020202020302020203030303040604040404040806060506'
    '09080a0a090809090a0c0f0c0a0b0e0b09090d110d0e0f101011100a0c12131210130f101010ffc9000b080001000101011100'
    'ffcc000600101005ffda0008010100003f00d2cf20ffd9'
)
PDF_BYTES = (
    b'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n'
    b'3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 72 72]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n'
)


def add_document(professional: Actor, data: bytes = PDF_BYTES, filename: str = 'id.pdf', kind: str = 'id_proof') -> int:
    with session_scope(write=True) as session:
        return people.add_document(session, professional, kind=kind, filename=filename, data=data).id


# --- service requests (times come from an injected `now`; slots from the real grid) ---


def slot(now: datetime, *, days: int = 2, index: int = 0, minutes: int = 60) -> datetime:
    """The index-th bookable start on the local day `days` after now's local day (UTC, aware)."""
    day = now.astimezone(get_settings().zone).date() + timedelta(days=days)
    return requests.available_slots(day, minutes, now=now)[index]


def book_request(customer: Actor, service_id: int, *, now: datetime, at: datetime | None = None, **fields: Any) -> int:
    with session_scope(write=True) as session:
        return requests.book(session, customer, service_id=service_id, scheduled_at=at or slot(now), now=now, **fields)


def accept_request(professional: Actor, request_id: int, *, now: datetime) -> None:
    with session_scope(write=True) as session:
        requests.accept(session, professional, request_id=request_id, now=now)


def complete_request(professional: Actor, request_id: int, *, now: datetime) -> None:
    with session_scope(write=True) as session:
        requests.complete(session, professional, request_id=request_id, now=now)


def make_blocked_professional() -> Actor:
    """An approved professional an admin has since blocked."""
    professional = make_approved_professional()
    block(professional)
    return professional


# Every kind of acting user, for role tables: makes a fresh one of each on demand.
ACTOR_KINDS: dict[str, Callable[[], Actor | None]] = {
    'anonymous': lambda: None,
    'customer': make_customer,
    'pending professional': make_professional,
    'approved professional': make_approved_professional,
    'rejected professional': lambda: reject(make_professional()),
    'blocked professional': make_blocked_professional,
    'admin': make_admin,
    'operator': lambda: OPERATOR,
}


def schedule_ran_before(now: datetime) -> None:
    """The site has been running: each daily job has a finished period before `now`'s, so the current one is due
    (a new site's very first daily period is skipped, not run)."""
    settings, before = get_settings(), now - timedelta(days=1)
    with session_scope(write=True) as session:
        for job in runtime.SCHEDULE:
            if job.time_setting:
                period = job.period(before, settings)
                session.add(
                    JobRun(job=job.name, period=period, started_at=before, finished_at=before, summary='earlier')
                )
