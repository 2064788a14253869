"""Customers and professionals: when they sign up, where they live and work, approval, blocking and their emails."""

# ruff: noqa: PLR2004 (the distributions below are tuning numbers, named where they are rules of the app)

from __future__ import annotations

import random

from bench.marketplace import Marketplace, Person
from bench.seed_data import BLOCK_REASONS, CITIES, FIRST_NAMES, LAST_NAMES, REJECT_REASONS, SERVICES, UNICODE_NAMES
from bench.time_grid import DAY, HOUR
from models.enums import ApprovalState, Role


def sign_up(market: Marketplace, customers: int, professionals: int, admin_created: int) -> list[Person]:
    """Customers and professionals with ids in sign-up order (after the admin's)."""
    r = market.rnd
    earliest = admin_created + DAY
    for _ in range(customers):
        market.customers.append(_customer(market, earliest))
    supply = [s[4] for s in SERVICES]
    for _ in range(professionals):
        market.professionals.append(_professional(market, r.choices(range(len(SERVICES)), supply)[0], earliest))
    everyone = sorted([*market.customers, *market.professionals], key=lambda p: p.created)
    return everyone


def number(everyone: list[Person], first_id: int) -> None:
    """Ids in sign-up order, and the emails and audit labels made from them."""
    for offset, person in enumerate(everyone):
        person.id = first_id + offset
        first, last = person.name.split(' ', 1) if ' ' in person.name else (person.name, 'x')
        local = ''.join(ch for ch in f'{first}.{last}'.lower() if ch.isascii() and (ch.isalnum() or ch == '.'))
        person.email = f'{local.strip(".") or "user"}{person.id}@{"example.com" if person.id % 3 else "example.in"}'
        person.label = f'{person.name} <{person.email}>'


def _customer(market: Marketplace, earliest: int) -> Person:
    r, start, now = market.rnd, market.start, market.now
    created = r.randint(max(earliest, start - 500 * DAY), start) if r.random() < 0.7 else r.randint(start, now - DAY)
    pincode = r.choices(market.pincodes, market.pincode_weights)[0]
    person = Person(Role.CUSTOMER, created, _name(r), pincode, market.address(pincode))
    person.prefers_dark = r.random() < 0.1
    if r.random() < 0.005 and created < now - 2 * DAY:
        person.blocked = r.randint(max(created + DAY, now - 180 * DAY), now - DAY)
        person.blocked_reason = r.choice(BLOCK_REASONS)
    return person


def _professional(market: Marketplace, service: int, earliest: int) -> Person:
    r = market.rnd
    roll = r.random()
    state = ApprovalState.PENDING if roll < 0.09 else ApprovalState.REJECTED if roll < 0.14 else None
    created = _professional_created(market, state, earliest)
    served = _served_pincodes(market)
    home = sorted(served)[0]
    person = Person(Role.PROFESSIONAL, created, _name(r), home, service=service, pincodes=tuple(sorted(served)))
    person.experience = r.randint(0, 25)
    person.prefers_dark = r.random() < 0.1
    person.quality = r.choices(('good', 'average', 'poor'), (60, 32, 8))[0]
    if state is ApprovalState.PENDING:
        person.state = state
    elif state is ApprovalState.REJECTED:
        person.state, person.reason = state, r.choice(REJECT_REASONS)
        person.decided = created + r.randint(DAY, 5 * DAY)
    else:
        _approve(market, person)
    return person


def _professional_created(market: Marketplace, state: ApprovalState | None, earliest: int) -> int:
    """Pending sign-ups are recent; approved ones (state None) mostly predate the history."""
    r, start, now = market.rnd, market.start, market.now
    if state is ApprovalState.PENDING:
        return r.randint(now - 30 * DAY, now - HOUR)
    if state is ApprovalState.REJECTED:
        return r.randint(start - 100 * DAY, now - 10 * DAY)
    if r.random() < 0.65:
        return r.randint(max(earliest, start - 300 * DAY), start)
    return r.randint(start, now - 20 * DAY)


def _served_pincodes(market: Marketplace) -> set[str]:
    r = market.rnd
    city = r.choices(range(len(CITIES)), [c[3] for c in CITIES])[0]
    local = [
        (code, w)
        for code, w in zip(market.pincodes, market.pincode_weights, strict=True)
        if market.city_of[code] == city
    ]
    served: set[str] = set()
    for _ in range(r.randint(3, 14)):  # busy pincodes are served by more people, but every one by some
        served.add(
            r.choices([c for c, _ in local], [w for _, w in local])[0] if r.random() < 0.6 else r.choice(local)[0]
        )
    return served


def _approve(market: Marketplace, person: Person) -> None:
    """Approved (a few blocked later), with a calendar, and a candidate for their service in each pincode."""
    r, now, grid = market.rnd, market.now, market.grid
    person.decided = min(person.created + r.randint(2 * HOUR, 5 * DAY), now - HOUR)
    person.busy = bytearray(len(grid.days) * grid.per_day)
    if r.random() < 0.015:
        person.blocked = r.randint(max(person.decided + DAY, now - 90 * DAY), now - HOUR)
        person.blocked_reason = r.choice(BLOCK_REASONS)
    for code in person.pincodes:
        market.candidates.setdefault((person.service, code), []).append(person)


def _name(r: random.Random) -> str:
    if r.random() < 0.002:
        return r.choice(UNICODE_NAMES)
    return f'{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}'
