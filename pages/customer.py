"""The customer's workspace (`/customer/...`)."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, ui

from components.catalog import service_table
from components.frame import frame
from components.requests import request_table
from models.enums import Role
from pages.viewer import frame_options, require_viewer
from services import catalog, service_requests, session_scope

router = APIRouter(prefix='/customer')


@router.page('', title='Services · Household Services')
async def home_page() -> RedirectResponse | None:
    viewer = await require_viewer(Role.CUSTOMER)
    if viewer.redirect:
        return viewer.redirect
    with session_scope() as session:
        services = catalog.list_services(session)
        requests = service_requests.list_customer_requests(session, viewer.actor, limit=20)
    policy = service_requests.policy()
    with frame('Services', **frame_options(viewer)):
        ui.label(f'Hello, {viewer.actor.name}.').mark('customer-welcome')
        ui.label('Your requests').classes('text-lg font-semibold').props('role=heading aria-level=2')
        request_table(
            requests.rows,
            timezone=policy.timezone,
            show_customer=False,
            empty='You have not booked anything yet.',
            marker='customer-requests',
        )
        ui.label('Services on offer').classes('text-lg font-semibold').props('role=heading aria-level=2')
        service_table(services)
    return None
