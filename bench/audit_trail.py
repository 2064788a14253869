"""The seeded audit trail: request transitions, approvals and blocks as the audit_event rows the services write."""

from __future__ import annotations

import json
from collections.abc import Iterator

from bench.marketplace import Person
from bench.time_grid import stamp
from models.enums import ApprovalState, RequestStatus, Role

TARGETS = {  # verb -> (status before, status after) as services/requests/rules.py's announce records them
    'book': (None, RequestStatus.REQUESTED),
    'decline': (RequestStatus.REQUESTED, RequestStatus.REQUESTED),
    'accept': (RequestStatus.REQUESTED, RequestStatus.ASSIGNED),
    'complete': (RequestStatus.ASSIGNED, RequestStatus.COMPLETED),
    'close': (RequestStatus.COMPLETED, RequestStatus.CLOSED),
    'auto_close': (RequestStatus.COMPLETED, RequestStatus.CLOSED),
    'review': (RequestStatus.CLOSED, RequestStatus.CLOSED),
    'expire': (RequestStatus.REQUESTED, RequestStatus.EXPIRED),
    'cancel': (None, RequestStatus.CANCELLED),
    'admin_cancel': (None, RequestStatus.CANCELLED),
}


def _details(source: RequestStatus | None, target: RequestStatus, extra: dict[str, object] | None) -> str:
    return json.dumps({'from': source and source.value, 'to': target.value, **(extra or {})})


class AuditWriter:
    """Turns (when, actor, verb, reason, source, extra details) into audit_event rows as services/audit/ and
    services/requests/rules.py's announce write them, and a person's approval and blocking into the rows the admin's
    actions write."""

    def __init__(self, admin_id: int, admin_label: str) -> None:
        self.admin_id, self.admin_label = admin_id, admin_label
        self._details: dict[tuple, str] = {}

    def rows(self, request_id: int, events: list[tuple]) -> Iterator[tuple]:
        for moment, actor, verb, reason, source, extra in events:
            before, after = TARGETS[verb]
            before = source or before
            if extra is None or 'rating' in extra:  # a handful of distinct texts: make each once
                key = (before, after, extra and extra['rating'])
                details = self._details.get(key)
                if details is None:
                    details = self._details[key] = _details(before, after, extra)
            else:
                details = _details(before, after, extra)
            if actor == 'admin':
                actor_id, label = self.admin_id, self.admin_label
            elif actor is None:
                actor_id, label = None, 'system'
            else:
                actor_id, label = actor.id, actor.label
            yield (stamp(moment), actor_id, label, f'request.{verb}', 'service_request', request_id, reason, details)

    def person_rows(self, p: Person) -> list[tuple]:
        """The admin's decision on a professional's application, then the block, if any."""
        rows = []
        if p.role is not Role.CUSTOMER and p.decided is not None:
            after = 'approved' if p.state is ApprovalState.APPROVED else 'rejected'
            rows.append(
                (
                    stamp(p.decided),
                    self.admin_id,
                    self.admin_label,
                    'professional.approve' if p.state is ApprovalState.APPROVED else 'professional.reject',
                    'professional',
                    p.id,
                    p.reason,
                    json.dumps({'approval_state': ['pending', after]}),
                )
            )
        if p.blocked is not None:
            rows.append(
                (stamp(p.blocked), self.admin_id, self.admin_label, 'user.block', 'user', p.id, p.blocked_reason, '{}')
            )
        return rows
