"""Seed a large, valid marketplace for the admin-pages benchmark.

The schema comes from the real migrations, the admin and the catalogue from the real services; everything else
(people, profiles, a million requests, their reviews and audit trail) is bulk-inserted with `sqlite3` and
`executemany`, because the service layer does one request per unit and would take hours.

Every row keeps the rules the services enforce (design.md §3, §7): slots on the local grid and inside the booking
horizon, the service's time and price copied onto the request, a professional who is approved, unblocked at the
time, offers that service in that pincode and has no overlapping job; statuses that follow the lifecycle in time
(a past request is closed, completed, cancelled, expired or still assigned, never requested); reviews within the
review window and each professional's rating_count / rating_sum equal to their reviews. Requests are generated in
booking order, so ids grow with `date_of_request` as they would in production, and the audit trail is copied in
time order for the same reason.
"""

# ruff: noqa: PLR2004 (the distributions below are tuning numbers, named where they are rules of the app)

from __future__ import annotations

import bisect
import json
import math
import random
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from sqlalchemy.dialects import sqlite as sqlite_dialect

from bench import checks
from models.base import UTCDateTime
from models.db import dispose_engines, session_scope
from models.enums import ApprovalState, RequestStatus, Role
from models.migrate import upgrade_to_head
from services import catalog, passwords, users
from services.views import Actor
from settings import Settings, clock_time, get_settings

US = 1_000_000
MINUTE, HOUR, DAY = 60 * US, 3600 * US, 86_400 * US
HISTORY_DAYS = 730  # bookings start this long before now
CHUNK = 50_000  # rows per executemany batch
EPOCH_DAY = date(1970, 1, 1)

SERVICES = [  # name, category, rupees, minutes, demand weight, description
    ('Plumbing', 'Repairs', 499, 60, 14, 'Leaks, taps, drains and geyser fitting.'),
    ('Electrical', 'Repairs', 399, 60, 12, 'Switches, wiring, fans and lights.'),
    ('Carpentry', 'Repairs', 599, 120, 6, 'Doors, hinges, shelves and furniture repair.'),
    ('AC Repair', 'Appliances', 799, 90, 12, 'Service, gas top-up (extra) and repair.'),
    ('Washing Machine Repair', 'Appliances', 549, 60, 6, 'Front and top loaders, all brands.'),
    ('Refrigerator Repair', 'Appliances', 649, 90, 4, 'Cooling, compressors and door seals.'),
    ('Deep Cleaning', 'Cleaning', 2499, 240, 10, 'Whole-home deep cleaning with equipment.'),
    ('Bathroom Cleaning', 'Cleaning', 699, 120, 8, 'Tiles, fittings and descaling.'),
    ('Sofa Cleaning', 'Cleaning', 899, 90, 5, 'Shampoo and vacuum, up to 5 seats.'),
    ('Painting', 'Decor', 4999, 480, 3, 'One room, two coats, materials extra.'),
    ('Pest Control', 'Pest Control', 1199, 120, 7, 'Cockroaches and ants, odourless gel.'),
    ('Salon at Home', 'Beauty', 999, 90, 13, 'Haircut, facial and manicure at home.'),
]
CITIES = [  # name, pincode base, how many pincodes, demand weight
    ('Bengaluru', 560000, 70, 30),
    ('Mumbai', 400000, 70, 25),
    ('Delhi', 110000, 70, 20),
    ('Hyderabad', 500000, 50, 15),
    ('Chennai', 600000, 40, 10),
]
FIRST_NAMES = (
    'Aarav Aditi Akash Ananya Anil Anita Arjun Asha Deepa Deepak Divya Farhan Fatima Gaurav Geeta Harish Imran '
    'Isha Kavya Kiran Lakshmi Manoj Meera Mohan Naveen Neha Nikhil Pooja Pradeep Priya Rahul Rajesh Ravi Rekha '
    'Rohan Sanjay Sneha Suresh Swati Tanvi Usha Varun Vikram Vinod Zoya Ayesha Joseph Mary Thomas Gurpreet'
).split()
LAST_NAMES = (
    'Sharma Verma Iyer Nair Reddy Rao Kumar Singh Gupta Menon Pillai Kulkarni Joshi Patel Shah Das Bose '
    'Chatterjee Banerjee Mukherjee Khan Sheikh Ali Fernandes DSouza Gowda Naidu Yadav Mishra Tiwari Pandey '
    'Agarwal Jain Mehta Desai Kapoor Malhotra Chopra Saxena Bhat'
).split()
UNICODE_NAMES = ('Zoë Fernandes', 'Renée DSouza', 'ಅನಿಲ್ ಕುಮಾರ್', 'प्रिया शर्मा', 'Zoya <Khan>')
STREETS = (
    'MG Road',
    'Church Street',
    'Station Road',
    'Temple Street',
    'Lake View Road',
    'Park Avenue',
    '1st Main',
    '2nd Cross',
    '80 Feet Road',
    '100 Feet Road',
    'Ring Road',
    'Market Road',
)
AREAS = ('Nagar', 'Layout', 'Colony', 'Extension', 'Enclave', 'Gardens', 'Puram', 'Vihar', 'Park', 'Heights')
REMARKS = (
    'Please call before coming.',
    'Gate code 4321.',
    'Second floor, no lift.',
    'Bring a ladder.',
    'Dog at home, friendly.',
    'Parking available in the basement.',
    'Urgent, water leaking.',
    'Weekend preferred next time.',
)
CANCEL_REASONS = (
    'Plans changed.',
    'Fixed it myself.',
    'Booked the wrong slot.',
    'Found someone else.',
    'Travelling that day.',
)
ADMIN_CANCEL_REASONS = ('Customer asked support to cancel.', 'Duplicate booking.', 'Address outside service area.')
SUSPENDED = 'The customer account was suspended.'  # what blocking a customer writes (services/service_requests.py)
REVIEW_REMARKS = ('', '', '', 'Great work.', 'On time and neat.', 'Polite and quick.', 'Left a mess.', 'Came late.')
RATING_WEIGHTS = {  # professional quality -> weights of 1..5 stars
    'good': (1, 1, 4, 25, 69),
    'average': (3, 5, 15, 40, 37),
    'poor': (15, 20, 30, 25, 10),
}
REJECT_REASONS = ('The ID proof is unreadable.', 'Certificate missing.', 'Experience could not be verified.')
BLOCK_REASONS = ('Repeated no-shows.', 'Abusive messages reported.', 'Payment dispute under review.')


