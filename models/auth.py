"""Sign-in state: revocable sessions (only token hashes are stored) and sign-in attempts for throttling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, enum_column
from models.enums import SignInOutcome


class AuthSession(Base):
    __tablename__ = 'auth_session'

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey('user.id', ondelete='CASCADE'), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex of the raw token
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # absolute expiry; idle expiry is last_seen_at + session_idle_minutes
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(40))
    client_ip: Mapped[str] = mapped_column(String(45), default='')
    user_agent: Mapped[str] = mapped_column(String(300), default='')


class SignInAttempt(Base):
    __tablename__ = 'sign_in_attempt'

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))  # as normalized, whether or not an account exists
    client_ip: Mapped[str] = mapped_column(String(45))
    attempted_at: Mapped[datetime]
    outcome: Mapped[SignInOutcome] = mapped_column(enum_column(SignInOutcome, 'outcome'))
    user_id: Mapped[int | None] = mapped_column(ForeignKey('user.id', ondelete='SET NULL'))
    cleared_at: Mapped[datetime | None]  # an admin unlocked the account: no longer counts

    __table_args__ = (
        Index(None, 'email', 'attempted_at'),
        Index(None, 'client_ip', 'attempted_at'),
    )
