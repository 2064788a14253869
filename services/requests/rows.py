"""Frozen rows of service requests as their viewer may see them, their history, reviews and earnings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from models.enums import RequestStatus
from services.core.rows import CountedPage


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
class HistoryEntry:
    """One step in a request's life, as its viewer may see it (admins see who exactly; others see roles)."""

    occurred_at: datetime
    who: str
    what: str
    reason: str
    status_after: RequestStatus | None


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


@dataclass(frozen=True, slots=True)
class SlotState:
    """One start of a day's slot grid on the booking form, and why it cannot be booked ('' when it can)."""

    start: datetime  # UTC, aware
    why_not: str = ''

    @property
    def free(self) -> bool:
        return not self.why_not