def stamp(moment: int) -> str:
    """Microseconds since the epoch (UTC) as the text UTCDateTime stores on SQLite: 'YYYY-MM-DD HH:MM:SS.ffffff'."""
    day, rest = divmod(moment, DAY)
    prefix = _DAY_TEXT.get(day)
    if prefix is None:
        prefix = _DAY_TEXT[day] = f'{(EPOCH_DAY + timedelta(days=day)).isoformat()} '
    seconds, micro = divmod(rest, US)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f'{prefix}{hours:02d}:{minutes:02d}:{seconds:02d}.{micro:06d}'


_DAY_TEXT: dict[int, str] = {}


def micros(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def check_stamp_format() -> None:
    """Our text must be byte-for-byte what the app writes, or ordering and cursors break: compare with the type."""
    bind = UTCDateTime().dialect_impl(sqlite_dialect.dialect()).bind_processor(sqlite_dialect.dialect())
    for moment in (datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), datetime(2031, 12, 31, 23, 59, 59, 7, tzinfo=UTC)):
        ours, theirs = stamp(micros(moment)), bind(moment)
        if ours != theirs:
            raise SystemExit(f'datetime text differs from UTCDateTime: {ours!r} != {theirs!r}')


# --- the slot grid --------------------------------------------------------------------------------------------------


class Grid:
    """The local slot grid (services/slots.py) for every day of the seeded period, as UTC microseconds."""

    def __init__(self, settings: Settings, first: date, last: date) -> None:
        zone, step = settings.zone, timedelta(minutes=settings.slot_minutes)
        self.first, self.step = first, settings.slot_minutes
        self.days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        self.midnights = [micros(datetime.combine(d, clock.min, zone)) for d in [*self.days, last + timedelta(1)]]
        self.starts: list[list[int]] = []
        self.day_ends: list[int] = []
        for day in self.days:
            start = datetime.combine(day, clock_time(settings.day_start), zone)
            end = datetime.combine(day, clock_time(settings.day_end), zone)
            starts = []
            while start < end:
                starts.append(micros(start))
                start = (start.astimezone(UTC) + step).astimezone(zone)
            self.starts.append(starts)
            self.day_ends.append(micros(end))
        self.per_day = max(len(s) for s in self.starts)
        self._last: dict[int, list[int]] = {}

    def last_start(self, minutes: int) -> list[int]:
        """Per day, the index of the last start that still ends by day_end (-1: none)."""
        found = self._last.get(minutes)
        if found is None:
            length = minutes * MINUTE
            found = self._last[minutes] = [
                max((k for k, s in enumerate(starts) if s + length <= end), default=-1)
                for starts, end in zip(self.starts, self.day_ends, strict=True)
            ]
        return found

    def snap(self, moment: int, minutes: int) -> tuple[int, int] | None:
        """The first grid start at or after `moment` that fits a job of `minutes`, as (day, index)."""
        day = bisect.bisect_right(self.midnights, moment) - 1
        last = self.last_start(minutes)
        while 0 <= day < len(self.days):
            starts = self.starts[day]
            k = bisect.bisect_left(starts, moment)
            if k <= last[day]:
                return day, k
            day, moment = day + 1, 0
        return None

    def slots_needed(self, minutes: int) -> int:
        return math.ceil(minutes / self.step)


# --- people ---------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Person:
    role: Role
    created: int
    name: str
    pincode: str = ''
    address: str = ''
    blocked: int | None = None
    blocked_reason: str | None = None
    prefers_dark: bool = False
    id: int = 0
    label: str = ''
    email: str = ''
    # professionals
    service: int = 0
    pincodes: tuple[str, ...] = ()
    state: ApprovalState = ApprovalState.APPROVED
    decided: int | None = None
    reason: str | None = None
    quality: str = 'good'
    experience: int = 0
    busy: bytearray = field(default_factory=bytearray)
    rating_count: int = 0
    rating_sum: int = 0


