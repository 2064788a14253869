"""A professional's verification documents: metadata here, bytes under data_dir/documents/."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, enum_column
from models.enums import DocumentKind


class Document(Base):
    __tablename__ = 'document'

    id: Mapped[int] = mapped_column(primary_key=True)
    professional_id: Mapped[int] = mapped_column(
        ForeignKey('professional_profile.user_id', ondelete='CASCADE'), index=True
    )
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, 'document_kind'))
    original_name: Mapped[str] = mapped_column(String(200))  # as uploaded; shown, never used as a path
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)  # server-generated
    content_type: Mapped[str] = mapped_column(String(40))  # decided from the bytes
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime]
