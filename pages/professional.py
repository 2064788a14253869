"""The professional's workspace (`/professional/...`)."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, ui

from components.frame import frame
from components.profile import approval_banner
from components.requests import request_table
from models.enums import ApprovalState, Role
from pages.viewer import frame_options, require_viewer
from services import service_requests, session_scope, users

router = APIRouter(prefix='/professional')


@router.page('', title='My work · Household Services')
async def home_page() -> RedirectResponse | None:
    viewer = await require_viewer(Role.PROFESSIONAL)
    if viewer.redirect:
        return viewer.redirect
    approved = viewer.actor.approval_state is ApprovalState.APPROVED
    with session_scope() as session:
        profile = users.get_profile(session, viewer.actor)
        inbox = service_requests.list_inbox(session, viewer.actor, limit=20) if approved else None
        jobs = service_requests.list_jobs(session, viewer.actor, limit=20)
    policy = service_requests.policy()
    with frame('My work', **frame_options(viewer)):
        approval_banner(profile.approval_state, profile.approval_reason)
        with ui.card().classes('w-full'):
            ui.label(f'{profile.service_name} · {profile.experience_years} years of experience')
            ui.label(f'Pincodes you serve: {", ".join(profile.pincodes)}')
            ui.label(profile.description).classes('whitespace-pre-line')
        if inbox is not None:
            ui.label('Open requests for you').classes('text-lg font-semibold').props('role=heading aria-level=2')
            request_table(
                inbox.rows,
                timezone=policy.timezone,
                show_customer=True,
                empty='No open requests in your pincodes right now.',
                marker='professional-inbox',
            )
        ui.label('Your jobs').classes('text-lg font-semibold').props('role=heading aria-level=2')
        request_table(
            jobs.rows, timezone=policy.timezone, show_customer=True, empty='No jobs yet.', marker='professional-jobs'
        )
    return None
