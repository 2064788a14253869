"""What a webhook carries: `{"type", "timestamp", "data"}` (the Standard Webhooks shape), the data being what a
receiver needs to act without calling back: a request's service, slot, status, price, address, and the customer's
and professional's names and phones. Endpoints belong to admins, so a payload holds what an admin sees on the
request's page; nothing else (no email of a customer, no password hash, no document)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ProfessionalProfile, Review, Service, ServiceRequest, User
from services.webhooks.catalogue import PROFESSIONAL_EVENTS, REQUEST_EVENTS, SERVICE_EVENTS, USER_EVENTS
from settings import get_settings

CURRENCY = 'INR'


def payload(session: Session, event_type: str, data: dict[str, Any], now: datetime) -> str | None:
    """The JSON body for one event, or None when what it is about is gone (nothing to tell)."""
    built = _data(session, event_type, data)
    if built is None:
        return None
    return json.dumps({'type': event_type, 'timestamp': now.isoformat(), 'data': built}, ensure_ascii=False)


def _data(session: Session, event_type: str, data: dict[str, Any]) -> dict[str, Any] | None:
    if event_type in REQUEST_EVENTS:
        request = _fresh(session, ServiceRequest, data.get('request_id'))
        return request and {'request': request_fields(session, request, acting=data.get('professional_id'))}
    if event_type in PROFESSIONAL_EVENTS:
        professional = _fresh(session, User, data.get('professional_id'))
        return professional and {'professional': professional_fields(session, professional)}
    if event_type in USER_EVENTS:
        user = _fresh(session, User, data.get('user_id'))
        return user and {'user': {'id': user.id, 'role': user.role.value, 'name': user.name}}
    if event_type in SERVICE_EVENTS:
        service = _fresh(session, Service, data.get('service_id'))
        return service and {'service': service_fields(service)}
    return dict(data)  # the test event


def _fresh(session: Session, entity: type[Any], key: Any) -> Any:
    """The row as the change left it: the lifecycle writes with UPDATE ... RETURNING, past a copy the unit may hold."""
    return session.get(entity, key, populate_existing=True) if isinstance(key, int) else None


def request_fields(session: Session, request: ServiceRequest, *, acting: Any = None) -> dict[str, Any]:
    """`acting`: the professional the event names (who declined or withdrew: the request no longer does)."""
    service = session.get(Service, request.service_id)
    professional_id = request.professional_id or (acting if isinstance(acting, int) else None)
    review = session.scalar(select(Review).where(Review.request_id == request.id))
    return {
        'id': request.id,
        'status': request.service_status.value,
        'service': {'id': service.id, 'name': service.name, 'category': service.category},
        'slot': {'starts_at': _local(request.scheduled_at), 'ends_at': _local(request.ends_at)},
        'price': {'amount': request.price, 'currency': CURRENCY},
        'address': request.address,
        'pincode': request.pincode,
        'remarks': request.remarks,
        'customer': _person(session.get(User, request.customer_id)),
        'professional': _person(session.get(User, professional_id)) if professional_id else None,
        'booked_at': _local(request.date_of_request),
        'completed_at': _local(request.date_of_completion),
        'cancel_reason': request.cancel_reason,
        'review': {'rating': review.rating, 'remarks': review.remarks} if review else None,
        'url': f'{get_settings().public_url}/admin/requests/{request.id}',
    }


def professional_fields(session: Session, user: User) -> dict[str, Any]:
    profile = session.get(ProfessionalProfile, user.id)
    service = session.get(Service, profile.service_id) if profile else None
    return {
        **_person(user),
        'email': user.email,
        'approval_state': profile.approval_state.value if profile else None,
        'service': {'id': service.id, 'name': service.name} if service else None,
        'experience_years': profile.experience_years if profile else None,
        'url': f'{get_settings().public_url}/admin/users/{user.id}',
    }


def service_fields(service: Service) -> dict[str, Any]:
    return {
        'id': service.id,
        'name': service.name,
        'category': service.category,
        'price': {'amount': service.base_price, 'currency': CURRENCY},
        'minutes': service.time_required,
        'active': service.is_active,
    }


def _person(user: User | None) -> dict[str, Any] | None:
    return user and {'id': user.id, 'name': user.name, 'phone': user.phone}


def _local(moment: datetime | None) -> str | None:
    """ISO 8601 with the site's offset (+05:30), as the API writes times."""
    return moment and moment.astimezone(get_settings().zone).isoformat()
