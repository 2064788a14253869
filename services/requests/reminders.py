"""The daily reminder (design.md §4): each approved, unblocked professional with pending work (open requests they
could accept, jobs they accepted and have not marked done) gets one message a local day on their channel, listing
what waits, with links into the app."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models import ProfessionalProfile, Service, ServiceRequest, User
from models.enums import ApprovalState, RequestStatus, Role
from services import messaging
from services.core import clock
from services.requests import rules

R = ServiceRequest
LISTED = 10  # items of each kind a reminder lists; it counts the rest


def queue_daily_reminders(session: Session, *, day: date, now: datetime | None = None) -> int:
    """Queue the reminders of local day `day`; a professional reminded that day already is skipped (the outbox key
    is per professional and day). Returns how many were queued now."""
    now = now or clock.now()
    queued = 0
    for professional in _approved_professionals(session):
        message = _reminder(session, professional, day=day, now=now)
        if message is not None:
            key = f'reminder:{professional.id}:{day.isoformat()}'
            queued += messaging.queue(
                session, user_id=professional.id, kind='reminder', key=key, message=message, now=now
            )
    return queued


def _approved_professionals(session: Session) -> list[User]:
    query = (
        select(User)
        .join(ProfessionalProfile, ProfessionalProfile.user_id == User.id)
        .where(
            User.role == Role.PROFESSIONAL,
            User.is_blocked.is_(False),
            ProfessionalProfile.approval_state == ApprovalState.APPROVED,
        )
        .options(selectinload(User.professional_profile).selectinload(ProfessionalProfile.pincodes))
        .order_by(User.id)
    )
    return list(session.scalars(query))


def _reminder(session: Session, professional: User, *, day: date, now: datetime) -> messaging.Message | None:
    inbox_rule = rules.in_inbox_of(professional, now)
    jobs_rule = (R.professional_id == professional.id, R.service_status == RequestStatus.ASSIGNED)
    inbox_count, jobs_count = _count(session, inbox_rule), _count(session, *jobs_rule)
    if not inbox_count and not jobs_count:
        return None
    inbox = [_inbox_item(row, professional.id) for row in _listed(session, inbox_rule)]
    jobs = [_job_item(row) for row in _listed(session, *jobs_rule)]
    return messaging.render(
        'reminder',
        name=professional.name,
        day=day.strftime('%a %d %b %Y'),
        inbox=inbox,
        inbox_count=inbox_count,
        jobs=jobs,
        jobs_count=jobs_count,
    )


def _count(session: Session, *criteria: Any) -> int:
    return session.scalar(select(func.count()).select_from(R).where(*criteria)) or 0


def _listed(session: Session, *criteria: Any) -> list[Any]:
    query = select(R, Service.name).join(Service, Service.id == R.service_id).where(*criteria)
    return list(session.execute(query.order_by(R.scheduled_at, R.id).limit(LISTED)))


def _inbox_item(row: Any, professional_id: int) -> dict[str, Any]:
    request, service = row
    addressed = request.requested_professional_id == professional_id
    return {'service': service, 'slot': _slot(request), 'pincode': request.pincode, 'addressed': addressed}


def _job_item(row: Any) -> dict[str, Any]:
    request, service = row
    return {'service': service, 'slot': _slot(request), 'address': f'{request.address} ({request.pincode})'}


def _slot(request: ServiceRequest) -> str:
    return rules.local_label(request.scheduled_at)
