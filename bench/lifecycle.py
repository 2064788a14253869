"""The life of a booked request: addressed, accepted or declined, cancelled, expired, completed, closed and rated."""

# ruff: noqa: PLR2004 (the distributions below are tuning numbers, named where they are rules of the app)

from __future__ import annotations

from dataclasses import dataclass, field

from bench.marketplace import Marketplace, Person
from bench.seed_data import ADMIN_CANCEL_REASONS, CANCEL_REASONS, RATING_WEIGHTS, REVIEW_REMARKS, SUSPENDED
from bench.time_grid import DAY, HOUR, MINUTE, stamp
from models.enums import RequestStatus


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


def decide(market: Marketplace, job: Job) -> None:
    """Everything that happens to a just-booked request up to `now`, in the order the random draws are made."""
    _address_it(market, job)
    _accept(market, job)
    _cancel(market, job)
    _finish(market, job)


def _address_it(market: Marketplace, job: Job) -> None:
    """Some customers ask for one professional at booking (who must be able to take it then)."""
    if job.candidates and market.rnd.random() < 0.08:
        chosen = market.rnd.choice(job.candidates)
        if _eligible(chosen, job.booked, job.scheduled):
            job.addressee = chosen


def _eligible(person: Person, accepted: int, scheduled: int) -> bool:
    """Approved by then, and not blocked before the slot (blocking hands their upcoming jobs back)."""
    return (
        person.decided is not None
        and person.decided <= accepted
        and (person.blocked is None or scheduled < person.blocked)
    )


def _free(person: Person, base: int, slots: int) -> bool:
    """No job of theirs in these grid cells (jobs overlap when a.start < b.end and b.start < a.end)."""
    return not any(person.busy[base : base + slots])


def _accept(market: Marketplace, job: Job) -> None:
    """First come wins, among those who could take it then and have no overlapping job; an addressee who does
    not take it declines first (the request opens to all) or has not answered yet."""
    r, now = market.rnd, market.now
    roll = r.random()
    if roll < 0.6:  # most are taken within hours
        delay = r.expovariate(1 / (2 * HOUR))
    elif roll < 0.97:  # far-ahead bookings are often taken nearer the day
        delay = r.uniform(0.05, 0.9) * (job.scheduled - job.booked)
    else:  # nobody wants it
        delay = 2 * market.horizon
    job.accepted = job.booked + max(MINUTE, int(delay))
    if job.accepted < job.scheduled and job.accepted <= now:
        job.professional = _first_taker(market, job)
    addressee = job.addressee
    if addressee is None or job.professional is addressee:
        return
    if job.professional is None and r.random() < 0.5:
        return  # still waiting for the addressee's answer (or it expired addressed)
    _decline(market, job, addressee)


def _first_taker(market: Marketplace, job: Job) -> Person | None:
    """The addressee if they take it, else the first of a dozen candidates who could (None: nobody)."""
    r, addressee = market.rnd, job.addressee
    if addressee is not None and r.random() < 0.7 and _free(addressee, job.base, job.slots):
        return addressee
    tries = r.sample(job.candidates, min(12, len(job.candidates)))
    return next(
        (
            p
            for p in tries
            if p is not addressee and _eligible(p, job.accepted, job.scheduled) and _free(p, job.base, job.slots)
        ),
        None,
    )


def _decline(market: Marketplace, job: Job, addressee: Person) -> None:
    """The addressee declines before the taker accepted (or before the slot), which dismisses it for them."""
    r = market.rnd
    answer_by = job.accepted if job.professional is not None else min(job.scheduled, market.now)
    declined = job.booked + int(r.random() * max(answer_by - job.booked - 1, 1))
    job.events.append(
        (declined, addressee, 'decline', None, None, {'addressed': True, 'professional_id': addressee.id})
    )
    job.dismissal = (job.rid, addressee.id, stamp(declined))
    job.addressee, job.declined_by = None, addressee


