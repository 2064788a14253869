"""The customer's pages (`/customer/...`), continued."""

from __future__ import annotations

from nicegui import APIRouter

router = APIRouter(prefix='/customer')
