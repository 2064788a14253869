"""Delivering the outbox, at least once: a run claims the due messages under a lease and a token of its own (a short
write unit), sends each with no transaction open, and records each outcome at once, only while it still holds the
lease (an outcome is written only by the run whose token is on the row). A run stops before a send could outlast
its lease and hands the rest back; a process that dies leaves its messages leased, and once the lease runs out the
next run takes them up again (the recovery).

A message goes out twice only when a process dies after the other side took it and before its `sent` row
committed: the time between the two, a few milliseconds per message. Email carries the same Message-ID both times.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from models import OutboxAttachment, OutboxMessage, WebhookEndpoint
from models.db import session_scope
from models.enums import NotificationChannel, OutboxState
from services.core import clock, events
from services.messaging import transports
from services.messaging.outbox import OUTBOX_CHANGED
from services.messaging.render import Attachment
from settings import get_settings

log = logging.getLogger(__name__)
M = OutboxMessage
BATCH = 50
MAX_ERROR = 500  # last_error's length: an error that says more is cut, never a failed run
GAVE_UP = 'The process sending it stopped on every attempt.'
OUTGOING = (M.id, M.channel, M.address, M.subject, M.body_text, M.body_html, M.idempotency_key, M.unsubscribe_url)


@dataclass(slots=True)
class DeliveryReport:
    """What one delivery run did, by outcome (ids, in the order sent); `handed_back`: claimed, not tried."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    not_configured: list[int] = field(default_factory=list)
    handed_back: list[int] = field(default_factory=list)

    @property
    def claimed(self) -> int:
        return len(self.sent) + len(self.retrying) + len(self.failed) + len(self.not_configured)

    def __str__(self) -> str:
        parts = ('sent', 'retrying', 'failed', 'not_configured')
        return ', '.join(f'{len(getattr(self, part))} {part.replace("_", " ")}' for part in parts)


class RunClock:
    """The run's time: the moment it started (the scheduler's, or a test's) moved on by the real time elapsed."""

    def __init__(self, start: datetime) -> None:
        self.start, self._began = start, time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._began)


def deliver_due(*, now: datetime | None = None, limit: int = BATCH) -> DeliveryReport:
    """Send every message that is due (pending and its time has come, or leased by a process that died), at most
    `limit` of them. Owns its units: network I/O never runs inside a transaction."""
    report, run, token = DeliveryReport(), RunClock(now or clock.now()), secrets.token_hex(8)
    with session_scope(write=True) as session:
        claimed = claim_due(session, now=run.now(), limit=limit, token=token)
    lease_until = run.start + timedelta(seconds=get_settings().outbox_lease_seconds)
    with transports.Sender() as sender:
        for position, message in enumerate(claimed):
            if run.now() + _longest_send() >= lease_until:  # it could outlast the lease: leave it to the next run
                _hand_back([m.id for m in claimed[position:]], token, report)
                break
            _deliver(sender, message, report, run, token)
    if claimed:
        log.info('outbox: %s', report)
    return report


def claim_due(session: Session, *, now: datetime, limit: int = BATCH, token: str = '') -> list[transports.Outgoing]:
    """Lease the due messages to this run: one conditional UPDATE each, so of two runs racing for one message
    exactly one gets it. A message whose sender died on its last attempt is failed instead."""
    _give_up_on_abandoned(session, now)
    ids = session.scalars(select(M.id).where(_due(now)).order_by(M.next_attempt_at, M.id).limit(limit)).all()
    lease = {'lease_until': now + timedelta(seconds=get_settings().outbox_lease_seconds), 'lease_token': token}
    claimed = []
    for message_id in ids:
        row = session.execute(
            update(M)
            .where(M.id == message_id, _due(now))
            .values(state=OutboxState.SENDING, attempts=M.attempts + 1, updated_at=now, **lease)
            .returning(*OUTGOING)
        ).one_or_none()
        if row is not None:
            claimed.append(row)
    if claimed:
        events.publish(session, OUTBOX_CHANGED)
    carried = _attachments(session, [row.id for row in claimed if row.channel is NotificationChannel.EMAIL])
    endpoints = _endpoints(session, [row.id for row in claimed if row.channel is NotificationChannel.WEBHOOK])
    outgoing = [transports.Outgoing(*row, attachments=carried.get(row.id, ())) for row in claimed]
    return [
        _to_endpoint(message, endpoints[message.id]) if message.id in endpoints else message for message in outgoing
    ]


