"""Booking a service (`/customer/book/{service_id}`), the way booking apps do it on a phone: a strip of day chips, the
day's times as chips (those that cannot be booked greyed, saying why when tapped), where, a phone when none is on file
(the professional who accepts must be able to call), who and remarks; a bar fixed at the bottom shows the price, the
chosen slot and Confirm. The form checks what it can; the service layer decides."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, run, ui

from components.booking import BookingBar, SlotPicker, already_booked, service_summary
from components.forms import busy, notice, show_field_error, with_hints
from components.frame import frame
from components.professionals import rating_words
from models.enums import Role
from pages import live
from pages.viewer import Viewer, frame_options, guarded, require_viewer, with_query
from services import AlreadyBooked, ServiceError, catalog, clock, format_money, people, requests, session_scope, to_id
from services.catalog import BookingForm
from services.people import ProfessionalCard
from services.requests import SlotState

router = APIRouter(prefix='/customer')
HOME = '/customer'
PINCODE = re.compile(r'[1-9][0-9]{5}')  # a convenience check in the form; the service layer decides
ANYONE = ''


@dataclass(frozen=True, slots=True)
class Loaded:
    """What the booking page is built from: the service's form, whether the customer's phone is on file, and the
    site's today (it names the Today and Tomorrow chips; the site's clock may differ from the machine's)."""

    form: BookingForm
    phone_on_file: bool
    today: date


@router.page('/book/{service_id}', title='Book · Household Services')
async def book_page(service_id: str, pincode: str = '', professional_id: str = '') -> RedirectResponse | None:
    viewer = await require_viewer(Role.CUSTOMER)
    if viewer.redirect:
        return viewer.redirect
    loaded, refusal = await run.io_bound(_load_form, viewer, service_id, pincode.strip(), professional_id)
    with frame(f'Book {loaded.form.service.name}' if loaded else 'Book a service', **frame_options(viewer)):
        ui.link('← Back to search', with_query(HOME, pincode=pincode.strip())).mark('back-to-search')
        if loaded is None:
            notice(str(refusal))
            return None
        gone = ui.column().classes('w-full')
        with ui.column().classes('w-full gap-4') as shown:
            service_summary(loaded.form.service)
            form = BookingPageForm(viewer, loaded)
    service = loaded.form.service

    def retired(data: dict[str, Any]) -> None:  # hidden, not deleted: a click on its way still gets its answer
        if data.get('service_id') == service.id and data.get('active') is False and shown.visible:
            shown.set_visibility(False)
            form.bar.footer.set_visibility(False)
            with gone:
                notice(f'{service.name} is no longer offered, so it cannot be booked.').mark('service-retired')

    live.on_event(catalog.SERVICE_CHANGED, retired)
    return None


class BookingPageForm:
    """When, where, the phone (only when none is on file), who and remarks; the bottom bar confirms them."""

    def __init__(self, viewer: Viewer, loaded: Loaded) -> None:
        self.viewer, self.loaded, self.service = viewer, loaded, loaded.form.service
        booking = loaded.form
        with ui.card().classes('w-full gap-3').props('flat bordered').mark('booking-form'):
            _heading('When')
            self.picker = SlotPicker(
                days=booking.days,
                slots_of=partial(_slot_states, viewer, self.service.id),
                timezone=booking.timezone,
                minutes=self.service.time_required,
                rule_of=requests.booking_cancel_rule,
                today=loaded.today,
                on_change=self._say_slot,
            )
            self.inputs = self._fields(booking, phone_wanted=not loaded.phone_on_file)
            self.refusal = ui.element('div').classes('w-full')  # what the service layer said to the last Confirm
        self.bar = BookingBar(format_money(self.service.base_price))
        self.bar.confirm.on_click(guarded(viewer)(self.confirm))
        change_pincode = guarded(viewer)(self.change_pincode)
        self.inputs['pincode'].on('blur', change_pincode)
        self.inputs['pincode'].on_value_change(lambda e: change_pincode() if _pincode_ok(e.value) else None)

    def _fields(self, booking: BookingForm, *, phone_wanted: bool) -> dict[str, ui.element]:
        _heading('Where')
        inputs: dict[str, ui.element] = {
            'address': ui.textarea(
                'Address', value=booking.address, validation={'Enter the address.': lambda v: bool((v or '').strip())}
            ).props('outlined autogrow maxlength=300'),
            'pincode': ui.input(
                'Pincode',
                value=booking.pincode,
                validation={'A pincode is 6 digits and does not start with 0.': _pincode_ok},
            ).props('outlined inputmode=numeric maxlength=6'),
        }
        if phone_wanted:
            _heading('How to reach you')
            # a professional must be able to reach the customer; saved to the profile with the booking
            inputs['phone'] = ui.input(
                'Phone',
                placeholder='+919876543210',
                validation={'Enter your phone number.': lambda v: bool((v or '').strip())},
            ).props('outlined maxlength=24 hint="The professional who accepts calls you on it. Saved to your profile."')
        _heading('Who')
        self.chooser = ProfessionalChooser(
            booking.professionals, pincode=booking.pincode, chosen=booking.chosen_professional_id
        )
        inputs['requested_professional_id'] = self.chooser.select
        inputs['remarks'] = ui.textarea(
            'Remarks (optional)', placeholder='Anything the professional should know'
        ).props('outlined autogrow maxlength=1000 counter')
        for name, element in with_hints(inputs).items():
            element.classes('w-full').mark(f'booking-{name}')
            if isinstance(element, ui.input):  # textareas are inputs too: checked on Confirm, then as they are fixed
                element.without_auto_validation().on_value_change(partial(_recheck, element))
        return inputs

    def _say_slot(self) -> None:
        value = self.picker.value
        self.bar.say(self.picker.short_label(value) if value else '')

    async def change_pincode(self) -> None:
        code = (self.inputs['pincode'].value or '').strip()
        if not _pincode_ok(code) or code == self.chooser.pincode:
            return
        cards = await run.io_bound(_professionals, self.service.id, code)
        self.chooser.show(cards, pincode=code)

    async def confirm(self) -> None:
        checked = [name for name in ('address', 'pincode', 'phone') if name in self.inputs]
        valid = [self.inputs[name].validate() for name in checked]
        if self.picker.value is None:
            self.picker.refuse('Choose a time slot first.')
        if self.picker.value is None or not all(valid):
            ui.notify('Check the form: some details are missing.', type='warning')
            return
        fields = {
            'service_id': self.service.id,
            'scheduled_at': self.picker.value,
            'address': self.inputs['address'].value,
            'pincode': self.inputs['pincode'].value,
            'remarks': self.inputs['remarks'].value or '',
            'requested_professional_id': to_id(self.chooser.select.value),
        }
        if 'phone' in self.inputs:
            fields['phone'] = self.inputs['phone'].value or ''
        self.refusal.clear()  # what a try before said no longer holds
        with busy(self.bar.confirm):
            try:
                request_id = await run.io_bound(_book, self.viewer, fields)
            except ServiceError as refusal:
                with self.refusal:  # in the form, not in the bar whose button was clicked
                    _refused(refusal, self.picker, self.inputs)
                return
        ui.navigate.to(f'{HOME}/requests/{request_id}?booked=1')  # its page says it is booked


