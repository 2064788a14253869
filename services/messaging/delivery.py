"""Delivering the outbox, at least once: claim what is due under a lease (a short write unit), send each message
with no transaction open, then record each outcome in its own short unit. A process that dies while sending leaves
its messages leased; once the lease runs out the next run takes them up again (the recovery).

A message goes out twice only when a process dies after the other side took it and before its `sent` row
committed: the time between the two, a few milliseconds per message. Email carries the same Message-ID both times.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from models import OutboxMessage
from models.db import session_scope
from models.enums import OutboxState
from services.core import clock
from services.messaging import transports
from settings import get_settings

log = logging.getLogger(__name__)
M = OutboxMessage
BATCH = 50


@dataclass(slots=True)
class DeliveryReport:
    """What one delivery run did, by outcome (ids, in the order sent)."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    not_configured: list[int] = field(default_factory=list)

    @property
    def claimed(self) -> int:
        return len(self.sent) + len(self.retrying) + len(self.failed) + len(self.not_configured)

    def __str__(self) -> str:
        parts = ('sent', 'retrying', 'failed', 'not_configured')
        return ', '.join(f'{len(getattr(self, part))} {part.replace("_", " ")}' for part in parts)


def deliver_due(*, now: datetime | None = None, limit: int = BATCH) -> DeliveryReport:
    """Send every message that is due (pending and its time has come, or leased by a process that died), at most
    `limit` of them. Owns its units: network I/O never runs inside a transaction."""
    report, now = DeliveryReport(), now or clock.now()
    with session_scope(write=True) as session:
        claimed = claim_due(session, now=now, limit=limit)
    with transports.Sender() as sender:
        for message in claimed:
            _deliver(sender, message, report, now)
    if claimed:
        log.info('outbox: %s', report)
    return report


def claim_due(session: Session, *, now: datetime, limit: int = BATCH) -> list[transports.Outgoing]:
    """Lease the due messages to this run: one conditional UPDATE each, so of two runs racing for one message
    exactly one gets it."""
    ids = session.scalars(select(M.id).where(_due(now)).order_by(M.next_attempt_at, M.id).limit(limit)).all()
    lease_until = now + timedelta(seconds=get_settings().outbox_lease_seconds)
    claimed = []
    for message_id in ids:
        row = session.execute(
            update(M)
            .where(M.id == message_id, _due(now))
            .values(state=OutboxState.SENDING, lease_until=lease_until, attempts=M.attempts + 1, updated_at=now)
            .returning(M.id, M.channel, M.address, M.subject, M.body_text, M.body_html, M.idempotency_key)
        ).one_or_none()
        if row is not None:
            claimed.append(transports.Outgoing(*row))
    return claimed


def _due(now: datetime) -> object:
    pending = and_(M.state == OutboxState.PENDING, M.next_attempt_at <= now)
    abandoned = and_(M.state == OutboxState.SENDING, M.lease_until <= now)
    return or_(pending, abandoned)


def _deliver(sender: transports.Sender, message: transports.Outgoing, report: DeliveryReport, now: datetime) -> None:
    try:
        sender.send(message)
    except transports.NotConfigured as missing:
        _record(message.id, state=OutboxState.NOT_CONFIGURED, error=str(missing), now=now)
        report.not_configured.append(message.id)
    except transports.Undelivered as failure:
        retried = _record_failure(message.id, str(failure), transient=failure.transient, now=now)
        (report.retrying if retried else report.failed).append(message.id)
        log.warning('outbox message %d not delivered (%s): %s', message.id, message.channel.value, failure)
    else:
        _record(message.id, state=OutboxState.SENT, error=None, now=now)
        report.sent.append(message.id)


def _record(message_id: int, *, state: OutboxState, error: str | None, now: datetime) -> None:
    sent_at = now if state is OutboxState.SENT else None
    with session_scope(write=True) as session:
        session.execute(
            update(M)
            .where(M.id == message_id)
            .values(state=state, last_error=error, lease_until=None, sent_at=sent_at, updated_at=now)
        )


def _record_failure(message_id: int, error: str, *, transient: bool, now: datetime) -> bool:
    """Back to pending after a growing pause, or failed for good; True when it will be tried again."""
    settings = get_settings()
    with session_scope(write=True) as session:
        attempts = session.scalar(select(M.attempts).where(M.id == message_id)) or 0
        again = transient and attempts < settings.outbox_max_attempts
        values = {'state': OutboxState.PENDING if again else OutboxState.FAILED, 'last_error': error}
        if again:
            values['next_attempt_at'] = now + backoff(attempts)
        session.execute(update(M).where(M.id == message_id).values(**values, lease_until=None, updated_at=now))
    return again


def backoff(attempts: int) -> timedelta:
    """The pause before the next attempt: outbox_retry_seconds, doubling per attempt, capped."""
    settings = get_settings()
    seconds = settings.outbox_retry_seconds * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.outbox_retry_max_seconds))
