"""A professional's whole profile as one frozen row, built for many professionals in a few queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ProfessionalPincode, ProfessionalProfile, Service, User
from services.core import validation
from services.people.documents import document_rows_of
from services.people.rows import DocumentRow, ProfessionalView


def views_of(session: Session, ids: list[int]) -> list[ProfessionalView]:
    """Whole profiles in the order of `ids`, in four queries however many there are."""
    ids = [i for i in ids if validation.is_id(i, User.id)]
    if not ids:
        return []
    rows = session.execute(
        select(User, ProfessionalProfile, Service)
        .join(ProfessionalProfile, ProfessionalProfile.user_id == User.id)
        .join(Service, Service.id == ProfessionalProfile.service_id)
        .where(User.id.in_(ids))
    ).all()
    pincodes = grouped(
        session.execute(
            select(ProfessionalPincode.professional_id, ProfessionalPincode.pincode)
            .where(ProfessionalPincode.professional_id.in_(ids))
            .order_by(ProfessionalPincode.pincode)
        )
    )
    documents = document_rows_of(session, ids)
    found = {
        user.id: _view(user, profile, service, pincodes.get(user.id, []), documents.get(user.id, []))
        for user, profile, service in rows
    }
    return [found[i] for i in ids if i in found]


def _view(
    user: User, profile: ProfessionalProfile, service: Service, pincodes: list[str], documents: list[DocumentRow]
) -> ProfessionalView:
    return ProfessionalView(
        professional_id=user.id,
        name=user.name,
        email=user.email,
        phone=user.phone or '',
        is_blocked=user.is_blocked,
        service_id=service.id,
        service_name=service.name,
        service_active=service.is_active,
        experience_years=profile.experience_years,
        description=profile.description,
        pincodes=tuple(pincodes),
        approval_state=profile.approval_state,
        approval_reason=profile.approval_reason or '',
        submitted_at=profile.submitted_at,
        approval_decided_at=profile.approval_decided_at,
        rating_average=average(profile.rating_sum, profile.rating_count),
        rating_count=profile.rating_count,
        documents=tuple(documents),
    )


def grouped(pairs: Iterable[Any]) -> dict[int, list[Any]]:
    """(key, value) pairs as {key: [values in order]}."""
    groups: dict[int, list[Any]] = defaultdict(list)
    for key, value in pairs:
        groups[key].append(value)
    return groups


def average(rating_sum: int, rating_count: int) -> float | None:
    """A professional's average rating; None until the first review."""
    return rating_sum / rating_count if rating_count else None
