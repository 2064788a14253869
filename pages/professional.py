"""The professional's home (`/professional`): where their approval stands (the reason, and Resubmit after a
rejection), the work waiting for them, their profile as a form, and their documents with upload and remove."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, events, run, ui

from components.dialogs import confirm
from components.document_upload import document_upload, own_documents
from components.forms import busy, clear_field_errors, notice, show_field_error
from components.frame import frame
from components.profile import approval_banner
from components.profile_form import SERVICE_CHANGE_WARNING, Inputs, profile_form
from models.enums import ApprovalState, Role
from pages import professional_units as units
from pages.viewer import Viewer, frame_options, guarded, require_viewer
from services import ServiceError, ValidationError, people, requests
from services.people import DocumentRow, ProfessionalView

router = APIRouter(prefix='/professional')
JOBS = '/professional/jobs'
BROWSER_REFUSALS = {'too big': people.TOO_BIG, 'wrong type': people.WRONG_TYPE}


@router.page('', title='My work · Household Services')
async def home_page() -> RedirectResponse | None:
    viewer = await require_viewer(Role.PROFESSIONAL)
    if viewer.redirect:
        return viewer.redirect
    home = HomeView(viewer)
    with frame('My work', **frame_options(viewer)):
        await home.show()
    return None


class HomeView:
    """The home's content, re-rendered whole after every change (a change of service changes the approval state)."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self.zone = ZoneInfo(requests.policy().timezone)
        self.profile: ProfessionalView | None = None
        self.kind: ui.select | None = None
        self.save = guarded(viewer)(self._save)
        self.resubmit = guarded(viewer)(self._resubmit)
        self.upload = guarded(viewer)(self._upload)
        self.remove = guarded(viewer)(self._remove)

    @ui.refreshable_method
    async def show(self) -> None:
        try:
            home = await run.io_bound(units.load_home, self.viewer)
        except ServiceError as refusal:  # e.g. blocked a moment ago
            notice(str(refusal))
            return
        self.profile = profile = home.profile
        self._approval(profile)
        if home.inbox_count:
            _work_waiting(home)
        with _section('Your profile', 'profile-card'):
            ui.label(f'{profile.name} · {profile.email}').classes('break-all')
            with ui.row().classes('gap-1 text-sm text-grey-8'):
                ui.label('Your name and password are on your')
                ui.link('account page', '/account')
            profile_form(profile, home.services, on_save=self.save)
        with _section('Documents', 'documents-card'):
            self._documents(profile)

    def _approval(self, profile: ProfessionalView) -> None:
        approval_banner(profile.approval_state, profile.approval_reason)
        if not profile.service_active:
            notice(
                f'{profile.service_name} is no longer offered, so you get no new requests. Choose another service '
                'below; your profile then waits for approval again.'
            ).mark('service-retired')
        if profile.approval_state is ApprovalState.REJECTED:
            with ui.row().classes('w-full items-center gap-3'):
                ui.label('Fixed what the reason says? Resubmit your profile and an admin reviews it again.')
                button = ui.button('Resubmit for approval', icon='send').props('no-caps').mark('resubmit')
                button.on_click(lambda: self.resubmit(button))
        elif profile.approval_state is ApprovalState.PENDING:
            ui.label('Meanwhile, check that your profile and documents are complete.').classes('text-grey-8')

    def _documents(self, profile: ProfessionalView) -> None:
        approved = profile.approval_state is ApprovalState.APPROVED
        ui.label('An admin checks your ID proof and certificates before approving you.').classes('text-grey-8')
        own_documents(profile.documents, self.zone, removable=not approved, on_remove=self.remove)
        if approved and profile.documents:
            ui.label('You were approved with these documents, so they stay; you can add more.').classes(
                'text-sm text-grey-8'
            )
        self.kind, _ = document_upload(
            max_bytes=people.MAX_DOCUMENT_BYTES,
            on_upload=self.upload,
            on_refused=lambda why: _refused(BROWSER_REFUSALS[why]),
        )
        ui.label(f'{len(profile.documents)} of at most {people.MAX_DOCUMENTS} documents.').classes(
            'text-sm text-grey-8'
        ).mark('documents-count')

    # --- handlers (each re-validates the viewer first: see __init__) ------------------------------------------------

    async def _save(self, inputs: Inputs, button: ui.button) -> None:
        assert self.profile is not None  # the form exists only once the profile is loaded
        changed = inputs['service_id'].value != self.profile.service_id
        if changed and not await confirm(
            'Change your service?', SERVICE_CHANGE_WARNING, action='Change service', marker='service-change'
        ):
            return
        clear_field_errors(inputs)
        with busy(button):
            try:
                await run.io_bound(units.save_profile, self.viewer, {name: el.value for name, el in inputs.items()})
            except ValidationError as refusal:
                if not show_field_error(inputs, refusal.field, str(refusal)):
                    _refused(str(refusal))
                return
            except ServiceError as refusal:
                _refused(str(refusal))
                return
        waits = changed and self.profile.approval_state is not ApprovalState.PENDING
        ui.notify(
            'Profile saved.' + (' It waits for approval again.' if waits else ''), type='positive', position='top'
        )
        await self.show.refresh()

    async def _resubmit(self, button: ui.button) -> None:
        with busy(button):
            try:
                await run.io_bound(units.resubmit, self.viewer)
            except ServiceError as refusal:
                _refused(str(refusal))
                await self.show.refresh()
                return
        ui.notify('Resubmitted: an admin reviews your profile again.', type='positive', position='top')
        await self.show.refresh()

    async def _upload(self, event: events.UploadEventArguments) -> None:
        file, kind = event.file, self.kind.value if self.kind else None
        try:
            people.refuse_too_big(file.size())  # before reading a file the browser should have refused
            await run.io_bound(units.add_document, self.viewer, kind, file.name, await file.read())
        except ValidationError as refusal:
            if refusal.field == 'kind' and self.kind is not None:
                show_field_error({'kind': self.kind}, 'kind', str(refusal))
            _refused(str(refusal))
            return
        except ServiceError as refusal:
            _refused(str(refusal))
            return
        finally:
            event.sender.reset()
        ui.notify(f'Uploaded {file.name}.', type='positive', position='top')
        await self.show.refresh()

    async def _remove(self, document: DocumentRow) -> None:
        if not await confirm(
            'Remove this document?',
            document.original_name,
            action='Remove document',
            marker=f'document-{document.id}-remove',
        ):
            return
        try:
            await run.io_bound(units.remove_document, self.viewer, document.id)
        except ServiceError as refusal:
            _refused(str(refusal))
        else:
            ui.notify('Document removed.', type='positive', position='top')
        await self.show.refresh()


