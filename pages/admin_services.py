"""The admin's services pages (`/admin/services`)."""

from __future__ import annotations

from nicegui import APIRouter

router = APIRouter(prefix='/admin')