def _endpoints(session: Session, message_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Where each claimed webhook delivery goes and what signs it, as its endpoint is now: (URL, secret), the secret
    '' while the endpoint is switched off."""
    if not message_ids:
        return {}
    e = WebhookEndpoint
    found = session.execute(
        select(M.id, e.url, e.secret, e.is_active).join(e, e.id == M.webhook_endpoint_id).where(M.id.in_(message_ids))
    )
    return {message_id: (url, secret if active else '') for message_id, url, secret, active in found}


def _to_endpoint(message: transports.Outgoing, endpoint: tuple[str, str]) -> transports.Outgoing:
    url, secret = endpoint
    return dataclasses.replace(message, address=url, secret=secret)


def _attachments(session: Session, message_ids: list[int]) -> dict[int, tuple[Attachment, ...]]:
    """The files the claimed emails carry, in one query (most carry none)."""
    if not message_ids:
        return {}
    a = OutboxAttachment
    found = session.execute(
        select(a.message_id, a.filename, a.content_type, a.content).where(a.message_id.in_(message_ids)).order_by(a.id)
    )
    carried: dict[int, tuple[Attachment, ...]] = {}
    for message_id, *attachment in found:
        carried[message_id] = (*carried.get(message_id, ()), Attachment(*attachment))
    return carried


def _due(now: datetime) -> object:
    pending = and_(M.state == OutboxState.PENDING, M.next_attempt_at <= now)
    abandoned = and_(M.state == OutboxState.SENDING, M.lease_until <= now)
    return or_(pending, abandoned)


def _give_up_on_abandoned(session: Session, now: datetime) -> None:
    """A message whose sending process died on every attempt (one that kills its sender, say) stops here."""
    session.execute(
        update(M)
        .where(M.state == OutboxState.SENDING, M.lease_until <= now, M.attempts >= get_settings().outbox_max_attempts)
        .values(state=OutboxState.FAILED, last_error=GAVE_UP, lease_until=None, lease_token=None, updated_at=now)
    )


def _longest_send() -> timedelta:
    """How long one send may take at worst: connecting and then sending, each up to the timeout."""
    return timedelta(seconds=2 * get_settings().delivery_timeout_seconds)


def _deliver(
    sender: transports.Sender, message: transports.Outgoing, report: DeliveryReport, run: RunClock, token: str
) -> None:
    try:
        sender.send(message)
    except transports.NotConfigured as missing:
        _record(message.id, token, state=OutboxState.NOT_CONFIGURED, error=str(missing), now=run.now())
        report.not_configured.append(message.id)
    except transports.Undelivered as failure:
        retried = _record_failure(message.id, token, str(failure), transient=failure.transient, now=run.now())
        (report.retrying if retried else report.failed).append(message.id)
        log.warning('outbox message %d not delivered (%s): %s', message.id, message.channel.value, failure)
    except Exception as surprise:  # a bug here must not strand the rest of the run: it is tried again later
        _record_failure(message.id, token, f'unexpected: {surprise!r}', transient=True, now=run.now())
        report.retrying.append(message.id)
        log.exception('outbox message %d: unexpected failure', message.id)
    else:
        _record(message.id, token, state=OutboxState.SENT, error=None, now=run.now())
        report.sent.append(message.id)


def _held_by(message_id: int, token: str) -> tuple[object, ...]:
    """The message, while this run still holds its lease (else another run took it: the outcome is not ours)."""
    return (M.id == message_id, M.state == OutboxState.SENDING, M.lease_token == token)


def _record(message_id: int, token: str, *, state: OutboxState, error: str | None, now: datetime) -> None:
    sent_at = now if state is OutboxState.SENT else None
    released = {'lease_until': None, 'lease_token': None, 'updated_at': now}
    with session_scope(write=True) as session:
        recorded = session.execute(
            update(M)
            .where(*_held_by(message_id, token))
            .values(state=state, last_error=error and error[:MAX_ERROR], sent_at=sent_at, **released)
        ).rowcount
        if recorded and state is OutboxState.SENT:  # a sent file is not kept: the report stays in the app
            session.execute(delete(OutboxAttachment).where(OutboxAttachment.message_id == message_id))
        if recorded:
            events.publish(session, OUTBOX_CHANGED)


def _record_failure(message_id: int, token: str, error: str, *, transient: bool, now: datetime) -> bool:
    """Back to pending after a growing pause, or failed for good; True when it will be tried again."""
    settings = get_settings()
    with session_scope(write=True) as session:
        attempts = session.scalar(select(M.attempts).where(*_held_by(message_id, token)))
        if attempts is None:
            return False  # the lease was lost: the run that holds it now records the outcome
        again = transient and attempts < settings.outbox_max_attempts
        values = {'state': OutboxState.PENDING if again else OutboxState.FAILED, 'last_error': error[:MAX_ERROR]}
        if again:
            values['next_attempt_at'] = now + backoff(attempts)
        released = {'lease_until': None, 'lease_token': None, 'updated_at': now}
        session.execute(update(M).where(*_held_by(message_id, token)).values(**values, **released))
        events.publish(session, OUTBOX_CHANGED)
    return again


def _hand_back(ids: list[int], token: str, report: DeliveryReport) -> None:
    """Messages claimed but not tried: pending again, the attempt not counted."""
    with session_scope(write=True) as session:
        session.execute(
            update(M)
            .where(M.id.in_(ids), M.state == OutboxState.SENDING, M.lease_token == token)
            .values(state=OutboxState.PENDING, attempts=M.attempts - 1, lease_until=None, lease_token=None)
        )
    report.handed_back.extend(ids)


def backoff(attempts: int) -> timedelta:
    """The pause before the next attempt: outbox_retry_seconds, doubling per attempt, capped."""
    settings = get_settings()
    seconds = settings.outbox_retry_seconds * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.outbox_retry_max_seconds))
