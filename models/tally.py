"""Running counts the database keeps itself (triggers in migration 0008): how many requests each service has in
each status, and how many reviews gave each rating. The dashboard reads a few dozen rows here instead of counting a
million requests; every writer (the services, a bulk load, a hand-typed UPDATE) keeps them right."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, enum_column
from models.enums import RequestStatus


class RequestTally(Base):
    __tablename__ = 'request_tally'

    service_id: Mapped[int] = mapped_column(ForeignKey('service.id'), primary_key=True)
    service_status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus, 'request_tally_status'), primary_key=True
    )
    requests: Mapped[int]


class RatingTally(Base):
    __tablename__ = 'rating_tally'

    rating: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    reviews: Mapped[int]
