"""The professional's own profile as a form: service, experience, about, pincodes and phone. Changing the service
sends the profile back for approval, and the form says so the moment the service changes, before saving."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from components.forms import NOT_MINE, notice, with_hints
from services.catalog import ServiceRow
from services.people import ProfessionalView

SERVICE_CHANGE_WARNING = (
    'Changing your service sends your profile back for approval: you cannot take requests until an admin '
    'approves it again. Requests addressed to you open to everyone.'
)
Inputs = dict[str, ui.element]


def profile_form(
    profile: ProfessionalView, services: list[ServiceRow], *, on_save: Callable[[Inputs, ui.button], Any]
) -> Inputs:
    """The inputs, each named as the service's parameter and marked `profile-<name>`; Save calls `on_save`."""
    options = {s.id: f'{s.name} ({s.category})' for s in services}
    if profile.service_id not in options:  # a retired service: kept until they choose another
        options = {profile.service_id: f'{profile.service_name} (retired)'} | options
    with ui.element('div').classes('w-full grid grid-cols-1 sm:grid-cols-2 gap-3'):
        inputs: Inputs = {
            'service_id': ui.select(options, value=profile.service_id, label='Service you offer'),
            'experience_years': ui.number(
                'Experience (years)', value=profile.experience_years, min=0, max=70, step=1, precision=0
            ),
            'description': ui.textarea('About your work', value=profile.description).props('autogrow maxlength=2000'),
            'pincodes': ui.input('Pincodes you serve', value=', '.join(profile.pincodes), placeholder='560001, 560002'),
            'phone': ui.input('Phone', value=profile.phone, placeholder='+919876543210').props('type=tel'),
        }
    for name, element in with_hints(inputs).items():
        element.classes('w-full').props('outlined').mark(f'profile-{name}')
    inputs['description'].classes('sm:col-span-2')
    inputs['pincodes'].props(f'hint="Separate pincodes with commas or spaces." {NOT_MINE}')  # a list, not a postcode
    warning = notice(SERVICE_CHANGE_WARNING).mark('profile-service-warning')
    warning.set_visibility(False)
    inputs['service_id'].on_value_change(lambda e: warning.set_visibility(e.value != profile.service_id))
    save = ui.button('Save profile', icon='save').props('no-caps').mark('profile-save')
    save.on_click(lambda: on_save(inputs, save))
    return inputs