@dataclass(slots=True)
class Job:
    """One request while its life is decided: times in UTC microseconds, people as Person."""

    rid: int
    customer: Person
    booked: int
    scheduled: int
    ends: int
    base: int  # first grid cell it occupies in a professional's calendar
    slots: int  # how many cells
    candidates: list[Person]
    events: list[tuple] = field(default_factory=list)  # (when, actor, verb, reason, source status, details)
    addressee: Person | None = None
    professional: Person | None = None
    accepted: int = 0
    status: RequestStatus = RequestStatus.REQUESTED
    completed: int | None = None
    closed: int | None = None
    cancelled: int | None = None
    cancel_reason: str | None = None
    canceller: Person | str | None = None  # 'admin', or None for the system
    review: tuple | None = None
    dismissal: tuple | None = None
    declined_by: Person | None = None

    def cancel(self, moment: int, reason: str, who: Person | str | None) -> None:
        self.cancelled, self.cancel_reason, self.canceller = moment, reason, who


@dataclass(slots=True)
class Counts:
    rows: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)


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


class Marketplace:
    """Generates the rows (deterministic for a seed and a `now`) and hands them to the writer in chunks."""

    def __init__(self, rnd: random.Random, settings: Settings, now: int, services: list[tuple[int, int, int]]) -> None:
        self.rnd, self.settings, self.now = rnd, settings, now
        self.services = services  # (id, minutes, price) in SERVICES order
        self.start = now - HISTORY_DAYS * DAY
        zone = settings.zone
        first = datetime.fromtimestamp(self.start / US, UTC).astimezone(zone).date() - timedelta(days=1)
        last = datetime.fromtimestamp(now / US, UTC).astimezone(zone).date() + timedelta(days=settings.horizon_days + 1)
        self.grid = Grid(settings, first, last)
        self.lead = settings.min_lead_hours * HOUR
        self.horizon = settings.horizon_days * DAY
        self.cutoff = settings.cancel_cutoff_hours * HOUR
        self.auto_close = settings.auto_close_days * DAY
        self.review_window = settings.review_window_days * DAY
        self.duty = settings.duty_interval_seconds * US
        self.pincodes, self.pincode_weights, self.city_of = self._pincodes()
        self.city_pincodes = [[c for c in self.pincodes if self.city_of[c] == city] for city in range(len(CITIES))]
        self.customers: list[Person] = []
        self.professionals: list[Person] = []
        self.candidates: dict[tuple[int, str], list[Person]] = {}
        self.admin_id, self.admin_label = 0, ''

    # --- places and people

    def _pincodes(self) -> tuple[list[str], list[float], dict[str, int]]:
        codes, weights, city_of = [], [], {}
        for city, (_, base, count, weight) in enumerate(CITIES):
            numbers = sorted(self.rnd.sample(range(1, 100 + count), count))
            popularity = [1 / (rank + 1) ** 0.8 for rank in range(count)]
            self.rnd.shuffle(popularity)
            total = sum(popularity)
            for number, share in zip(numbers, popularity, strict=True):
                code = str(base + number)
                codes.append(code)
                weights.append(weight * share / total)
                city_of[code] = city
        return codes, weights, city_of

    def _address(self, pincode: str) -> str:
        r = self.rnd
        city = CITIES[self.city_of[pincode]][0]
        area = f'{r.choice(LAST_NAMES)} {r.choice(AREAS)}'
        return f'{r.randint(1, 400)} {r.choice(STREETS)}, {area}, {city} {pincode}'

    def _name(self) -> str:
        if self.rnd.random() < 0.002:
            return self.rnd.choice(UNICODE_NAMES)
        return f'{self.rnd.choice(FIRST_NAMES)} {self.rnd.choice(LAST_NAMES)}'

    def people(self, customers: int, professionals: int, admin_created: int) -> list[Person]:
        """Customers and professionals with ids in sign-up order (after the admin's)."""
        r, start, now = self.rnd, self.start, self.now
        earliest = admin_created + DAY
        for _ in range(customers):
            created = (
                r.randint(max(earliest, start - 500 * DAY), start) if r.random() < 0.7 else r.randint(start, now - DAY)
            )
            pincode = r.choices(self.pincodes, self.pincode_weights)[0]
            person = Person(Role.CUSTOMER, created, self._name(), pincode, self._address(pincode))
            person.prefers_dark = r.random() < 0.1
            if r.random() < 0.005 and created < now - 2 * DAY:
                person.blocked = r.randint(max(created + DAY, now - 180 * DAY), now - DAY)
                person.blocked_reason = r.choice(BLOCK_REASONS)
            self.customers.append(person)
        supply = [s[4] for s in SERVICES]
        for _ in range(professionals):
            self.professionals.append(self._professional(r.choices(range(len(SERVICES)), supply)[0], earliest))
        everyone = sorted([*self.customers, *self.professionals], key=lambda p: p.created)
        return everyone

    def _professional(self, service: int, earliest: int) -> Person:
        r, start, now = self.rnd, self.start, self.now
        roll = r.random()
        state = ApprovalState.PENDING if roll < 0.09 else ApprovalState.REJECTED if roll < 0.14 else None
        if state is ApprovalState.PENDING:
            created = r.randint(now - 30 * DAY, now - HOUR)
        elif state is ApprovalState.REJECTED:
            created = r.randint(start - 100 * DAY, now - 10 * DAY)
        elif r.random() < 0.65:
            created = r.randint(max(earliest, start - 300 * DAY), start)
        else:
            created = r.randint(start, now - 20 * DAY)
        city = r.choices(range(len(CITIES)), [c[3] for c in CITIES])[0]
        local = [
            (code, w) for code, w in zip(self.pincodes, self.pincode_weights, strict=True) if self.city_of[code] == city
        ]
        served: set[str] = set()
        for _ in range(r.randint(3, 14)):  # busy pincodes are served by more people, but every one by some
            served.add(
                r.choices([c for c, _ in local], [w for _, w in local])[0] if r.random() < 0.6 else r.choice(local)[0]
            )
        home = sorted(served)[0]
        person = Person(Role.PROFESSIONAL, created, self._name(), home, service=service, pincodes=tuple(sorted(served)))
        person.experience = r.randint(0, 25)
        person.prefers_dark = r.random() < 0.1
        person.quality = r.choices(('good', 'average', 'poor'), (60, 32, 8))[0]
        if state is ApprovalState.PENDING:
            person.state = state
        elif state is ApprovalState.REJECTED:
            person.state, person.reason = state, r.choice(REJECT_REASONS)
            person.decided = created + r.randint(DAY, 5 * DAY)
        else:
            person.decided = min(created + r.randint(2 * HOUR, 5 * DAY), now - HOUR)
            person.busy = bytearray(len(self.grid.days) * self.grid.per_day)
            if r.random() < 0.015:
                person.blocked = r.randint(max(person.decided + DAY, now - 90 * DAY), now - HOUR)
                person.blocked_reason = r.choice(BLOCK_REASONS)
            for code in person.pincodes:
                self.candidates.setdefault((service, code), []).append(person)
        return person

    def number(self, everyone: list[Person], first_id: int) -> None:
        for offset, person in enumerate(everyone):
            person.id = first_id + offset
            first, last = person.name.split(' ', 1) if ' ' in person.name else (person.name, 'x')
            local = ''.join(ch for ch in f'{first}.{last}'.lower() if ch.isascii() and (ch.isalnum() or ch == '.'))
            person.email = f'{local.strip(".") or "user"}{person.id}@{"example.com" if person.id % 3 else "example.in"}'
            person.label = f'{person.name} <{person.email}>'

    # --- requests

    def requests(self, count: int) -> Iterator[tuple[tuple, tuple | None, list[tuple], tuple | None]]:
        """(request row, review row or None, audit events, dismissal row or None) for `count` requests in booking
        order."""
        bookings = self._booking_times(count)
        demand = [s[4] for s in SERVICES]
        service_indexes = self.rnd.choices(range(len(SERVICES)), demand, k=count)
        weights = [self.rnd.lognormvariate(0, 1.2) for _ in self.customers]
        cumulative = list(_accumulate(weights))
        for index, booked in enumerate(bookings):
            yield self._request(index + 1, booked, service_indexes[index], cumulative)

    def _booking_times(self, count: int) -> list[int]:
        """Busier lately (linear growth) and by day: mornings and evenings, rarely at night."""
        r, grid = self.rnd, self.grid
        hours = list(range(24))
        hour_weights = [1, 0.5, 0.3, 0.2, 0.2, 0.5, 2, 5, 8, 9, 9, 8, 7, 7, 6, 6, 7, 8, 9, 9, 8, 6, 4, 2]
        first_day = bisect.bisect_right(grid.midnights, self.start) - 1
        days = len(grid.days)
        times = []
        while len(times) < count:
            x = r.random() if r.random() < 0.5 else r.triangular(0, 1, 1)
            moment = self.start + int(x * (self.now - self.start))
            day = bisect.bisect_right(grid.midnights, moment) - 1
            day = min(max(day, first_day), days - 1)
            hour = r.choices(hours, hour_weights)[0]
            moment = grid.midnights[day] + hour * HOUR + r.randrange(HOUR)
            if self.start <= moment <= self.now:
                times.append(moment)
        times.sort()
        return times

    def _customer(self, booked: int, cumulative: list[float]) -> Person:
        r, customers = self.rnd, self.customers
        total = cumulative[-1]
        for _ in range(50):
            person = customers[bisect.bisect_right(cumulative, r.random() * total)]
            if person.created <= booked and (person.blocked is None or booked < person.blocked):
                return person
        while True:  # almost never: fall back to anyone who could book then
            person = r.choice(customers)
            if person.created <= booked and (person.blocked is None or booked < person.blocked):
                return person

    def _slot(self, booked: int, minutes: int) -> tuple[int, int, int]:
        """(scheduled_at, day, index): a lead time from hours to weeks, snapped onto the grid inside the horizon."""
        r = self.rnd
        while True:
            band = r.random()
            if band < 0.3:
                lead = r.randint(self.lead, DAY)
            elif band < 0.7:
                lead = r.randint(DAY, 7 * DAY)
            elif band < 0.95:
                lead = r.randint(7 * DAY, 30 * DAY)
            else:
                lead = r.randint(30 * DAY, self.horizon - 2 * DAY)
            found = self.grid.snap(booked + lead, minutes)
            if found is not None:
                day, k = found
                scheduled = self.grid.starts[day][k]
                if booked + self.lead <= scheduled <= booked + self.horizon:
                    return scheduled, day, k

    def _eligible(self, person: Person, accepted: int, scheduled: int) -> bool:
        """Approved by then, and not blocked before the slot (blocking hands their upcoming jobs back)."""
        return (
            person.decided is not None
            and person.decided <= accepted
            and (person.blocked is None or scheduled < person.blocked)
        )

    @staticmethod
    def _free(person: Person, base: int, slots: int) -> bool:
        """No job of theirs in these grid cells (jobs overlap when a.start < b.end and b.start < a.end)."""
        return not any(person.busy[base : base + slots])

    def _request(self, rid: int, booked: int, service: int, cumulative: list[float]) -> tuple:
        r = self.rnd
        service_id, minutes, price = self.services[service]
        customer = self._customer(booked, cumulative)
        if r.random() < 0.85:  # usually at home, sometimes somewhere else in the same city
            pincode, address = customer.pincode, customer.address
        else:
            pincode = r.choice(self.city_pincodes[self.city_of[customer.pincode]])
            address = self._address(pincode)
        scheduled, day, k = self._slot(booked, minutes)
        job = Job(
            rid=rid,
            customer=customer,
            booked=booked,
            scheduled=scheduled,
            ends=scheduled + minutes * MINUTE,
            base=day * self.grid.per_day + k,
            slots=self.grid.slots_needed(minutes),
            candidates=self.candidates.get((service, pincode), []),
        )
        job.events.append((booked, customer, 'book', None, None, None))
        self._address_it(job)
        self._accept(job)
        self._cancel(job)
        self._finish(job)
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
            _stamp_or_none(job.accepted if job.professional else None),
            _stamp_or_none(job.completed),
            _stamp_or_none(job.closed),
            _stamp_or_none(job.cancelled),
            job.cancel_reason,
            stamp(max(moment for moment, *_ in job.events)),
        )
        return row, job.review, job.events, job.dismissal

    def _address_it(self, job: Job) -> None:
        """Some customers ask for one professional at booking (who must be able to take it then)."""
        if job.candidates and self.rnd.random() < 0.08:
            chosen = self.rnd.choice(job.candidates)
            if self._eligible(chosen, job.booked, job.scheduled):
                job.addressee = chosen

    def _accept(self, job: Job) -> None:
        """First come wins, among those who could take it then and have no overlapping job; an addressee who does
        not take it declines first (the request opens to all) or has not answered yet."""
        r, now = self.rnd, self.now
        roll = r.random()
        if roll < 0.6:  # most are taken within hours
            delay = r.expovariate(1 / (2 * HOUR))
        elif roll < 0.97:  # far-ahead bookings are often taken nearer the day
            delay = r.uniform(0.05, 0.9) * (job.scheduled - job.booked)
        else:  # nobody wants it
            delay = 2 * self.horizon
        job.accepted = job.booked + max(MINUTE, int(delay))
        if job.accepted < job.scheduled and job.accepted <= now:
            addressee = job.addressee
            if addressee is not None and r.random() < 0.7 and self._free(addressee, job.base, job.slots):
                job.professional = addressee
            else:
                tries = r.sample(job.candidates, min(12, len(job.candidates)))
                job.professional = next(
                    (
                        p
                        for p in tries
                        if p is not addressee
                        and self._eligible(p, job.accepted, job.scheduled)
                        and self._free(p, job.base, job.slots)
                    ),
                    None,
                )
        addressee = job.addressee
        if addressee is None or job.professional is addressee:
            return
        if job.professional is None and r.random() < 0.5:
            return  # still waiting for the addressee's answer (or it expired addressed)
        answer_by = job.accepted if job.professional is not None else min(job.scheduled, now)
        declined = job.booked + int(r.random() * max(answer_by - job.booked - 1, 1))
        job.events.append(
            (declined, addressee, 'decline', None, None, {'addressed': True, 'professional_id': addressee.id})
        )
        job.dismissal = (job.rid, addressee.id, stamp(declined))
        job.addressee, job.declined_by = None, addressee

    def _cancel(self, job: Job) -> None:
        """The customer cancels (once accepted, only before the cut-off), support cancels, or the customer is
        blocked (their open requests are cancelled)."""
        r, customer = self.rnd, job.customer
        if r.random() < 0.07:
            moment = job.booked + int(r.random() * (min(job.scheduled, self.now) - job.booked))
            if job.professional is None or moment <= job.accepted:
                job.professional = None  # cancelled before anyone accepted
                job.cancel(moment, r.choice(CANCEL_REASONS), customer)
            elif moment <= job.scheduled - self.cutoff:
                job.cancel(moment, r.choice(CANCEL_REASONS), customer)
            elif r.random() < 0.25:
                job.cancel(moment, r.choice(ADMIN_CANCEL_REASONS), 'admin')
        blocked = customer.blocked
        if blocked is not None and blocked < job.scheduled and (job.cancelled is None or blocked < job.cancelled):
            if job.professional is not None and job.accepted >= blocked:
                job.professional = None
            job.cancel(blocked, SUSPENDED, None)

    def _finish(self, job: Job) -> None:
        r, now = self.rnd, self.now
        professional = job.professional
        if professional is not None and (job.cancelled is None or job.accepted < job.cancelled):
            job.events.append((job.accepted, professional, 'accept', None, None, None))
        if job.cancelled is not None:
            job.status = RequestStatus.CANCELLED
            if job.declined_by is not None:
                decline = next(e for e in job.events if e[2] == 'decline')
                if decline[0] > job.cancelled:  # cancelled before the addressee declined: it stays addressed
                    job.events.remove(decline)
                    job.addressee, job.declined_by, job.dismissal = job.declined_by, None, None
            verb = 'admin_cancel' if job.canceller == 'admin' else 'cancel'
            source = RequestStatus.ASSIGNED if professional is not None else RequestStatus.REQUESTED
            job.events.append((job.cancelled, job.canceller, verb, job.cancel_reason, source, None))
            return
        if professional is None:
            expired = job.scheduled + r.randrange(self.duty)
            if job.scheduled <= now and expired <= now:  # the expiry duty runs every duty_interval_seconds
                job.status = RequestStatus.EXPIRED
                job.events.append((expired, None, 'expire', None, None, None))
            return
        professional.busy[job.base : job.base + job.slots] = b'\x01' * job.slots
        job.status = RequestStatus.ASSIGNED
        late = r.randint(-30 * MINUTE, 90 * MINUTE) if r.random() < 0.9 else int(r.expovariate(1 / DAY))
        done = max(job.ends + late, job.scheduled + MINUTE)
        if done <= now:
            job.status, job.completed = RequestStatus.COMPLETED, done
            job.events.append((done, professional, 'complete', None, None, None))
            self._close(job, done)

    def _close(self, job: Job, done: int) -> None:
        """Closed by the customer with a rating, closed automatically (and maybe rated later), or still completed."""
        r, now = self.rnd, self.now
        delay = int(r.expovariate(1 / DAY)) if r.random() < 0.8 else None  # None: never rates
        automatic = done + self.auto_close + r.randrange(self.duty)
        if delay is not None and delay < self.auto_close and done + delay <= now:
            job.status, job.closed = RequestStatus.CLOSED, done + delay
            rating = self._rate(job.professional)
            job.events.append((job.closed, job.customer, 'close', None, None, {'rating': rating}))
            job.review = self._review(job, rating, job.closed)
        elif automatic <= now:
            job.status, job.closed = RequestStatus.CLOSED, automatic
            job.events.append((automatic, None, 'auto_close', None, None, None))
            if delay is not None and automatic < done + delay <= min(now, done + self.review_window):
                rating = self._rate(job.professional)
                job.events.append((done + delay, job.customer, 'review', None, None, {'rating': rating}))
                job.review = self._review(job, rating, done + delay)

    def _rate(self, professional: Person) -> int:
        return self.rnd.choices((1, 2, 3, 4, 5), RATING_WEIGHTS[professional.quality])[0]

    def _review(self, job: Job, rating: int, moment: int) -> tuple:
        professional = job.professional
        professional.rating_count += 1
        professional.rating_sum += rating
        return (job.rid, job.customer.id, professional.id, rating, self.rnd.choice(REVIEW_REMARKS), stamp(moment))


