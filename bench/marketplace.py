"""The seeded world the generators share: its clock and rules, the slot grid, the pincodes and the people."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bench.seed_data import AREAS, CITIES, HISTORY_DAYS, LAST_NAMES, STREETS
from bench.time_grid import DAY, HOUR, US, Grid
from models.enums import ApprovalState, Role
from settings import Settings


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


class Marketplace:
    """The state behind the rows (deterministic for a seed and a `now`): people sign up into it, requests read it."""

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

    def address(self, pincode: str) -> str:
        r = self.rnd
        city = CITIES[self.city_of[pincode]][0]
        area = f'{r.choice(LAST_NAMES)} {r.choice(AREAS)}'
        return f'{r.randint(1, 400)} {r.choice(STREETS)}, {area}, {city} {pincode}'
