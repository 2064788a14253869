"""Test data made through the real services; unique values from a counter, keyword overrides."""

from __future__ import annotations

import itertools
from typing import Any

from services import auth, catalog, session_scope, users
from services.views import Actor, ServiceRow, SignedIn

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
        return users.create_admin(session, OPERATOR, **fields)


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
        return users.sign_up_customer(session, **fields)


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
        return users.sign_up_professional(session, **fields)


def sign_in(actor: Actor, password: str = PASSWORD, **kwargs: Any) -> SignedIn:
    return auth.sign_in(actor.email, password, client_ip=kwargs.pop('client_ip', '10.0.0.1'), **kwargs)


def block(actor: Actor, reason: str = 'Fraud reported') -> None:
    with session_scope(write=True) as session:
        users.block_user(session, OPERATOR, user_id=actor.id, reason=reason)
