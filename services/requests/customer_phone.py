"""The customer's phone at booking (issue 19): a professional must be able to reach them once they accept, so a
customer with none on file gives one with the booking; it is checked by the profile's rule and saved to the profile in
the booking's own unit (a refused booking saves nothing)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import User
from services.core import validation


def phone_to_save(session: Session, customer_id: int, phone: Any) -> str | None:
    """The phone to save with the booking, in E.164: None when the booking gives none (a caller that does not ask
    for it, such as the demo seeder) or when the customer has one on file (the profile page changes it, a booking
    does not). Given for a customer without one, it is required and checked like the profile's phone."""
    if phone is None or session.scalar(select(User.phone).where(User.id == customer_id)):
        return None
    return validation.phone(phone, required=True)


def save_phone(session: Session, customer_id: int, phone: str) -> None:
    session.execute(update(User).where(User.id == customer_id).values(phone=phone))
