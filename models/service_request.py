"""Service requests, their reviews and the per-professional dismissals of open requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, enum_column
from models.enums import RequestStatus


class ServiceRequest(Base):
    __tablename__ = 'service_request'

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey('service.id'))
    customer_id: Mapped[int] = mapped_column(ForeignKey('user.id'))
    professional_id: Mapped[int | None] = mapped_column(ForeignKey('user.id'))  # who accepted it
    requested_professional_id: Mapped[int | None] = mapped_column(ForeignKey('user.id'))  # addressed to
    service_status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus, 'service_status'))
    date_of_request: Mapped[datetime]  # when it was booked
    scheduled_at: Mapped[datetime]
    ends_at: Mapped[datetime]  # scheduled_at + time_required
    time_required: Mapped[int]  # minutes, copied from the service at booking
    price: Mapped[int]  # paise, copied from the service at booking
    address: Mapped[str] = mapped_column(String(300))
    pincode: Mapped[str] = mapped_column(String(6))
    remarks: Mapped[str] = mapped_column(Text, default='')
    assigned_at: Mapped[datetime | None]
    date_of_completion: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime]

    __table_args__ = (
        Index(None, 'professional_id', 'service_status', 'scheduled_at'),
        Index(None, 'service_id', 'pincode', 'service_status', 'scheduled_at'),  # the open pool
        Index(None, 'requested_professional_id', 'service_status', 'scheduled_at'),
        Index(None, 'customer_id', 'date_of_request', 'id'),
        Index(None, 'customer_id', 'service_status', 'scheduled_at'),  # the admin's list by customer (0009)
        Index(None, 'service_status', 'scheduled_at', 'id'),  # expire; admin lists
        Index(None, 'date_of_request', 'id'),
        # the admin's list: every request newest slot first, and the status and pincode filters on either order
        Index(None, 'scheduled_at', 'id'),
        Index(None, 'service_status', 'date_of_request', 'id'),
        Index(None, 'pincode', 'scheduled_at', 'id'),
        Index(None, 'service_status', 'date_of_completion'),  # auto-close
        CheckConstraint('ends_at > scheduled_at', name='ends_after_start'),
        CheckConstraint('price >= 0', name='price_not_negative'),
    )


class Review(Base):
    """One per request: the customer's rating (1-5) and remarks about the professional."""

    __tablename__ = 'review'

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey('service_request.id'), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey('user.id'))
    professional_id: Mapped[int] = mapped_column(ForeignKey('user.id'))
    rating: Mapped[int]
    remarks: Mapped[str] = mapped_column(Text, default='')
    created_at: Mapped[datetime]

    __table_args__ = (
        CheckConstraint('rating BETWEEN 1 AND 5', name='rating_range'),
        Index(None, 'professional_id', 'created_at'),
        Index(None, 'rating'),  # the dashboard's rating distribution reads this index, not the table
    )


class RequestDismissal(Base):
    """A professional declined (or withdrew from) an open request: it leaves their inbox only."""

    __tablename__ = 'request_dismissal'

    request_id: Mapped[int] = mapped_column(ForeignKey('service_request.id', ondelete='CASCADE'), primary_key=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey('user.id', ondelete='CASCADE'), primary_key=True)
    dismissed_at: Mapped[datetime]

    __table_args__ = (Index(None, 'professional_id', 'request_id'),)
