"""Frozen rows of the catalogue and of a customer's search (no lazy loading after the unit ends)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.people import ProfessionalCard


@dataclass(frozen=True, slots=True)
class ServiceRow:
    id: int
    name: str
    category: str
    base_price: int  # paise
    time_required: int  # minutes
    description: str
    is_active: bool
    version: int


@dataclass(frozen=True, slots=True)
class ProfessionalContact:
    """A professional an admin may need to reach (a retired service's, to reassign them)."""

    id: int
    name: str
    email: str
    phone: str


@dataclass(frozen=True, slots=True)
class ServiceOverview:
    """A catalogue entry as admins manage it: who offers it and what is still open on it. A retired service that
    approved professionals are still on is flagged: they get no new requests until the admin reassigns them."""

    service: ServiceRow
    professional_count: int  # approved and not blocked
    pending_count: int  # awaiting approval, not blocked
    open_request_count: int  # requested or assigned
    flagged_professionals: tuple[ProfessionalContact, ...] = ()  # retired only: the approved ones, A to Z (capped)

    @property
    def is_flagged(self) -> bool:
        return not self.service.is_active and self.professional_count > 0


@dataclass(frozen=True, slots=True)
class NearbyPincode:
    """A pincode near the one searched where professionals of a service work."""

    pincode: str
    professional_count: int


@dataclass(frozen=True, slots=True)
class ServiceMatch:
    """A service a customer's search found, with the professionals who serve the searched pincode (best rated first)
    and, when nobody does, the nearby pincodes where some do (closest first)."""

    service: ServiceRow
    professionals: tuple[ProfessionalCard, ...]
    nearby: tuple[NearbyPincode, ...] = ()

    @property
    def bookable(self) -> bool:
        return bool(self.professionals)


@dataclass(frozen=True, slots=True)
class ServiceSearch:
    """What a search found, the bookable services first. When nothing can be booked, `nothing_because` says why and
    `nothing_kind` names the case ('no-service', 'retired', 'no-professional'); both are '' otherwise."""

    text: str
    category: str
    pincode: str
    categories: tuple[str, ...]  # every category on offer, for the search form
    matches: tuple[ServiceMatch, ...]
    nothing_because: str = ''
    nothing_kind: str = ''


@dataclass(frozen=True, slots=True)
class BookingForm:
    """What the booking form offers: the service, the address and pincode to prefill, the professionals serving that
    pincode (one may be chosen already) and the local days that have a free slot."""

    service: ServiceRow
    address: str
    pincode: str
    professionals: tuple[ProfessionalCard, ...]
    chosen_professional_id: int | None
    days: tuple[date, ...]
    timezone: str