def _stamp_or_none(moment: int | None) -> str | None:
    return None if moment is None else stamp(moment)


def _accumulate(values: list[float]) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total


# --- audit rows -------------------------------------------------------------------------------------------------------

TARGETS = {  # verb -> (status before, status after) as services/request_rules.announce records them
    'book': (None, RequestStatus.REQUESTED),
    'decline': (RequestStatus.REQUESTED, RequestStatus.REQUESTED),
    'accept': (RequestStatus.REQUESTED, RequestStatus.ASSIGNED),
    'complete': (RequestStatus.ASSIGNED, RequestStatus.COMPLETED),
    'close': (RequestStatus.COMPLETED, RequestStatus.CLOSED),
    'auto_close': (RequestStatus.COMPLETED, RequestStatus.CLOSED),
    'review': (RequestStatus.CLOSED, RequestStatus.CLOSED),
    'expire': (RequestStatus.REQUESTED, RequestStatus.EXPIRED),
    'cancel': (None, RequestStatus.CANCELLED),
    'admin_cancel': (None, RequestStatus.CANCELLED),
}


def _details(source: RequestStatus | None, target: RequestStatus, extra: dict[str, object] | None) -> str:
    return json.dumps({'from': source and source.value, 'to': target.value, **(extra or {})})


class AuditWriter:
    """Turns (when, actor, verb, reason, source, extra details) into audit_event rows as services/audit.py and
    request_rules.announce write them."""

    def __init__(self, admin_id: int, admin_label: str) -> None:
        self.admin_id, self.admin_label = admin_id, admin_label
        self._details: dict[tuple, str] = {}

    def rows(self, request_id: int, events: list[tuple]) -> Iterator[tuple]:
        for moment, actor, verb, reason, source, extra in events:
            before, after = TARGETS[verb]
            before = source or before
            if extra is None or 'rating' in extra:  # a handful of distinct texts: make each once
                key = (before, after, extra and extra['rating'])
                details = self._details.get(key)
                if details is None:
                    details = self._details[key] = _details(before, after, extra)
            else:
                details = _details(before, after, extra)
            if actor == 'admin':
                actor_id, label = self.admin_id, self.admin_label
            elif actor is None:
                actor_id, label = None, 'system'
            else:
                actor_id, label = actor.id, actor.label
            yield (stamp(moment), actor_id, label, f'request.{verb}', 'service_request', request_id, reason, details)


