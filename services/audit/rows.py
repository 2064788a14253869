"""Frozen rows of the admin's audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.core.rows import CountedPage


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