def _work_waiting(home: units.Home) -> None:
    """Approved professionals see what waits for them, each a link to its list."""
    with ui.element('div').classes('w-full grid grid-cols-3 gap-2 sm:gap-3').mark('work-waiting'):
        for count, words, path, marker in (
            (home.inbox_count, 'open in your inbox', '/professional/inbox', 'waiting-inbox'),
            (home.upcoming_count, 'upcoming job' + ('' if home.upcoming_count == '1' else 's'), JOBS, 'waiting-jobs'),
            (*_rating_words(home.profile), '/professional/reviews', 'waiting-rating'),
        ):
            with ui.link(target=path).classes('no-underline text-inherit').mark(marker):
                with ui.card().classes('w-full h-full gap-0 p-2 sm:p-4 hover:shadow-md').props('flat bordered'):
                    ui.label(count).classes('text-xl sm:text-2xl font-semibold text-primary')
                    ui.label(words).classes('text-sm sm:text-base')


def _rating_words(profile: ProfessionalView) -> tuple[str, str]:
    """The rating as a big figure and the words under it."""
    if profile.rating_average is None:
        return 'No rating', 'no reviews yet'
    count = profile.rating_count
    return f'{profile.rating_average:.1f} / 5', f'from {count} review{"" if count == 1 else "s"}'


def _section(title: str, marker: str) -> ui.card:
    card = ui.card().classes('w-full gap-3').props('flat bordered').mark(marker)
    with card:
        ui.label(title).classes('text-lg font-semibold').props('role=heading aria-level=2')
    return card


def _refused(message: str) -> None:
    ui.notify(message, type='negative', position='top')
