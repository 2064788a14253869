"""The admin's services page (`/admin/services`): the catalogue with who offers each service; add, edit, retire and
reinstate services; the approved professionals of a retired service are flagged so the admin can reassign them."""

from __future__ import annotations

from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, run, ui

from components.catalog import service_overview_list
from components.dialogs import confirm
from components.forms import busy, clear_field_errors, show_field_error
from components.frame import frame
from models.enums import Role
from pages.viewer import Viewer, frame_options, guarded, require_viewer
from services import Actor, Conflict, ServiceError, ValidationError, catalog, session_scope
from services.catalog import ServiceOverview, ServiceRow

router = APIRouter(prefix='/admin')


@router.page('/services', title='Services · Household Services')
async def services_page() -> RedirectResponse | None:
    viewer = await require_viewer(Role.ADMIN)
    if viewer.redirect:
        return viewer.redirect
    with frame('Services', **frame_options(viewer)):
        _CataloguePage(viewer)
    return None


class _CataloguePage:
    """The catalogue table, the flagged professionals under it, and the form dialog shared by add and edit."""

    def __init__(self, viewer: Viewer) -> None:
        self.actor: Actor = viewer.actor
        self.form = _ServiceForm(viewer, on_saved=self.show.refresh)
        self.add = guarded(viewer)(lambda: self.form.open(None))
        self.edit = guarded(viewer)(self.form.open)
        self.retire = guarded(viewer)(self._retire)
        self.reinstate = guarded(viewer)(self._reinstate)
        with ui.row().classes('w-full items-center gap-2 flex-wrap'):
            ui.label('Customers find and book the services on offer; a retired one keeps its history.').classes(
                'text-grey-8'
            )
            ui.space()
            ui.button('Add service', icon='add', on_click=self.add).props('no-caps').mark('service-add')
        self.show()

    @ui.refreshable_method
    def show(self) -> None:
        with session_scope() as session:
            entries = catalog.list_overviews(session, self.actor)
        if not entries:
            ui.label('No services yet. Add the first one.').classes('text-grey-8').mark('services-empty')
            return
        service_overview_list(entries, on_edit=self.edit, on_retire=self.retire, on_reinstate=self.reinstate)
        for entry in entries:
            if entry.is_flagged:
                _flagged_card(entry)

    async def _retire(self, service_id: int) -> None:
        try:
            entry = await run.io_bound(_overview, self.actor, service_id)
        except ServiceError as error:
            ui.notify(str(error), type='negative', position='top')
            self.show.refresh()
            return
        name = entry.service.name
        if await confirm(f'Retire {name}?', _retire_message(entry), action='Retire', marker='retire'):
            await self._act(catalog.retire_service, service_id, f'{name} is retired.')

    async def _reinstate(self, service_id: int, name: str) -> None:
        await self._act(catalog.reinstate_service, service_id, f'{name} is on offer again.')

    async def _act(self, verb: Any, service_id: int, done: str) -> None:
        try:
            await run.io_bound(_write, verb, self.actor, service_id)
        except ServiceError as error:
            ui.notify(str(error), type='negative', position='top')
        else:
            ui.notify(done, type='positive', position='top')
        self.show.refresh()


class _ServiceForm:
    """One dialog for adding and editing; refusals appear next to the field they concern."""

    def __init__(self, viewer: Viewer, *, on_saved: Any) -> None:
        self.actor: Actor = viewer.actor
        self.on_saved = on_saved
        self.editing: ServiceRow | None = None
        with ui.dialog() as self.dialog, ui.card().classes('w-full max-w-lg gap-3'):
            self.title = ui.label().classes('text-lg font-semibold').props('role=heading aria-level=2')
            self.problem = ui.label().classes('w-full p-3 rounded bg-orange-1 text-grey-10').props('role=alert')
            self.problem.mark('service-form-problem').set_visibility(False)
            self.inputs: dict[str, ui.element] = {
                'name': ui.input('Name').props('maxlength=80'),
                'category': ui.input('Category').props('maxlength=60'),
                'base_price': ui.input('Base price (rupees)', placeholder='499.50').props('inputmode=decimal prefix=₹'),
                'time_required': ui.input('Time required (minutes)', placeholder='60').props('inputmode=numeric'),
                'description': ui.textarea('Description').props('autogrow maxlength=2000'),
            }
            for name, element in self.inputs.items():
                element.classes('w-full').props('outlined').mark(f'service-form-{name}')
            with ui.row().classes('w-full justify-end gap-2'):
                ui.button('Cancel', on_click=self.dialog.close).props('flat no-caps').mark('service-form-cancel')
                self.save_button = ui.button('Save', on_click=guarded(viewer)(self.save)).props('no-caps')
                self.save_button.mark('service-form-save')

    def open(self, service: ServiceRow | None) -> None:
        self.title.text = 'Add a service' if service is None else f'Edit {service.name}'
        self._fill(service)
        self.dialog.open()

    async def save(self) -> None:
        clear_field_errors(self.inputs)
        self._say('')
        editing, values = self.editing, {name: element.value for name, element in self.inputs.items()}
        with busy(self.save_button):
            try:
                saved = await run.io_bound(_save, self.actor, editing, values)
            except ValidationError as error:
                if not show_field_error(self.inputs, error.field, str(error)):
                    self._say(str(error))
                return
            except Conflict as error:
                await self._conflict(error, editing)
                return
            except ServiceError as error:
                self._say(str(error))
                return
        self.dialog.close()
        ui.notify(f'{saved.name} {"added" if editing is None else "saved"}.', type='positive', position='top')
        self.on_saved()

    async def _conflict(self, error: Conflict, editing: ServiceRow | None) -> None:
        """A taken name belongs next to the name; a stale edit shows what the other admin saved."""
        try:
            fresh = await run.io_bound(_overview, self.actor, editing.id) if editing else None
        except ServiceError as gone:  # it vanished, or the viewer lost the right to see it
            self._say(str(gone))
            return
        if fresh is None or fresh.service.version == editing.version:
            show_field_error(self.inputs, 'name', str(error))
            return
        self._fill(fresh.service)
        self._say(f'{error} The form now shows the current version: make your changes again and save.')
        self.on_saved()

    def _fill(self, service: ServiceRow | None) -> None:
        self.editing = service
        values = _form_values(service)
        for name, element in self.inputs.items():
            element.value = values[name]
        clear_field_errors(self.inputs)
        self._say('')

    def _say(self, message: str) -> None:
        self.problem.text = message
        self.problem.set_visibility(bool(message))


