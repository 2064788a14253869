"""The professional's workspace (`/professional/...`)."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, ui

from components.frame import frame
from components.profile import approval_banner
from models.enums import Role
from pages.viewer import frame_options, require_viewer
from services import session_scope, users

router = APIRouter(prefix='/professional')


@router.page('', title='My work · Household Services')
async def home_page() -> RedirectResponse | None:
    viewer = await require_viewer(Role.PROFESSIONAL)
    if viewer.redirect:
        return viewer.redirect
    with session_scope() as session:
        profile = users.get_profile(session, viewer.actor)
    with frame('My work', **frame_options(viewer)):
        approval_banner(profile.approval_state, profile.approval_reason)
        with ui.card().classes('w-full'):
            ui.label(f'{profile.service_name} · {profile.experience_years} years of experience')
            ui.label(f'Pincodes you serve: {", ".join(profile.pincodes)}')
            ui.label(profile.description).classes('whitespace-pre-line')
    return None