def _cancel(market: Marketplace, job: Job) -> None:
    """The customer cancels (once accepted, only before the cut-off), support cancels, or the customer is
    blocked (their open requests are cancelled)."""
    r, customer = market.rnd, job.customer
    if r.random() < 0.07:
        moment = job.booked + int(r.random() * (min(job.scheduled, market.now) - job.booked))
        if job.professional is None or moment <= job.accepted:
            job.professional = None  # cancelled before anyone accepted
            job.cancel(moment, r.choice(CANCEL_REASONS), customer)
        elif moment <= job.scheduled - market.cutoff:
            job.cancel(moment, r.choice(CANCEL_REASONS), customer)
        elif r.random() < 0.25:
            job.cancel(moment, r.choice(ADMIN_CANCEL_REASONS), 'admin')
    blocked = customer.blocked
    if blocked is not None and blocked < job.scheduled and (job.cancelled is None or blocked < job.cancelled):
        if job.professional is not None and job.accepted >= blocked:
            job.professional = None
        job.cancel(blocked, SUSPENDED, None)


def _finish(market: Marketplace, job: Job) -> None:
    r, now = market.rnd, market.now
    professional = job.professional
    if professional is not None and (job.cancelled is None or job.accepted < job.cancelled):
        job.events.append((job.accepted, professional, 'accept', None, None, None))
    if job.cancelled is not None:
        _record_cancel(job)
        return
    if professional is None:
        expired = job.scheduled + r.randrange(market.duty)
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
        _close(market, job, done)


def _record_cancel(job: Job) -> None:
    job.status = RequestStatus.CANCELLED
    if job.declined_by is not None:
        decline = next(e for e in job.events if e[2] == 'decline')
        if decline[0] > job.cancelled:  # cancelled before the addressee declined: it stays addressed
            job.events.remove(decline)
            job.addressee, job.declined_by, job.dismissal = job.declined_by, None, None
    verb = 'admin_cancel' if job.canceller == 'admin' else 'cancel'
    source = RequestStatus.ASSIGNED if job.professional is not None else RequestStatus.REQUESTED
    job.events.append((job.cancelled, job.canceller, verb, job.cancel_reason, source, None))


def _close(market: Marketplace, job: Job, done: int) -> None:
    """Closed by the customer with a rating, closed automatically (and maybe rated later), or still completed."""
    r, now = market.rnd, market.now
    delay = int(r.expovariate(1 / DAY)) if r.random() < 0.8 else None  # None: never rates
    automatic = done + market.auto_close + r.randrange(market.duty)
    if delay is not None and delay < market.auto_close and done + delay <= now:
        job.status, job.closed = RequestStatus.CLOSED, done + delay
        rating = _rate(market, job.professional)
        job.events.append((job.closed, job.customer, 'close', None, None, {'rating': rating}))
        job.review = _review(market, job, rating, job.closed)
    elif automatic <= now:
        job.status, job.closed = RequestStatus.CLOSED, automatic
        job.events.append((automatic, None, 'auto_close', None, None, None))
        if delay is not None and automatic < done + delay <= min(now, done + market.review_window):
            rating = _rate(market, job.professional)
            job.events.append((done + delay, job.customer, 'review', None, None, {'rating': rating}))
            job.review = _review(market, job, rating, done + delay)


def _rate(market: Marketplace, professional: Person) -> int:
    return market.rnd.choices((1, 2, 3, 4, 5), RATING_WEIGHTS[professional.quality])[0]


def _review(market: Marketplace, job: Job, rating: int, moment: int) -> tuple:
    """The review row, counted into the professional's rating_count / rating_sum as the service does."""
    professional = job.professional
    professional.rating_count += 1
    professional.rating_sum += rating
    return (job.rid, job.customer.id, professional.id, rating, market.rnd.choice(REVIEW_REMARKS), stamp(moment))
