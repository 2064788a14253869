"""Frozen rows the service layer hands to pages and components (no lazy loading after the unit ends)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.enums import ApprovalState, Role


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting. `id=None` is the operator at the command line (manage.py), trusted as an admin."""

    id: int | None
    role: Role
    name: str
    email: str = ''
    approval_state: ApprovalState | None = None  # professionals only
    prefers_dark: bool = False

    @classmethod
    def operator(cls) -> Actor:
        return cls(id=None, role=Role.ADMIN, name='operator (command line)')

    @property
    def is_operator(self) -> bool:
        return self.id is None


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session: the raw token goes into the browser's storage and nowhere else."""

    token: str
    actor: Actor


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
class ProfileView:
    """What the account page shows and edits."""

    name: str
    email: str
    phone: str
    role: Role
    address: str = ''
    pincode: str = ''
    service_name: str = ''
    experience_years: int = 0
    description: str = ''
    pincodes: tuple[str, ...] = ()
    approval_state: ApprovalState | None = None
    approval_reason: str = ''


def format_money(amount: int, currency: str = 'INR') -> str:
    """Minor units as a price label: 49900 -> '₹499.00' (Indian digit grouping is left to later)."""
    symbol = '₹' if currency == 'INR' else f'{currency} '
    return f'{symbol}{amount // 100:,}.{amount % 100:02d}'


@dataclass(frozen=True, slots=True)
class NotificationRow:
    id: int
    kind: str
    message: str
    request_id: int | None
    created_at: datetime
    is_read: bool
