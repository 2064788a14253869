"""Sign-up: customers and professionals sign up (and in) on the web, admins are made from the command line."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import CustomerProfile, ProfessionalPincode, ProfessionalProfile, Service, User
from models.db import session_scope
from models.enums import ApprovalState, Role
from services import audit, identity
from services.core import clock, validation
from services.core.access import check_role
from services.core.errors import Conflict, PermissionDenied, ValidationError
from services.core.rows import Actor
from services.identity import SignedIn


def register(
    role: Role, fields: dict[str, Any], *, client_ip: str, user_agent: str = '', now: datetime | None = None
) -> SignedIn:
    """Sign up and sign in at once (the sign-up page). A client address over the sign-in throttle is
    refused, and an email that is already taken counts as a failed sign-in for that address, so
    sign-up cannot be used to probe for accounts faster than sign-in can."""
    now = now or clock.now()
    with session_scope(write=True) as session:
        refusal = identity.refuse_sign_up(session, fields.get('email'), client_ip=client_ip, now=now)
    if refusal:
        raise refusal
    sign_up = {Role.CUSTOMER: sign_up_customer, Role.PROFESSIONAL: sign_up_professional}.get(role)
    if sign_up is None:
        raise PermissionDenied('Admins are created from the command line.')
    with session_scope(write=True) as session:
        actor = sign_up(session, **fields, now=now)
        user = session.get(User, actor.id)
        token = identity.open_session(session, user, client_ip=client_ip, user_agent=user_agent, now=now)
    return SignedIn(token=token, key=identity.hash_token(token), actor=actor)


def sign_up_customer(
    session: Session,
    *,
    name: Any,
    email: Any,
    password: Any,
    phone: Any,
    address: Any,
    pincode: Any,
    now: datetime | None = None,
) -> Actor:
    """Anyone can become a customer; the account is usable at once."""
    now = now or clock.now()
    fields = person_fields(name=name, email=email, phone=phone, phone_required=False)
    profile = CustomerProfile(
        address=validation.text(address, field='address', label='Address', max_length=300, multiline=True),
        pincode=validation.pincode(pincode),
    )
    password_hash = identity.hash_new(password)  # before the first query: no lock is held during bcrypt
    user = _insert_user(session, Role.CUSTOMER, fields, password_hash, now=now)
    user.customer_profile = profile
    session.flush()
    return identity.actor_for(user)


def sign_up_professional(
    session: Session,
    *,
    name: Any,
    email: Any,
    password: Any,
    phone: Any,
    service_id: Any,
    experience_years: Any,
    description: Any,
    pincodes: Any,
    now: datetime | None = None,
) -> Actor:
    """A professional signs up for one active service and waits for an admin's approval."""
    now = now or clock.now()
    fields = person_fields(name=name, email=email, phone=phone, phone_required=True)
    experience = validation.whole_number(
        experience_years, field='experience_years', label='Experience (years)', minimum=0, maximum=70
    )
    about = validation.text(description, field='description', label='Description', max_length=2000, multiline=True)
    served = validation.pincodes(pincodes)
    password_hash = identity.hash_new(password)
    service = session.get(Service, service_id) if validation.is_id(service_id, Service.id) else None
    if service is None or not service.is_active:
        raise ValidationError('Choose a service from the list.', field='service_id')
    user = _insert_user(session, Role.PROFESSIONAL, fields, password_hash, now=now)
    user.professional_profile = ProfessionalProfile(
        service_id=service.id,
        experience_years=experience,
        description=about,
        approval_state=ApprovalState.PENDING,
        pincodes=[ProfessionalPincode(pincode=code) for code in served],
    )
    session.flush()
    return identity.actor_for(user)


def create_admin(
    session: Session, actor: Actor, *, name: Any, email: Any, password: Any, now: datetime | None = None
) -> Actor:
    """Only the operator at the command line (or another admin) creates admins; there is no default one."""
    check_role(session, actor, Role.ADMIN)
    now = now or clock.now()
    fields = person_fields(name=name, email=email, phone=None, phone_required=False)
    user = _insert_user(session, Role.ADMIN, fields, identity.hash_new(password), now=now)
    audit.record(session, actor, 'user.create_admin', target_type='user', target_id=user.id, now=now)
    return identity.actor_for(user)


def person_fields(*, name: Any, email: Any, phone: Any, phone_required: bool) -> dict[str, Any]:
    """Name, email and phone as every role enters them, validated."""
    return {
        'name': validation.name(name, max_length=100),
        'email': validation.email(email),
        'phone': validation.phone(phone, required=phone_required),
    }


def _insert_user(session: Session, role: Role, fields: dict[str, Any], password_hash: str, *, now: datetime) -> User:
    if session.scalar(select(func.count()).select_from(User).where(User.email == fields['email'])):
        raise Conflict(identity.EMAIL_TAKEN)
    user = User(role=role, **fields, password_hash=password_hash, created_at=now, password_changed_at=now)
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(identity.EMAIL_TAKEN) from None
    return user
