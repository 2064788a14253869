"""The professional's pages (`/professional/...`), continued."""

from __future__ import annotations

from nicegui import APIRouter

router = APIRouter(prefix='/professional')
