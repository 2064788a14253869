"""The caller's notifications, newest first, and marking them read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from api.problems import ProblemRoute
from api.viewer import Signed
from services import messaging

router = APIRouter(route_class=ProblemRoute, tags=['notifications'])
PAGE = 20


class Notification(BaseModel):
    id: int
    kind: str = Field(examples=['request.accepted'])
    message: str
    request_id: int | None
    created_at: datetime
    is_read: bool


class NotificationList(BaseModel):
    items: list[Notification]
    next: str | None = Field(description='Pass it back as ?cursor= for older ones; null on the last page')
    unread: int


@router.get('/notifications', response_model=NotificationList, summary='Newest first')
def list_notifications(
    caller: Signed, cursor: Annotated[str | None, Query(max_length=20, pattern=r'^\d+$')] = None
) -> NotificationList:
    with caller.unit() as (session, actor):
        rows = messaging.list_notifications(session, actor, before_id=cursor, limit=PAGE + 1)
        unread = messaging.count_unread(session, actor)
    shown = rows[:PAGE]
    return NotificationList(
        items=[Notification(**{name: getattr(row, name) for name in Notification.model_fields}) for row in shown],
        next=str(shown[-1].id) if len(rows) > PAGE else None,
        unread=unread,
    )


@router.post('/notifications/{notification_id}/read', status_code=204, summary='Mark one read')
def mark_read(caller: Signed, notification_id: int) -> Response:
    with caller.unit(write=True) as (session, actor):
        messaging.mark_read(session, actor, notification_id=notification_id)
    return Response(status_code=204)


@router.post('/notifications/read', status_code=204, summary='Mark all read')
def mark_all_read(caller: Signed) -> Response:
    with caller.unit(write=True) as (session, actor):
        messaging.mark_all_read(session, actor)
    return Response(status_code=204)
