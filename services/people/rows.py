"""Frozen rows of people: profiles, professionals as admins and customers see them, documents, the users list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from models.enums import ApprovalState, DocumentKind, RequestStatus, Role
from services.core.rows import CountedPage


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


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """A professional's verification document as listed: metadata only, the bytes stay on disk."""

    id: int
    kind: DocumentKind
    original_name: str  # as uploaded, display text only (escape it like any user input)
    content_type: str  # decided from the bytes
    size: int  # bytes
    sha256: str
    uploaded_at: datetime


@dataclass(frozen=True, slots=True)
class DocumentFile:
    """What a file route streams: a server-side path, its type and the name to offer the browser."""

    path: Path
    content_type: str
    download_name: str


@dataclass(frozen=True, slots=True)
class ReviewSnippet:
    rating: int  # 1-5
    remarks: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ProfessionalCard:
    """A professional as customers see them when choosing (no contact details before a job is accepted)."""

    professional_id: int
    name: str
    experience_years: int
    description: str
    rating_average: float | None  # None until the first review
    rating_count: int
    recent_reviews: tuple[ReviewSnippet, ...] = ()


@dataclass(frozen=True, slots=True)
class ProfessionalView:
    """A professional's whole profile, for admins vetting it and for the professional themself."""

    professional_id: int
    name: str
    email: str
    phone: str
    is_blocked: bool
    service_id: int
    service_name: str
    service_active: bool
    experience_years: int
    description: str
    pincodes: tuple[str, ...]
    approval_state: ApprovalState
    approval_reason: str
    submitted_at: datetime | None  # last (re)submission; None = as signed up
    approval_decided_at: datetime | None
    rating_average: float | None
    rating_count: int
    documents: tuple[DocumentRow, ...] = ()


@dataclass(frozen=True, slots=True)
class UserRow:
    """A person as the admin's users list shows them. Professionals' fields are empty for other roles, and the
    customer's default `pincode` is '' for other roles."""

    id: int
    name: str
    email: str
    phone: str
    role: Role
    is_blocked: bool
    blocked_reason: str
    created_at: datetime
    pincode: str = ''  # a customer's default pincode
    service_name: str = ''  # professionals from here on
    service_active: bool = True  # False: their service was retired
    approval_state: ApprovalState | None = None
    rating_average: float | None = None  # None until the first review
    rating_count: int = 0
    pincodes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UserPage(CountedPage):
    """One page of the admin's users list, cursor-paginated like RequestPage (previous / next, capped count)."""

    rows: tuple[UserRow, ...]
    next_cursor: str | None
    previous_cursor: str | None = None
    total: int = 0
    total_capped: bool = False


@dataclass(frozen=True, slots=True)
class UserDetail:
    """One person as an admin reviews them: the list row, a customer's default address, how many requests they
    had by status (as customer, or as the professional who took them), a professional's whole profile with its
    documents, and whether sign-in is throttled for the account right now."""

    user: UserRow
    blocked_at: datetime | None = None
    address: str = ''  # a customer's default address
    request_counts: tuple[tuple[RequestStatus, int], ...] = ()  # only the statuses they have, in lifecycle order
    professional: ProfessionalView | None = None
    sign_in_locked_minutes: int = 0  # minutes until the account may try to sign in again; 0 = not throttled
