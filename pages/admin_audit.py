"""The admin's audit pages (`/admin/audit`)."""

from __future__ import annotations

from nicegui import APIRouter

router = APIRouter(prefix='/admin')
