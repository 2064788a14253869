"""The customer's workspace (`/customer/...`): find a service by name or category in a pincode (their own prefilled;
the search lives in the URL), then book it (`/customer/book/{service_id}`) on a free slot of the grid."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, run, ui

from components.booking import SlotPicker, already_booked, service_summary
from components.filters import filter_card, known, refusal_notice
from components.forms import busy, notice, show_field_error, with_hints
from components.frame import frame
from components.professionals import rating_words
from components.service_results import search_results
from models.enums import Role
from pages import live
from pages.viewer import Viewer, frame_options, guarded, require_viewer, with_query
from services import AlreadyBooked, ServiceError, catalog, format_money, people, requests, session_scope, to_id
from services.catalog import BookingForm, ServiceSearch
from services.people import ProfessionalCard

router = APIRouter(prefix='/customer')
HOME = '/customer'
PINCODE = re.compile(r'[1-9][0-9]{5}')  # a convenience check in the form; the service layer decides
ANYONE = ''


@router.page('', title='Find a service · Household Services')
async def home_page(text: str = '', category: str = '', pincode: str = '') -> RedirectResponse | None:
    viewer = await require_viewer(Role.CUSTOMER)
    if viewer.redirect:
        return viewer.redirect
    wanted = {'text': text.strip(), 'category': category.strip(), 'pincode': pincode.strip()}
    categories, found, refusal = await run.io_bound(_search, viewer, wanted)
    with frame('Find a service', **frame_options(viewer)):
        ui.label(f'Hello, {viewer.actor.name}. What needs doing at home?').mark('customer-welcome')
        inputs = _search_form(wanted | ({'pincode': found.pincode} if found else {}), categories)
        if refusal is not None:
            refusal_notice(inputs, refusal)
            ui.label('Fix the search above to see services.').classes('text-grey-8').mark('search-refused')
        elif found is not None:
            results = ui.refreshable(_results)
            results(found)

            async def search_again() -> None:
                _, again, _ = await run.io_bound(_search, viewer, wanted)
                if again is not None:
                    results.refresh(again)

            live.follow(catalog.SEARCH_CHANGED_BY, search_again)
    return None


def _search(viewer: Viewer, wanted: dict[str, str]) -> tuple[list[str], ServiceSearch | None, ServiceError | None]:
    with session_scope() as session:
        categories = catalog.list_categories(session)
        try:
            return categories, catalog.find_services(session, viewer.actor, **wanted), None
        except ServiceError as refusal:
            return categories, None, refusal


def _search_form(wanted: dict[str, str], categories: list[str]) -> dict[str, ui.element]:
    options = {'': 'Any category'} | {name: name for name in categories}
    return filter_card(
        lambda: {
            'text': ui.input('What do you need?', value=wanted['text'], placeholder='e.g. plumbing, cleaning').props(
                'maxlength=80 type=search'
            ),
            'category': ui.select(options, value=known(wanted['category'], options), label='Category'),
            'pincode': ui.input('Pincode', value=wanted['pincode']).props('inputmode=numeric maxlength=6'),
        },
        to_url=lambda values: with_query(HOME, **values),
        clear_url=HOME,
        marker='search',
        apply_text='Search',
        apply_icon='search',
        columns=3,
        label='Find a service',
    )


def _results(found: ServiceSearch) -> None:
    def book_url(service_id: int, professional_id: int | None) -> str:
        return with_query(f'{HOME}/book/{service_id}', pincode=found.pincode, professional_id=professional_id)

    def search_url(pincode: str) -> str:
        return with_query(HOME, text=found.text, category=found.category, pincode=pincode)

    search_results(found, book_url=book_url, search_url=search_url)


# --- booking ------------------------------------------------------------------------------------------------------


@router.page('/book/{service_id}', title='Book · Household Services')
async def book_page(service_id: str, pincode: str = '', professional_id: str = '') -> RedirectResponse | None:
    viewer = await require_viewer(Role.CUSTOMER)
    if viewer.redirect:
        return viewer.redirect
    booking, refusal = await run.io_bound(_load_form, viewer, service_id, pincode.strip(), professional_id)
    with frame(f'Book {booking.service.name}' if booking else 'Book a service', **frame_options(viewer)):
        ui.link('← Back to search', with_query(HOME, pincode=pincode.strip())).mark('back-to-search')
        if booking is None:
            notice(str(refusal))
            return None
        gone = ui.column().classes('w-full')
        with ui.column().classes('w-full gap-4') as form:
            service_summary(booking.service)
            _booking_form(viewer, booking)

    def retired(data: dict[str, Any]) -> None:  # hidden, not deleted: a click on its way still gets its answer
        if data.get('service_id') == booking.service.id and data.get('active') is False and form.visible:
            form.set_visibility(False)
            with gone:
                notice(f'{booking.service.name} is no longer offered, so it cannot be booked.').mark('service-retired')

    live.on_event(catalog.SERVICE_CHANGED, retired)
    return None


def _load_form(
    viewer: Viewer, service_id: str, pincode: str, professional_id: str
) -> tuple[BookingForm | None, ServiceError | None]:
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
        return booking, None


def _booking_form(viewer: Viewer, booking: BookingForm) -> None:
    service = booking.service
    with ui.card().classes('w-full gap-3').props('flat bordered').mark('booking-form'):
        _heading('When')
        picker = SlotPicker(
            days=booking.days,
            slots_of=lambda day: requests.available_slots(day, service.time_required),
            timezone=booking.timezone,
            minutes=service.time_required,
            rule_of=requests.booking_cancel_rule,
        )
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
        _heading('Who')
        chooser = ProfessionalChooser(
            booking.professionals, pincode=booking.pincode, chosen=booking.chosen_professional_id
        )
        inputs['requested_professional_id'] = chooser.select
        inputs['remarks'] = ui.textarea(
            'Remarks (optional)', placeholder='Anything the professional should know'
        ).props('outlined autogrow maxlength=1000 counter')
        for name, element in with_hints(inputs).items():
            element.classes('w-full').mark(f'booking-{name}')
            if isinstance(element, ui.input):  # textareas are inputs too: checked on Confirm, then as they are fixed
                element.without_auto_validation().on_value_change(partial(_recheck, element))
        ui.label(f'Price: {format_money(service.base_price)} (fixed when you book)').classes(
            'text-lg font-semibold'
        ).mark('booking-price')
        submit = ui.button('Confirm booking', icon='event_available').props('no-caps size=lg').mark('booking-confirm')
        duplicate = ui.element('div').classes('w-full')  # a refusal as a duplicate links the request booked before

    @guarded(viewer)
    async def change_pincode() -> None:
        code = (inputs['pincode'].value or '').strip()
        if not _pincode_ok(code) or code == chooser.pincode:
            return
        cards = await run.io_bound(_professionals, service.id, code)
        chooser.show(cards, pincode=code)

    @guarded(viewer)
    async def confirm() -> None:
        valid = [element.validate() for element in (inputs['address'], inputs['pincode'])]
        if picker.value is None:
            picker.refuse('Choose a time slot first.')
        if picker.value is None or not all(valid):
            ui.notify('Check the form: some details are missing.', type='warning')
            return
        fields = {
            'service_id': service.id,
            'scheduled_at': picker.value,
            'address': inputs['address'].value,
            'pincode': inputs['pincode'].value,
            'remarks': inputs['remarks'].value or '',
            'requested_professional_id': to_id(chooser.select.value),
        }
        duplicate.clear()  # what a try before said no longer holds
        with busy(submit):
            try:
                request_id = await run.io_bound(_book, viewer, fields)
            except AlreadyBooked as refusal:
                with duplicate:
                    already_booked(str(refusal), f'{HOME}/requests/{refusal.request_id}')
                return
            except ServiceError as refusal:
                _refused(refusal, picker, inputs)
                return
        ui.navigate.to(f'/customer/requests/{request_id}?booked=1')  # its page says it is booked

    inputs['pincode'].on('blur', change_pincode)
    inputs['pincode'].on_value_change(lambda e: change_pincode() if _pincode_ok(e.value) else None)
    submit.on_click(confirm)


class ProfessionalChooser:
    """Anyone, or one of the professionals serving the pincode; says so when nobody serves it yet."""

    def __init__(self, cards: tuple[ProfessionalCard, ...], *, pincode: str, chosen: int | None) -> None:
        self.select = ui.select({ANYONE: ''}, value=ANYONE, label='Professional').props('outlined')
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


def _professionals(service_id: int, pincode: str) -> list[ProfessionalCard]:
    with session_scope() as session:
        return people.list_for_service(session, service_id=service_id, pincode=pincode)


def _book(viewer: Viewer, fields: dict[str, object]) -> int:
    with session_scope(write=True) as session:
        return requests.book(session, viewer.actor, **fields)


def _refused(refusal: ServiceError, picker: SlotPicker, inputs: dict[str, ui.element]) -> None:
    """A refused booking: the reason on the field it concerns (a slot taken meanwhile offers the day afresh)."""
    field = getattr(refusal, 'field', None)
    if field == 'scheduled_at':
        picker.refuse(str(refusal))
    elif field == 'service_id':
        notice('This service can no longer be booked: it was retired a moment ago.')
    else:
        show_field_error(inputs, field, str(refusal))
    ui.notify(str(refusal), type='negative')
