"""The admin dashboard's figures as one frozen row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.enums import RequestStatus
from services.requests import RequestRow


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