class ProfessionalChooser:
    """Anyone, or one of the professionals serving the pincode; says so when nobody serves it yet."""

    def __init__(self, cards: tuple[ProfessionalCard, ...], *, pincode: str, chosen: int | None) -> None:
        self.select = ui.select({ANYONE: ''}, value=ANYONE, label='Professional').props('outlined')
        self.select.classes('wrap-value')  # 'Ravi Kumar · ★ 4.5 · 12 reviews · 7 years' wraps on a phone
        self.note = ui.label().classes('text-sm text-grey-8').mark('booking-professional-note')
        self.pincode = pincode
        self._fill(cards, chosen)

    def show(self, cards: list[ProfessionalCard], *, pincode: str) -> None:
        chosen = to_id(self.select.value)
        self.pincode = pincode
        self._fill(tuple(cards), chosen if any(card.professional_id == chosen for card in cards) else None)

    def _fill(self, cards: tuple[ProfessionalCard, ...], chosen: int | None) -> None:
        options = {ANYONE: 'Anyone who takes it (the first to accept)'}
        options |= {
            str(card.professional_id): f'{card.name} · {rating_words(card.rating_average, card.rating_count)} · '
            f'{card.experience_years} years'
            for card in cards
        }
        self.select.set_options(options, value=str(chosen) if chosen else ANYONE)
        self.select.set_enabled(bool(cards))
        self.note.text = (
            'Choosing someone sends the request to them first; if they decline, it opens to everyone.'
            if cards
            else 'Nobody serves this pincode yet: your request would wait, and expire if nobody accepts it before '
            'the slot.'
        )


def _recheck(element: ui.input) -> None:
    if element.error:
        element.validate()


def _heading(text: str) -> None:
    ui.label(text).classes('text-lg font-semibold').props('role=heading aria-level=2')


def _pincode_ok(value: str | None) -> bool:
    return bool(PINCODE.fullmatch((value or '').strip()))


# --- units of work ----------------------------------------------------------------------------------------------------


def _load_form(
    viewer: Viewer, service_id: str, pincode: str, professional_id: str
) -> tuple[Loaded | None, ServiceError | None]:
    with session_scope() as session:
        try:
            booking = catalog.booking_form(
                session,
                viewer.actor,
                service_id=to_id(service_id),
                pincode=pincode,
                professional_id=to_id(professional_id),
            )
        except ServiceError as refusal:
            return None, refusal
        phone_on_file = bool(people.get_profile(session, viewer.actor).phone)
    today = clock.now().astimezone(ZoneInfo(booking.timezone)).date()
    return Loaded(booking, phone_on_file, today), None


def _slot_states(viewer: Viewer, service_id: int, day: date) -> list[SlotState]:
    """A day's slot grid, each start saying why it cannot be booked; none when the day or the service is no longer
    on offer (midnight passed, the service was retired): the picker then says there is nothing left that day."""
    with session_scope() as session:
        try:
            return requests.slot_states(session, viewer.actor, service_id=service_id, day=day)
        except ServiceError:
            return []


def _professionals(service_id: int, pincode: str) -> list[ProfessionalCard]:
    with session_scope() as session:
        return people.list_for_service(session, service_id=service_id, pincode=pincode)


def _book(viewer: Viewer, fields: dict[str, object]) -> int:
    with session_scope(write=True) as session:
        return requests.book(session, viewer.actor, **fields)


def _refused(refusal: ServiceError, picker: SlotPicker, inputs: dict[str, ui.element]) -> None:
    """A refused booking: the reason on the field it concerns (a slot taken meanwhile offers the day afresh)."""
    field = getattr(refusal, 'field', None)
    if isinstance(refusal, AlreadyBooked):  # the same service at the same start, still open: link it
        already_booked(str(refusal), f'{HOME}/requests/{refusal.request_id}')
        return
    if field == 'scheduled_at':
        picker.refuse(str(refusal))
    elif field == 'service_id':
        notice('This service can no longer be booked: it was retired a moment ago.')
    else:
        show_field_error(inputs, field, str(refusal))
    ui.notify(str(refusal), type='negative')
