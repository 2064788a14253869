"""Rows every domain shares: who is acting, the capped count of a long list, and money as a label."""

from __future__ import annotations

from dataclasses import dataclass

from models.enums import ApprovalState, Role


class CountedPage:
    """What every long list's page shares: a count that stops at a cap, shown as '42' or '10,000+'."""

    __slots__ = ()
    total: int
    total_capped: bool

    @property
    def total_label(self) -> str:
        return f'{self.total:,}+' if self.total_capped else f'{self.total:,}'


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


def format_money(amount: int, currency: str = 'INR') -> str:
    """Minor units as a price label: 49900 -> '₹499.00' (Indian digit grouping is left to later)."""
    symbol = '₹' if currency == 'INR' else f'{currency} '
    return f'{symbol}{amount // 100:,}.{amount % 100:02d}'
