"""Service requests in booking order: when each is booked, by whom, where, for which slot, and its row."""

# ruff: noqa: PLR2004 (the distributions below are tuning numbers, named where they are rules of the app)

from __future__ import annotations

import bisect
from collections.abc import Iterator

from bench import lifecycle
from bench.lifecycle import Job
from bench.marketplace import Marketplace, Person
from bench.seed_data import REMARKS, SERVICES
from bench.time_grid import DAY, HOUR, MINUTE, stamp, stamp_or_none


def generate(market: Marketplace, count: int) -> Iterator[tuple[tuple, tuple | None, list[tuple], tuple | None]]:
    """(request row, review row or None, audit events, dismissal row or None) for `count` requests in booking
    order."""
    bookings = _booking_times(market, count)
    demand = [s[4] for s in SERVICES]
    service_indexes = market.rnd.choices(range(len(SERVICES)), demand, k=count)
    weights = [market.rnd.lognormvariate(0, 1.2) for _ in market.customers]
    cumulative = list(_accumulate(weights))
    for index, booked in enumerate(bookings):
        yield _request(market, index + 1, booked, service_indexes[index], cumulative)


def _booking_times(market: Marketplace, count: int) -> list[int]:
    """Busier lately (linear growth) and by day: mornings and evenings, rarely at night."""
    r, grid, start, now = market.rnd, market.grid, market.start, market.now
    hours = list(range(24))
    hour_weights = [1, 0.5, 0.3, 0.2, 0.2, 0.5, 2, 5, 8, 9, 9, 8, 7, 7, 6, 6, 7, 8, 9, 9, 8, 6, 4, 2]
    first_day = bisect.bisect_right(grid.midnights, start) - 1
    days = len(grid.days)
    times = []
    while len(times) < count:
        x = r.random() if r.random() < 0.5 else r.triangular(0, 1, 1)
        moment = start + int(x * (now - start))
        day = bisect.bisect_right(grid.midnights, moment) - 1
        day = min(max(day, first_day), days - 1)
        hour = r.choices(hours, hour_weights)[0]
        moment = grid.midnights[day] + hour * HOUR + r.randrange(HOUR)
        if start <= moment <= now:
            times.append(moment)
    times.sort()
    return times


def _customer(market: Marketplace, booked: int, cumulative: list[float]) -> Person:
    """A few customers book much more than most (the weights); only someone signed up and not blocked by then."""
    r, customers = market.rnd, market.customers
    total = cumulative[-1]
    for _ in range(50):
        person = customers[bisect.bisect_right(cumulative, r.random() * total)]
        if person.created <= booked and (person.blocked is None or booked < person.blocked):
            return person
    while True:  # almost never: fall back to anyone who could book then
        person = r.choice(customers)
        if person.created <= booked and (person.blocked is None or booked < person.blocked):
            return person


def _slot(market: Marketplace, booked: int, minutes: int) -> tuple[int, int, int]:
    """(scheduled_at, day, index): a lead time from hours to weeks, snapped onto the grid inside the horizon."""
    r, grid = market.rnd, market.grid
    while True:
        band = r.random()
        if band < 0.3:
            lead = r.randint(market.lead, DAY)
        elif band < 0.7:
            lead = r.randint(DAY, 7 * DAY)
        elif band < 0.95:
            lead = r.randint(7 * DAY, 30 * DAY)
        else:
            lead = r.randint(30 * DAY, market.horizon - 2 * DAY)
        found = grid.snap(booked + lead, minutes)
        if found is not None:
            day, k = found
            scheduled = grid.starts[day][k]
            if booked + market.lead <= scheduled <= booked + market.horizon:
                return scheduled, day, k


def _request(market: Marketplace, rid: int, booked: int, service: int, cumulative: list[float]) -> tuple:
    r = market.rnd
    service_id, minutes, price = market.services[service]
    customer = _customer(market, booked, cumulative)
    if r.random() < 0.85:  # usually at home, sometimes somewhere else in the same city
        pincode, address = customer.pincode, customer.address
    else:
        pincode = r.choice(market.city_pincodes[market.city_of[customer.pincode]])
        address = market.address(pincode)
    scheduled, day, k = _slot(market, booked, minutes)
    job = Job(
        rid=rid,
        customer=customer,
        booked=booked,
        scheduled=scheduled,
        ends=scheduled + minutes * MINUTE,
        base=day * market.grid.per_day + k,
        slots=market.grid.slots_needed(minutes),
        candidates=market.candidates.get((service, pincode), []),
    )
    job.events.append((booked, customer, 'book', None, None, None))
    lifecycle.decide(market, job)
    row = (
        rid,
        service_id,
        customer.id,
        job.professional.id if job.professional else None,
        job.addressee.id if job.addressee else None,
        job.status.value,
        stamp(booked),
        stamp(scheduled),
        stamp(job.ends),
        minutes,
        price,
        address,
        pincode,
        r.choice(REMARKS) if r.random() < 0.25 else '',
        stamp_or_none(job.accepted if job.professional else None),
        stamp_or_none(job.completed),
        stamp_or_none(job.closed),
        stamp_or_none(job.cancelled),
        job.cancel_reason,
        stamp(max(moment for moment, *_ in job.events)),
    )
    return row, job.review, job.events, job.dismissal


def _accumulate(values: list[float]) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total