# --- what the page shows --------------------------------------------------------------------------------------------


def _flagged_card(entry: ServiceOverview) -> None:
    """A retired service's approved professionals get no new requests: name them, with a way to reach each."""
    s, shown = entry.service, entry.flagged_professionals
    with (
        ui.card().classes('w-full gap-2 bg-orange-1 text-grey-10').props('role=region').mark(f'service-{s.id}-flagged')
    ):
        with ui.row().classes('items-center gap-2'):
            ui.icon('warning', color='warning').props('aria-hidden=true')
            who = _count(entry.professional_count, 'approved professional')
            verb = 'offers' if entry.professional_count == 1 else 'offer'
            ui.label(
                f'{s.name} is retired, but {who} still {verb} it: no new requests reach them. '
                'Contact them or ask them to switch service.'
            )
        for professional in shown:
            with ui.row().classes('items-center gap-x-3 gap-y-0 flex-wrap'):
                ui.link(professional.name, f'/admin/users/{professional.id}').mark(
                    f'service-{s.id}-flagged-{professional.id}'
                )
                ui.label(professional.email).classes('text-grey-8')
                if professional.phone:
                    ui.label(professional.phone).classes('text-grey-8')
        if entry.professional_count > len(shown):
            ui.label(f'and {entry.professional_count - len(shown)} more (see Users).').classes('text-grey-8')


def _retire_message(entry: ServiceOverview) -> str:
    n, m = entry.open_request_count, entry.professional_count
    carry = 'carries' if n == 1 else 'carry'
    open_requests = f'Its {_count(n, "open request")} {carry} on as booked.' if n else 'It has no open requests.'
    professionals = (
        f'Its {_count(m, "approved professional")} will get no new requests and will be flagged on this page so you '
        'can contact or reassign them.'
        if m
        else 'No approved professional offers it.'
    )
    return (
        f'Customers will no longer find or book {entry.service.name}. {open_requests} {professionals} '
        'You can reinstate the service later.'
    )


def _count(n: int, noun: str) -> str:
    return f'{n:,} {noun}{"" if n == 1 else "s"}'


def _form_values(service: ServiceRow | None) -> dict[str, str]:
    if service is None:
        return dict.fromkeys(('name', 'category', 'base_price', 'time_required', 'description'), '')
    rupees, paise = divmod(service.base_price, 100)
    return {
        'name': service.name,
        'category': service.category,
        'base_price': f'{rupees}.{paise:02d}' if paise else str(rupees),
        'time_required': str(service.time_required),
        'description': service.description,
    }


# --- units of work (run off the event loop) -------------------------------------------------------------------------


def _overview(actor: Actor, service_id: int) -> ServiceOverview:
    with session_scope() as session:
        return catalog.get_overview(session, actor, service_id=service_id)


def _save(actor: Actor, editing: ServiceRow | None, values: dict[str, Any]) -> ServiceRow:
    with session_scope(write=True) as session:
        if editing is None:
            return catalog.create_service(session, actor, **values)
        return catalog.edit_service(session, actor, service_id=editing.id, version=editing.version, **values)


def _write(verb: Any, actor: Actor, service_id: int) -> None:
    with session_scope(write=True) as session:
        verb(session, actor, service_id=service_id)
