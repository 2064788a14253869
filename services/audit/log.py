"""The admin's audit log: the trail filtered by who, what, which target and which local days, newest first, paged
by keyset cursors, each target named and linked for the page."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AuditEvent, Document, OutboxMessage, Service, ServiceRequest, User, WebhookEndpoint
from models.enums import DocumentKind, Role
from services.audit.rows import AuditPage, AuditRow
from services.core import cursors, validation
from services.core.access import check_role
from services.core.errors import ValidationError
from services.core.rows import Actor
from settings import get_settings

E = AuditEvent
PAGE_SIZE, MAX_PAGE = 50, 100
MAX_ACTOR_TEXT = 100
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9998, 12, 31)
DAY = re.compile(r'\d{4}-\d{2}-\d{2}', re.ASCII)
# every action written (grep `audit.record(` and requests/rules.py's announce), in words for the log
ACTION_WORDS = {
    'service.create': 'Created a service',
    'service.edit': 'Edited a service',
    'service.retire': 'Retired a service',
    'service.reinstate': 'Reinstated a service',
    'user.create_admin': 'Created an admin',
    'user.block': 'Blocked a user',
    'user.unblock': 'Unblocked a user',
    'user.password_change': 'Changed their password',
    'user.password_reset': 'Reset a password',
    'user.unlock_sign_in': 'Lifted a sign-in lock',
    'user.report_unsubscribe': 'Unsubscribed from the monthly report',
    'user.report_subscribe': 'Subscribed to the monthly report',
    'professional.edit_profile': 'Edited a professional profile',
    'professional.approve': 'Approved a professional',
    'professional.reject': 'Rejected a professional',
    'professional.resubmit': 'Resubmitted a profile for approval',
    'document.add': 'Added a document',
    'document.remove': 'Removed a document',
    'request.book': 'Booked a request',
    'request.edit': 'Edited a request',
    'request.accept': 'Accepted a request',
    'request.decline': 'Declined a request',
    'request.withdraw': 'Withdrew from a request',
    'request.release': 'Released a request to the open pool',
    'request.complete': 'Completed a request',
    'request.close': 'Closed a request',
    'request.auto_close': 'Closed a request automatically',
    'request.review': 'Reviewed a request',
    'request.cancel': 'Cancelled a request',
    'request.admin_cancel': 'Cancelled a request as admin',
    'request.expire': 'Expired a request nobody accepted',
    'outbox.retry': 'Retried an outgoing message',
    'outbox.retry_all': 'Retried every failed message',
    'outbox.test': 'Sent a test message',
    'webhook.add': 'Added a webhook endpoint',
    'webhook.edit': 'Edited a webhook endpoint',
    'webhook.switch_on': 'Switched a webhook endpoint on',
    'webhook.switch_off': 'Switched a webhook endpoint off',
    'webhook.rotate_secret': "Changed a webhook endpoint's secret",
    'webhook.remove': 'Removed a webhook endpoint',
    'webhook.test': 'Sent a test event to a webhook endpoint',
}
TARGET_WORDS = {
    'user': 'User',
    'professional': 'Professional',
    'service': 'Service',
    'service_request': 'Request',
    'document': 'Document',
    'sign_in': 'Sign-in lock',
    'outbox_message': 'Message',
    'webhook_endpoint': 'Webhook endpoint',
}
DOCUMENT_WORDS = {DocumentKind.ID_PROOF: 'ID proof', DocumentKind.CERTIFICATE: 'Certificate'}
Target = tuple[str, int | None]


def list_events(
    session: Session,
    actor: Actor,
    *,
    actor_text: Any = '',
    action: Any = '',
    target_type: Any = '',
    target_id: Any = None,
    date_from: Any = None,
    date_to: Any = None,
    cursor: Any = None,
    limit: Any = PAGE_SIZE,
) -> AuditPage:
    """Admins read the audit trail newest first, filtered by who (part of their name or email), what, which target
    and which local calendar days; paged by keyset cursors with a count capped at 10,000."""
    check_role(session, actor, Role.ADMIN)
    criteria = _criteria(actor_text, action, target_type, target_id, date_from, date_to)
    size = validation.whole_number(limit, field='limit', label='Page size', minimum=1, maximum=MAX_PAGE)
    backward, position = (False, None) if cursor in (None, '') else cursors.decode(cursor)
    total, capped = cursors.count_capped(session, select(E.id).where(*criteria))
    query = select(E).where(*criteria)
    if position is not None:  # shown newest first; a previous page is fetched oldest first, then flipped
        query = query.where(cursors.after(E.occurred_at, E.id, position, descending=not backward))
    order = (E.occurred_at.asc(), E.id.asc()) if backward else (E.occurred_at.desc(), E.id.desc())
    found = session.scalars(query.order_by(*order).limit(size + 1)).all()
    events, previous_cursor, next_cursor = cursors.window(
        found, size=size, backward=backward, position=position, key_of=lambda e: (e.occurred_at, e.id)
    )
    wanted_id = validation.to_id(target_id, E.target_id)  # checked by _criteria: an id, or no target at all
    wanted: Target | None = (target_type, wanted_id) if wanted_id is not None else None
    labels = _targets(session, {*((e.target_type, e.target_id) for e in events), *([wanted] if wanted else [])})
    return AuditPage(
        rows=tuple(_audit_row(event, labels) for event in events),
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        total=total,
        total_capped=capped,
        target_label=labels[wanted][0] if wanted else '',
        timezone=get_settings().timezone,
    )


def _criteria(actor_text: Any, action: Any, target_type: Any, target_id: Any, date_from: Any, date_to: Any) -> list:
    criteria: list[Any] = []
    text = validation.text(actor_text, field='actor', label='Who', max_length=MAX_ACTOR_TEXT, required=False)
    if text:
        criteria.append(func.lower(E.actor_label).like(validation.contains_pattern(text.lower()), escape='\\'))
    if action not in (None, ''):
        if not isinstance(action, str) or action not in ACTION_WORDS:
            raise ValidationError('Choose an action from the list.', field='action')
        criteria.append(E.action == action)
    if target_type not in (None, ''):
        if not isinstance(target_type, str) or target_type not in TARGET_WORDS:
            raise ValidationError('Choose a kind of target from the list.', field='target_type')
        criteria.append(E.target_type == target_type)
    if target_id not in (None, ''):
        target_id = validation.to_id(target_id, E.target_id)  # from the URL: its digits
        if target_id is None:
            raise ValidationError('That target does not exist.', field='target_id')
        if target_type in (None, ''):
            raise ValidationError('Choose a kind of target first.', field='target_type')
        criteria.append(E.target_id == target_id)
    first, last = _day(date_from, 'date_from'), _day(date_to, 'date_to')
    if first and last and first > last:
        raise ValidationError('The last day comes before the first day.', field='date_to')
    zone = get_settings().zone
    if first:
        criteria.append(E.occurred_at >= datetime.combine(first, time(), zone).astimezone(UTC))
    if last:
        criteria.append(E.occurred_at < datetime.combine(last + timedelta(days=1), time(), zone).astimezone(UTC))
    return criteria


def _day(value: Any, field: str) -> date | None:
    """A local calendar day: a date, or text like 2030-03-05 (what a date input and the URL hold)."""
    if value in (None, ''):
        return None
    day = None
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    elif isinstance(value, str) and DAY.fullmatch(value.strip()):
        with contextlib.suppress(ValueError):
            day = date.fromisoformat(value.strip())
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError('Enter a day like 2030-03-05.', field=field)
    return day


def _targets(session: Session, targets: set[Target]) -> dict[Target, tuple[str, str | None]]:
    """(label, link) of each target, in one query per kind of target however many rows the page has."""
    ids: dict[str, set[int]] = {kind: {i for t, i in targets if t == kind and i is not None} for kind in TARGET_WORDS}
    found: dict[Target, tuple[str, str | None]] = {}
    people = ids['user'] | ids['professional']
    if people:
        for uid, name in session.execute(select(User.id, User.name).where(User.id.in_(people))):
            found[('user', uid)] = found[('professional', uid)] = (name, f'/admin/users/{uid}')
    if ids['service']:
        for sid, name in session.execute(select(Service.id, Service.name).where(Service.id.in_(ids['service']))):
            found[('service', sid)] = (name, '/admin/services')
    if ids['service_request']:
        r = ServiceRequest
        query = select(r.id, Service.name, r.scheduled_at).join(Service, Service.id == r.service_id)
        for rid, name, at in session.execute(query.where(r.id.in_(ids['service_request']))):
            found[('service_request', rid)] = (f'{name} request for {_local(at)}', f'/admin/requests/{rid}')
    if ids['document']:
        d = Document
        query = select(d.id, d.kind, d.professional_id, User.name).join(User, User.id == d.professional_id)
        for did, kind, pid, name in session.execute(query.where(d.id.in_(ids['document']))):
            found[('document', did)] = (f'{DOCUMENT_WORDS.get(kind, "Document")} of {name}', f'/admin/users/{pid}')
    if ids['outbox_message']:
        m = OutboxMessage
        query = select(m.id, m.kind, User.name).join(User, User.id == m.user_id).where(m.id.in_(ids['outbox_message']))
        for mid, kind, name in session.execute(query):
            found[('outbox_message', mid)] = (f'{kind.capitalize()} message to {name}', '/admin/outbox')
    if ids['webhook_endpoint']:
        w = WebhookEndpoint
        for wid, url in session.execute(select(w.id, w.url).where(w.id.in_(ids['webhook_endpoint']))):
            found[('webhook_endpoint', wid)] = (urlsplit(url).netloc or url, '/admin/webhooks')
    return {target: found.get(target) or (_gone(target[0]), None) for target in targets}


def _gone(target_type: str) -> str:
    """A known kind of target whose row is gone; a kind this list does not know is named as it was written."""
    return f'{TARGET_WORDS[target_type]} (no longer exists)' if target_type in TARGET_WORDS else target_type


def _audit_row(event: AuditEvent, labels: dict[Target, tuple[str, str | None]]) -> AuditRow:
    details = event.details or {}
    label, link = labels[(event.target_type, event.target_id)]
    if event.target_id is None:  # a target without a row of its own: a sign-in lock names its email
        label = f'{TARGET_WORDS.get(event.target_type, event.target_type)} {details.get("email", "")}'.strip()
    elif event.target_type == 'document' and link is None and details.get('name'):
        label = f'Document "{details["name"]}" (removed)'
    return AuditRow(
        id=event.id,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        actor_link=f'/admin/users/{event.actor_id}' if event.actor_id is not None else None,
        action=event.action,
        action_words=ACTION_WORDS.get(event.action, event.action),
        target_type=event.target_type,
        target_id=event.target_id,
        target_label=label,
        target_link=link,
        reason=event.reason or '',
        details=dict(details),
    )


def _local(moment: datetime) -> str:
    return moment.astimezone(get_settings().zone).strftime('%a %d %b %Y, %H:%M')
