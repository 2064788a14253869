"""The admin's users pages (`/admin/users`)."""

from __future__ import annotations

from nicegui import APIRouter

router = APIRouter(prefix='/admin')