# --- the run ----------------------------------------------------------------------------------------------------------


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
    now = micros(now_dt)
    history_start = now_dt - timedelta(days=HISTORY_DAYS)
    admin_created = history_start - timedelta(days=600)

    log(f'migrating {settings.effective_database_url}')
    upgrade_to_head()
    admin_password, user_password = secrets.token_urlsafe(12), secrets.token_urlsafe(9)
    admin_email = 'admin@bench.example.com'
    with session_scope(write=True) as session:
        admin = users.create_admin(
            session,
            Actor.operator(),
            name='Bench Admin',
            email=admin_email,
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
    user_hash = passwords.hash_new(user_password)  # one bcrypt hash (the configured rounds) shared by seeded users
    dispose_engines()

    market = Marketplace(rnd, settings, now, service_rows)
    market.admin_id, market.admin_label = admin.id, f'{admin.name} <{admin.email}>'
    log(f'generating {customers:,} customers and {professionals:,} professionals')
    everyone = market.people(customers, professionals, micros(admin_created))
    market.number(everyone, admin.id + 1)

    path = settings.data_path / 'hsa.db'
    connection = sqlite3.connect(path, isolation_level=None)
    counts = Counts()
    try:
        _bulk_pragmas(connection)
        _write_people(connection, everyone, user_hash, market, counts)
        _write_requests(connection, market, requests, audit, counts, log)
        _write_ratings(connection, market)
        problems = len(connection.execute('PRAGMA foreign_key_check').fetchall())
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
    finally:
        connection.close()
    sample_customer = next(p.email for p in market.customers if p.blocked is None)
    sample_professional = next(
        p.email for p in market.professionals if p.state is ApprovalState.APPROVED and p.blocked is None
    )
    return SeedResult(
        admin_email=admin_email,
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


def _bulk_pragmas(connection: sqlite3.Connection) -> None:
    """Only while seeding: no journal and no fsync (a crash means seeding again), a big page cache, sorts in memory.
    With WAL every page of a gigabyte-sized load would be written twice (to the WAL, then checkpointed), which made
    seeding about a minute slower; the file is switched back to WAL at the end and the app's own connections use
    synchronous=FULL (models/db.py)."""
    connection.execute('PRAGMA journal_mode=OFF')  # no rollback journal, no WAL: every page is written once
    connection.execute('PRAGMA synchronous=OFF')
    connection.execute('PRAGMA cache_size=-400000')  # KiB: 400 MB
    connection.execute('PRAGMA temp_store=MEMORY')
    connection.execute('PRAGMA foreign_keys=OFF')  # checked once at the end with PRAGMA foreign_key_check


def _write_people(
    connection: sqlite3.Connection, everyone: list[Person], password_hash: str, market: Marketplace, counts: Counts
) -> None:
    user_rows, customer_rows, professional_rows, pincode_rows, audit_rows = [], [], [], [], []
    admin_id, admin_label = market.admin_id, market.admin_label
    for p in everyone:
        created = stamp(p.created)
        user_rows.append(
            (
                p.id,
                p.role.value,
                p.name,
                p.email,
                f'+91{9_000_000_000 + p.id}',
                password_hash,
                p.blocked is not None,
                p.blocked_reason,
                stamp(p.blocked) if p.blocked else None,
                p.prefers_dark,
                created,
                created,
            )
        )
        if p.role is Role.CUSTOMER:
            customer_rows.append((p.id, p.address, p.pincode))
        else:
            professional_rows.append(
                (
                    p.id,
                    market.services[p.service][0],
                    p.experience,
                    f'{p.experience} years of {SERVICES[p.service][0].lower()} work. Own tools.',
                    p.state.value,
                    p.reason,
                    stamp(p.decided) if p.decided else None,
                    None,  # submitted_at: as signed up
                )
            )
            pincode_rows.extend((p.id, code) for code in p.pincodes)
            if p.decided is not None:
                after = 'approved' if p.state is ApprovalState.APPROVED else 'rejected'
                audit_rows.append(
                    (
                        stamp(p.decided),
                        admin_id,
                        admin_label,
                        'professional.approve' if p.state is ApprovalState.APPROVED else 'professional.reject',
                        'professional',
                        p.id,
                        p.reason,
                        json.dumps({'approval_state': ['pending', after]}),
                    )
                )
        if p.blocked is not None:
            audit_rows.append(
                (stamp(p.blocked), admin_id, admin_label, 'user.block', 'user', p.id, p.blocked_reason, '{}')
            )
    connection.execute('BEGIN')
    connection.executemany(f'INSERT INTO "user" {_columns(12)}', user_rows)
    connection.executemany('INSERT INTO customer_profile VALUES (?, ?, ?)', customer_rows)
    connection.executemany(
        'INSERT INTO professional_profile (user_id, service_id, experience_years, description, approval_state, '
        'approval_reason, approval_decided_at, submitted_at, rating_count, rating_sum) '
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0)',
        professional_rows,
    )
    connection.executemany('INSERT INTO professional_pincode VALUES (?, ?)', pincode_rows)
    connection.execute(_AUDIT_TEMP)
    connection.executemany(f'INSERT INTO bench_audit VALUES {_values(8)}', audit_rows)
    connection.execute('COMMIT')
    counts.rows.update(
        {
            'user (seeded)': len(user_rows),
            'customer_profile': len(customer_rows),
            'professional_profile': len(professional_rows),
            'professional_pincode': len(pincode_rows),
        }
    )


_AUDIT_TEMP = (
    'CREATE TEMP TABLE bench_audit (occurred_at TEXT, actor_id INTEGER, actor_label TEXT, action TEXT, '
    'target_type TEXT, target_id INTEGER, reason TEXT, details TEXT)'
)
_USER_COLUMNS = (
    'id, role, name, email, phone, password_hash, is_blocked, blocked_reason, blocked_at, prefers_dark, '
    'created_at, password_changed_at'
)


def _columns(count: int) -> str:
    return f'({_USER_COLUMNS}) VALUES {_values(count)}'


def _values(count: int) -> str:
    return f'({", ".join("?" * count)})'


def _indexes(connection: sqlite3.Connection, *tables: str) -> list[str]:
    marks = ', '.join('?' * len(tables))
    query = f"SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})"
    return [sql for (sql,) in connection.execute(query, tables)]


REQUEST_COLUMNS = (
    'id, service_id, customer_id, professional_id, requested_professional_id, service_status, date_of_request, '
    'scheduled_at, ends_at, time_required, price, address, pincode, remarks, assigned_at, date_of_completion, '
    'closed_at, cancelled_at, cancel_reason, updated_at'
)
REQUEST_SQL = f'INSERT INTO service_request ({REQUEST_COLUMNS}) VALUES {_values(20)}'
REVIEW_SQL = 'INSERT INTO review (request_id, customer_id, professional_id, rating, remarks, created_at) VALUES {}'
DISMISSAL_SQL = 'INSERT INTO request_dismissal (request_id, professional_id, dismissed_at) VALUES (?, ?, ?)'
AUDIT_COLUMNS = 'occurred_at, actor_id, actor_label, action, target_type, target_id, reason, details'


class _Batch:
    """Rows waiting for one executemany per table."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.requests: list[tuple] = []
        self.reviews: list[tuple] = []
        self.dismissals: list[tuple] = []
        self.audits: list[tuple] = []
        self.written = {'service_request': 0, 'review': 0, 'request_dismissal': 0}

    def flush(self) -> None:
        self.connection.executemany(REQUEST_SQL, self.requests)
        self.connection.executemany(REVIEW_SQL.format(_values(6)), self.reviews)
        self.connection.executemany(DISMISSAL_SQL, self.dismissals)
        self.connection.executemany(f'INSERT INTO bench_audit VALUES {_values(8)}', self.audits)
        self.written['service_request'] += len(self.requests)
        self.written['review'] += len(self.reviews)
        self.written['request_dismissal'] += len(self.dismissals)
        self.requests, self.reviews, self.dismissals, self.audits = [], [], [], []


def _write_requests(
    connection: sqlite3.Connection,
    market: Marketplace,
    count: int,
    audit: str,
    counts: Counts,
    log: Callable[[str], None],
) -> None:
    """Requests, reviews and dismissals in chunks, with the secondary indexes dropped while loading and built
    afterwards (one sort per index instead of a million random inserts); the audit trail goes through a temp table
    so that it can be copied in time order."""
    indexes = _indexes(connection, 'service_request', 'review', 'request_dismissal', 'audit_event')
    for sql in indexes:
        connection.execute(f'DROP INDEX {sql.split()[2]}')
    writer = AuditWriter(market.admin_id, market.admin_label)
    batch = _Batch(connection)
    started = time.perf_counter()
    connection.execute('BEGIN')
    for row, review, events, dismissal in market.requests(count):
        batch.requests.append(row)
        counts.statuses[row[5]] = counts.statuses.get(row[5], 0) + 1
        if review is not None:
            batch.reviews.append(review)
        if dismissal is not None:
            batch.dismissals.append(dismissal)
        if audit != 'none':
            batch.audits.extend(writer.rows(row[0], events if audit == 'all' else events[:1]))
        if len(batch.requests) >= CHUNK:
            batch.flush()
            if batch.written['service_request'] % (CHUNK * 4) == 0:
                log(f'  {batch.written["service_request"]:,} requests ({time.perf_counter() - started:.0f} s)')
    batch.flush()
    connection.execute('COMMIT')
    log(
        f'  {batch.written["service_request"]:,} requests generated and written ({time.perf_counter() - started:.0f} s)'
    )
    started = time.perf_counter()
    connection.execute('BEGIN')
    connection.execute(
        f'INSERT INTO audit_event ({AUDIT_COLUMNS}) SELECT {AUDIT_COLUMNS} FROM bench_audit ORDER BY occurred_at'
    )
    connection.execute('DROP TABLE bench_audit')
    connection.execute('COMMIT')
    log(f'  audit trail copied in time order ({time.perf_counter() - started:.0f} s)')
    started = time.perf_counter()
    connection.execute('BEGIN')
    for sql in indexes:
        connection.execute(sql)
    connection.execute('COMMIT')
    log(f'  {len(indexes)} indexes built again ({time.perf_counter() - started:.0f} s)')
    counts.rows.update(batch.written)
    counts.rows['audit_event'] = connection.execute('SELECT count(*) FROM audit_event').fetchone()[0]


def _write_ratings(connection: sqlite3.Connection, market: Marketplace) -> None:
    connection.execute('BEGIN')
    connection.executemany(
        'UPDATE professional_profile SET rating_count = ?, rating_sum = ? WHERE user_id = ?',
        [(p.rating_count, p.rating_sum, p.id) for p in market.professionals if p.rating_count],
    )
    connection.execute('COMMIT')
