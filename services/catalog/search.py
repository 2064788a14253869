"""Finding a service to book: the active services matching a name or category, the professionals serving the
customer's pincode for each, and why nothing matches when nothing does; then what the booking form offers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import ProfessionalPincode, ProfessionalProfile, Service, User
from models.enums import ApprovalState, Role
from services import people, requests
from services.catalog import listing
from services.catalog.rows import BookingForm, NearbyPincode, ServiceMatch, ServiceSearch
from services.core import clock, text_search, validation
from services.core.access import require_role
from services.core.errors import ValidationError
from services.core.rows import Actor
from settings import get_settings

MAX_TEXT = 80
PROFESSIONALS_SHOWN = 5  # per service in the results; the booking form lists more
NEARBY_SHOWN = 5
SEARCH_CHANGED_BY = frozenset(  # the events after which a search may find something else
    {
        'service.changed',
        'user.blocked',
        'user.unblocked',
        'professional.approved',
        'professional.rejected',
        'professional.resubmitted',
        'professional.profile_edited',
        'request.closed',
        'request.reviewed',
        'request.auto_closed',
    }
)
MAX_NAMED = 3  # services named in 'nobody serves ...'; more read as a wall of names


def find_services(
    session: Session, actor: Actor, *, text: Any = '', category: Any = '', pincode: Any = None
) -> ServiceSearch:
    """Customers search the active services by name or category in a pincode (their own unless they give another);
    each comes with the approved professionals serving that pincode. When nothing can be booked it says why: no
    such service, the service was retired, or nobody serves that pincode yet (and which nearby pincodes they do)."""
    user = require_role(session, actor, Role.CUSTOMER)
    text = validation.text(text, field='text', label='Search', max_length=MAX_TEXT, required=False)
    code = validation.pincode(_given(pincode, default=user.customer_profile.pincode if user.customer_profile else ''))
    categories = listing.list_categories(session)
    category, on_offer = _category(session, category, categories)
    found = listing.search_services(session, text=text, category=category or None) if on_offer else []
    matches = _matches(session, found, code)
    search = ServiceSearch(
        text=text,
        category=category,
        pincode=code,
        categories=tuple(categories),
        matches=tuple(sorted(matches, key=lambda match: not match.bookable)),  # stable: catalogue order within
    )
    return _explained(session, search, category_on_offer=on_offer)


def booking_form(
    session: Session,
    actor: Actor,
    *,
    service_id: Any,
    pincode: Any = None,
    professional_id: Any = None,
    now: datetime | None = None,
) -> BookingForm:
    """Customers book an active service: the form starts at their own address (only the pincode when they searched
    another one), lists the professionals serving that pincode, and offers the days that still have a slot."""
    user = require_role(session, actor, Role.CUSTOMER)
    service = listing.get_service(session, service_id=service_id)  # NotFound: missing, or retired
    profile = user.customer_profile
    code = validation.pincode(_given(pincode, default=profile.pincode if profile else ''))
    cards = people.list_for_service(session, service_id=service.id, pincode=code)
    chosen = next((card.professional_id for card in cards if card.professional_id == professional_id), None)
    return BookingForm(
        service=service,
        address=profile.address if profile and profile.pincode == code else '',
        pincode=code,
        professionals=tuple(cards),
        chosen_professional_id=chosen,
        days=tuple(requests.bookable_days(service.time_required, now=now or clock.now())),
        timezone=get_settings().timezone,
    )


# --- helpers ----------------------------------------------------------------------------------------------------------


def _given(value: Any, *, default: str) -> Any:
    return default if value is None or (isinstance(value, str) and not value.strip()) else value


def _category(session: Session, value: Any, categories: list[str]) -> tuple[str, bool]:
    """The category ('' for any) and whether it is on offer; one that only retired services had is not."""
    value = validation.text(value, field='category', label='Category', max_length=60, required=False)
    if not value or value in categories:
        return value, True
    if session.scalar(select(Service.id).where(Service.category == value).limit(1)) is not None:
        return value, False
    raise ValidationError('Choose a category from the list.', field='category')


def _matches(session: Session, services: list[Any], code: str) -> list[ServiceMatch]:
    cards = {
        s.id: people.list_for_service(session, service_id=s.id, pincode=code, limit=PROFESSIONALS_SHOWN)
        for s in services
    }
    nearby = _nearby(session, [s.id for s in services if not cards[s.id]], code)
    return [ServiceMatch(s, tuple(cards[s.id]), tuple(nearby.get(s.id, ()))) for s in services]


def _nearby(session: Session, service_ids: list[int], code: str) -> dict[int, list[NearbyPincode]]:
    """Per service, the other pincodes of the same sorting district (the first three digits) where approved,
    unblocked professionals offer it, the closest number first."""
    if not service_ids:
        return {}
    p, pp, district = ProfessionalProfile, ProfessionalPincode, code[:3]
    rows = session.execute(
        select(p.service_id, pp.pincode, func.count())
        .join(p, p.user_id == pp.professional_id)
        .join(User, User.id == p.user_id)
        .where(
            p.service_id.in_(service_ids),
            p.approval_state == ApprovalState.APPROVED,
            User.is_blocked.is_(False),
            pp.pincode.between(f'{district}000', f'{district}999'),
            pp.pincode != code,
        )
        .group_by(p.service_id, pp.pincode)
    ).all()
    nearby: dict[int, list[NearbyPincode]] = defaultdict(list)
    for service_id, pincode, count in sorted(rows, key=lambda row: (abs(int(row[1]) - int(code)), row[1])):
        if len(nearby[service_id]) < NEARBY_SHOWN:
            nearby[service_id].append(NearbyPincode(pincode, count))
    return nearby


def _explained(session: Session, search: ServiceSearch, *, category_on_offer: bool) -> ServiceSearch:
    """The search, with why nothing can be booked when that is so."""
    if any(match.bookable for match in search.matches):
        return search
    if search.matches:
        names = [match.service.name for match in search.matches]
        what = _and(names) if len(names) <= MAX_NAMED else 'these services'
        because = f'No professional offers {what} in pincode {search.pincode} yet.'
        if any(match.nearby for match in search.matches):
            because += ' Some work in nearby pincodes (below).'
        return replace(search, nothing_because=because, nothing_kind='no-professional')
    if not category_on_offer:
        because = f'Nothing in {search.category} is offered any more. Choose another category.'
        return replace(search, nothing_because=because, nothing_kind='retired')
    retired = _retired_matching(session, search.text, search.category)
    if retired:
        verb = 'is' if len(retired) == 1 else 'are'
        return replace(search, nothing_because=f'{_and(retired)} {verb} no longer offered.', nothing_kind='retired')
    if not search.text and not search.category:
        return replace(search, nothing_because='No services are on offer yet.', nothing_kind='no-service')
    wanted = f'“{search.text}”' + (f' in {search.category}' if search.category else '')
    because = f'No service matches {wanted}. Try another word, or choose a category.'
    return replace(search, nothing_because=because, nothing_kind='no-service')


def _retired_matching(session: Session, text: str, category: str) -> list[str]:
    """The retired services the search would have found, A to Z (at most five named)."""
    if not text:
        return []
    query = select(Service.name).where(Service.is_active.is_(False), text_search.service_filter(session, text))
    if category:
        query = query.where(Service.category == category)
    return list(session.scalars(query.order_by(Service.name).limit(5)))


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f'{", ".join(names[:-1])} and {names[-1]}'
