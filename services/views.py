"""Frozen rows the service layer hands to pages and components (no lazy loading after the unit ends)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from models.enums import ApprovalState, DocumentKind, NotificationChannel, RequestStatus, Role


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


@dataclass(frozen=True, slots=True)
class ChannelPreference:
    """Where a user's messages go besides the app, and what the other choices need."""

    channel: NotificationChannel
    webhook_url: str  # '' until one is set; kept when another channel is chosen
    phone: str  # the profile phone SMS goes to; '' = SMS is not possible yet


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One of the viewer's live sign-ins, as the account page lists it."""

    id: int
    user_agent: str  # as the browser sent it (display text only)
    client_ip: str
    created_at: datetime
    last_seen_at: datetime
    is_current: bool  # the session this page was opened with


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


@dataclass(frozen=True, slots=True)
class RequestRow:
    """A service request as its viewer may see it: the address, phone and names that contact privacy hides
    from this viewer are '' (a professional sees them only once they accepted; design.md §3)."""

    id: int
    service_id: int
    service_name: str
    status: RequestStatus
    date_of_request: datetime
    scheduled_at: datetime
    ends_at: datetime
    time_required: int  # minutes
    price: int  # paise
    pincode: str
    remarks: str
    contact_visible: bool  # False: address, customer name and phone are hidden from this viewer
    address: str
    customer_name: str
    customer_phone: str
    professional_id: int | None  # who accepted it
    professional_name: str
    professional_phone: str
    requested_professional_id: int | None  # whom the customer addressed it to
    requested_professional_name: str
    date_of_completion: datetime | None
    cancel_reason: str
    rating: int | None  # the review's, once there is one
    review_remarks: str
    updated_at: datetime  # pass it back to edit / accept to refuse acting on a request changed since it was shown
    customer_id: int | None = None  # None when the customer is hidden from this viewer


@dataclass(frozen=True, slots=True)
class RequestPage(CountedPage):
    """One page of a request list; pass `next_cursor` back for the next page (None: this was the last) and
    `previous_cursor` for the page before (None: this was the first). `total` counts the whole list but stops at
    a cap (`total_capped`: there are more); `total_label` shows it, e.g. '42' or '10,000+'."""

    rows: tuple[RequestRow, ...]
    next_cursor: str | None
    previous_cursor: str | None = None
    total: int = 0
    total_capped: bool = False


@dataclass(frozen=True, slots=True)
class RequestPolicy:
    """The policy values pages show next to requests (settings, read through the service layer)."""

    cancel_cutoff_hours: int
    auto_close_days: int
    review_window_days: int
    timezone: str = 'Asia/Kolkata'  # slots and dates are shown in this zone


@dataclass(frozen=True, slots=True)
class DashboardFigures:
    """What the admin dashboard shows, computed in one pass of a few index-backed queries."""

    pending_approvals: int  # unblocked professionals awaiting a decision
    open_requests: int  # requested or assigned
    waiting_too_long: int  # requested longer than `waiting_alert_minutes` ago, slot still ahead, nobody accepted
    waiting_alert_minutes: int
    bookings_today: int  # booked since local midnight
    by_status: tuple[tuple[RequestStatus, int], ...]  # every status, in lifecycle order, zeros included
    by_service: tuple[tuple[str, int], ...]  # service name, requests ever booked; busiest first
    per_day: tuple[tuple[date, int], ...]  # requests booked per local day, the last 30 days, today last
    ratings: tuple[tuple[int, int], ...]  # (1..5, how many reviews gave it)
    longest_waiting: tuple[RequestRow, ...]  # the requests waiting too long, the longest waiting first


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One step in a request's life, as its viewer may see it (admins see who exactly; others see roles)."""

    occurred_at: datetime
    who: str
    what: str
    reason: str
    status_after: RequestStatus | None


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
class AuditRow:
    """One audit event as the admin's log shows it; `target_label` and the links are resolved for the page."""

    id: int
    occurred_at: datetime
    actor_id: int | None  # None: the system or the command line
    actor_label: str  # 'name <email>' as it was then
    actor_link: str | None
    action: str  # e.g. 'user.block'
    action_words: str  # e.g. 'Blocked a user'
    target_type: str
    target_id: int | None
    target_label: str  # e.g. 'Plumbing request for Tue 05 Mar 2030, 10:00'
    target_link: str | None  # e.g. '/admin/requests/42'; None when there is nothing to open
    reason: str
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AuditPage(CountedPage):
    """One page of the audit log, newest first; cursors and the capped count work as in RequestPage."""

    rows: tuple[AuditRow, ...]
    next_cursor: str | None
    previous_cursor: str | None = None
    total: int = 0
    total_capped: bool = False
    target_label: str = ''  # the target the log is filtered on, if any
    timezone: str = 'Asia/Kolkata'  # show times in this zone


# --- the customer's workspace: finding, booking, following up ---------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class CustomerChoices:
    """What a customer may do with one of their requests now, and the cancel rule in words for its state."""

    can_edit: bool
    can_cancel: bool
    cancel_rule: str  # '' when the request is no longer open
    cancel_until: datetime | None  # an accepted request: the last moment to cancel
    can_close: bool  # done: close it with a review
    can_review: bool  # closed without a review, still within the review window
    review_until: datetime | None
    auto_close_days: int


@dataclass(frozen=True, slots=True)
class CustomerRequest:
    """One of a customer's requests as its page shows it: the request, its history and what they may do now."""

    request: RequestRow
    history: tuple[HistoryEntry, ...]
    choices: CustomerChoices
    timezone: str


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """A review as the reviewed professional reads it: the job it was for and what the customer said."""

    id: int
    request_id: int
    service_name: str
    scheduled_at: datetime  # the job's slot
    customer_name: str
    rating: int  # 1-5
    remarks: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewPage(CountedPage):
    """One page of a professional's reviews, newest first; cursors and the capped count work as in RequestPage."""

    rows: tuple[ReviewRow, ...]
    next_cursor: str | None
    previous_cursor: str | None = None
    total: int = 0
    total_capped: bool = False


@dataclass(frozen=True, slots=True)
class MonthEarnings:
    """What a professional's completed and closed jobs of one local month earned (by the month of their slot)."""

    month: date  # the first day of the local month
    amount: int  # paise
    jobs: int
