"""People: one `user` row per person, with a 1:1 profile for customers and professionals."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, enum_column
from models.enums import ApprovalState, NotificationChannel, Role


class User(Base):
    __tablename__ = 'user'

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, 'role'))
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    phone: Mapped[str | None] = mapped_column(String(16))  # E.164
    password_hash: Mapped[str] = mapped_column(String(60))
    is_blocked: Mapped[bool] = mapped_column(default=False)
    blocked_reason: Mapped[str | None] = mapped_column(String(500))
    blocked_at: Mapped[datetime | None]
    prefers_dark: Mapped[bool] = mapped_column(default=False)
    notification_channel: Mapped[NotificationChannel] = mapped_column(
        enum_column(NotificationChannel, 'notification_channel'),
        default=NotificationChannel.EMAIL,
        server_default=NotificationChannel.EMAIL.value,
    )
    chat_webhook_url: Mapped[str | None] = mapped_column(String(500))  # kept when another channel is chosen
    report_opt_out_at: Mapped[datetime | None]  # unsubscribed from the monthly activity report
    created_at: Mapped[datetime]
    password_changed_at: Mapped[datetime]

    customer_profile: Mapped[CustomerProfile | None] = relationship(back_populates='user')
    professional_profile: Mapped[ProfessionalProfile | None] = relationship(back_populates='user')

    __table_args__ = (Index(None, 'role', 'name'), Index(None, 'created_at', 'id'))  # the latter: admin's list


class CustomerProfile(Base):
    __tablename__ = 'customer_profile'

    user_id: Mapped[int] = mapped_column(ForeignKey('user.id', ondelete='CASCADE'), primary_key=True)
    address: Mapped[str] = mapped_column(String(300))
    pincode: Mapped[str] = mapped_column(String(6), index=True)  # the admin's users list filters by it

    user: Mapped[User] = relationship(back_populates='customer_profile')


class ProfessionalProfile(Base):
    __tablename__ = 'professional_profile'

    user_id: Mapped[int] = mapped_column(ForeignKey('user.id', ondelete='CASCADE'), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey('service.id'), index=True)
    experience_years: Mapped[int]
    description: Mapped[str] = mapped_column(Text)
    approval_state: Mapped[ApprovalState] = mapped_column(
        enum_column(ApprovalState, 'approval_state'), default=ApprovalState.PENDING, index=True
    )
    approval_reason: Mapped[str | None] = mapped_column(String(500))
    approval_decided_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]  # last (re)submission for approval
    rating_count: Mapped[int] = mapped_column(default=0)  # reviews received
    rating_sum: Mapped[int] = mapped_column(default=0)  # their ratings added up: average = sum / count

    user: Mapped[User] = relationship(back_populates='professional_profile')
    pincodes: Mapped[list[ProfessionalPincode]] = relationship(
        cascade='all, delete-orphan', order_by='ProfessionalPincode.pincode'
    )

    __table_args__ = (CheckConstraint('experience_years BETWEEN 0 AND 70', name='experience_years'),)


class ProfessionalPincode(Base):
    """A pincode a professional serves; its own table so search by pincode uses an index."""

    __tablename__ = 'professional_pincode'

    professional_id: Mapped[int] = mapped_column(
        ForeignKey('professional_profile.user_id', ondelete='CASCADE'), primary_key=True
    )
    pincode: Mapped[str] = mapped_column(String(6), primary_key=True, index=True)
