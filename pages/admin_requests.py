"""The admin's requests pages (`/admin/requests`)."""

from __future__ import annotations

from nicegui import APIRouter

router = APIRouter(prefix='/admin')
