"""The admin's workspace (`/admin/...`)."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, ui

from components.catalog import service_table
from components.frame import frame
from models.enums import Role
from pages.viewer import frame_options, require_viewer
from services import catalog, session_scope

router = APIRouter(prefix='/admin')


@router.page('', title='Dashboard · Household Services')
async def dashboard_page() -> RedirectResponse | None:
    viewer = await require_viewer(Role.ADMIN)
    if viewer.redirect:
        return viewer.redirect
    with session_scope() as session:
        services = catalog.list_services(session, viewer.actor, include_retired=True)
    with frame('Dashboard', **frame_options(viewer)):
        ui.label(f'Welcome, {viewer.actor.name}.').mark('admin-welcome')
        ui.label('Service catalogue').classes('text-lg font-semibold').props('role=heading aria-level=2')
        service_table(services, show_status=True)
    return None
