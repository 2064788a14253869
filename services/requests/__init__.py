"""Service requests (design.md §3): booking and editing, the professional's side (accept, decline, withdraw,
complete), cancelling and expiry, closing and reviews, what blocking a user does to their requests, the lists and one
request as each viewer may see it, its history, slots and earnings. Pages, tasks and other domains call only this."""

from services.requests.assignments import accept, complete, decline, withdraw
from services.requests.blocking import open_requests_addressed_to, release_for_blocked_user, release_jobs_of
from services.requests.bookings import book, edit
from services.requests.cancelling import admin_cancel, cancel, expire_due
from services.requests.customer_view import booking_cancel_rule, customer_choices, get_customer_request
from services.requests.earnings import earnings_by_month, month_firsts
from services.requests.export_rows import (
    closed_export_filters,
    closed_rows,
    count_closed,
    export_criteria,
    export_header,
)
from services.requests.history import request_history
from services.requests.idempotency import Booked, book_once
from services.requests.lists import (
    get_request,
    list_all_requests,
    list_customer_requests,
    list_inbox,
    list_jobs,
    longest_waiting,
)
from services.requests.reminders import queue_daily_reminders
from services.requests.reviews import auto_close_due, close, list_reviews_of_me, review
from services.requests.rows import (
    CustomerChoices,
    CustomerRequest,
    HistoryEntry,
    MonthEarnings,
    RequestPage,
    RequestPolicy,
    RequestRow,
    ReviewPage,
    ReviewRow,
    SlotState,
)
from services.requests.rules import EVENT_NAMES, policy
from services.requests.slots import available_slots, bookable_days, check_slot, local_day_start, slot_states

__all__ = [
    'EVENT_NAMES',
    'Booked',
    'CustomerChoices',
    'CustomerRequest',
    'HistoryEntry',
    'MonthEarnings',
    'RequestPage',
    'RequestPolicy',
    'RequestRow',
    'ReviewPage',
    'ReviewRow',
    'SlotState',
    'accept',
    'admin_cancel',
    'auto_close_due',
    'available_slots',
    'book',
    'book_once',
    'bookable_days',
    'booking_cancel_rule',
    'cancel',
    'check_slot',
    'close',
    'closed_export_filters',
    'closed_rows',
    'complete',
    'count_closed',
    'customer_choices',
    'decline',
    'earnings_by_month',
    'edit',
    'expire_due',
    'export_criteria',
    'export_header',
    'get_customer_request',
    'get_request',
    'list_all_requests',
    'list_customer_requests',
    'list_inbox',
    'list_jobs',
    'list_reviews_of_me',
    'local_day_start',
    'longest_waiting',
    'month_firsts',
    'open_requests_addressed_to',
    'policy',
    'queue_daily_reminders',
    'release_for_blocked_user',
    'release_jobs_of',
    'request_history',
    'review',
    'slot_states',
    'withdraw',
]
