"""The customer's requests: their list (`/customer/requests`, newest booking first, cursor pages in the URL) and one
request (`/customer/requests/{id}`) with its history and what they may do now: change it while nobody has accepted,
cancel under the rule shown beside the button, close a finished job with a review, or review it late."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, run, ui

from components.booking import SlotPicker
from components.dialogs import ask_reason
from components.filters import show_refusal
from components.forms import busy, notice, show_field_error, with_hints
from components.frame import frame
from components.history import history_timeline
from components.pager import pager
from components.request_summary import rating_choice, request_card, request_facts, status_badge
from components.words import local_time
from models.enums import RequestStatus, Role
from pages import customer_units as units
from pages import live
from pages.viewer import Viewer, frame_options, guarded, require_viewer, with_query
from services import NotFound, ServiceError, clock, requests
from services.requests import CustomerRequest, RequestPage, RequestRow

router = APIRouter(prefix='/customer')
LIST_PATH = '/customer/requests'


@router.page('/requests', title='My requests · Household Services')
async def requests_page(cursor: str = '') -> RedirectResponse | None:
    viewer = await require_viewer(Role.CUSTOMER)
    if viewer.redirect:
        return viewer.redirect
    found, refusal, timezone = await run.io_bound(units.load_list, viewer, cursor or None)
    with frame('My requests', **frame_options(viewer)):
        if refusal is not None:
            show_refusal({}, refusal, first_page_url=LIST_PATH, first_page_marker='first-page', noun='requests')
        elif found is not None:
            shown = ui.refreshable(_list)
            shown(found, ZoneInfo(timezone), has_cursor=bool(cursor))

            async def again() -> None:
                now_found, _, _ = await run.io_bound(units.load_list, viewer, cursor or None)
                if now_found is not None:
                    shown.refresh(now_found, ZoneInfo(timezone), has_cursor=bool(cursor))

            live.follow(requests.EVENT_NAMES, again, wanted=lambda data: data.get('customer_id') == viewer.actor.id)
    return None


def _list(found: RequestPage, zone: ZoneInfo, *, has_cursor: bool) -> None:
    if not found.rows:
        words = 'Nothing more here.' if has_cursor else 'You have not booked anything yet.'
        ui.label(words).classes('text-grey-8').mark('customer-requests-empty')
        ui.link('Find a service to book', '/customer').mark('find-a-service')
        return
    with ui.element('ul').classes('w-full flex flex-col gap-2 p-0 m-0').mark('customer-requests'):
        for row in found.rows:
            request_card(row, zone=zone, href=f'{LIST_PATH}/{row.id}')
    pager(
        total_label=found.total_label,
        noun='requests',
        previous_url=with_query(LIST_PATH, cursor=found.previous_cursor) if found.previous_cursor else None,
        next_url=with_query(LIST_PATH, cursor=found.next_cursor) if found.next_cursor else None,
        marker='customer-requests-pager',
    )


# --- one request --------------------------------------------------------------------------------------------------


@router.page('/requests/{request_id}', title='Request · Household Services')
async def request_page(request_id: str, booked: str = '') -> RedirectResponse | None:
    viewer = await require_viewer(Role.CUSTOMER)
    if viewer.redirect:
        return viewer.redirect
    with frame('Request', **frame_options(viewer)):
        ui.link('← My requests', LIST_PATH).mark('back-to-requests')
        say_booked = bool(booked)  # said once, above the request, not again after an action refreshes it

        @ui.refreshable
        @live.newest_only
        async def details() -> None:
            nonlocal say_booked
            try:
                shown = await run.io_bound(units.load_request, viewer, request_id)
            except NotFound as missing:
                notice(str(missing))
                return
            zone = ZoneInfo(shown.timezone)
            if say_booked:  # once: the URL loses ?booked=1, so a reload or a later visit does not say it again
                say_booked = False
                ui.navigate.history.replace(f'{LIST_PATH}/{request_id}')
                if shown.request.status is RequestStatus.REQUESTED:  # accepted meanwhile: the badge says so, not this
                    ui.label('Booked. We will tell you when a professional accepts it.').classes(
                        'w-full p-3 rounded bg-green-1 text-grey-10'
                    ).props('role=status').mark('booked-notice')
            _summary(shown.request, zone)
            actions = Actions(viewer, shown, zone, on_done=details.refresh)
            actions.show()
            history_timeline(shown.history, zone)

        await details()
    live.follow(requests.EVENT_NAMES, details.refresh, wanted=lambda data: str(data.get('request_id')) == request_id)
    return None


def _summary(request: RequestRow, zone: ZoneInfo) -> None:
    with ui.card().classes('w-full').props('flat bordered').mark('request-summary'):
        with ui.row().classes('w-full items-center gap-3'):
            ui.label(request.service_name).classes('text-xl font-semibold').props('role=heading aria-level=2')
            status_badge(request.status)
        request_facts(request, zone=zone)


class Actions:
    """The actions that apply to the request now, each with its rule shown before the click."""

    def __init__(self, viewer: Viewer, shown: CustomerRequest, zone: ZoneInfo, *, on_done: Callable[[], Any]) -> None:
        self.viewer, self.request, self.choices, self.zone = viewer, shown.request, shown.choices, zone
        self.on_done = on_done

    def show(self) -> None:
        if self.choices.can_edit:
            self._edit_card()
        if self.choices.cancel_rule:
            self._cancel_card()
        if self.choices.can_close or self.choices.can_review:
            self._review_card()

    # --- edit ---

    def _edit_card(self) -> None:
        with ui.card().classes('w-full gap-3').props('flat bordered').mark('edit-card'):
            _heading('Change this request')
            ui.label('You can change the slot, address and remarks until a professional accepts.').classes('text-sm')
            opener = ui.button('Change request', icon='edit').props('outline no-caps aria-expanded=false')
            opener.mark('edit-open')
            form = ui.column().classes('w-full gap-3')
            form.set_visibility(False)
            with form:
                self._edit_form()

        def toggle() -> None:  # the button stays (and keeps the focus); Tab goes on into the form
            form.set_visibility(not form.visible)
            opener.props(f'aria-expanded={"true" if form.visible else "false"}')

        opener.on_click(toggle)

    def _edit_form(self) -> None:
        request = self.request
        picker = SlotPicker(
            days=tuple(requests.bookable_days(request.time_required)),
            slots_of=lambda day: requests.available_slots(day, request.time_required),
            timezone=str(self.zone),
            minutes=request.time_required,
            chosen=request.scheduled_at,
            marker='edit-slot',
            today=clock.now().astimezone(self.zone).date(),  # the site's today names the Today and Tomorrow chips
        )
        inputs: dict[str, ui.element] = {
            'address': ui.textarea('Address', value=request.address).props('outlined autogrow maxlength=300'),
            'pincode': ui.input('Pincode', value=request.pincode).props('outlined inputmode=numeric maxlength=6'),
            'remarks': ui.textarea('Remarks (optional)', value=request.remarks).props(
                'outlined autogrow maxlength=1000 counter'
            ),
        }
        for name, element in with_hints(inputs).items():
            element.classes('w-full').mark(f'edit-{name}')
        with ui.row().classes('gap-2'):
            save = ui.button('Save changes', icon='save').props('no-caps').mark('edit-save')
            discard = ui.button('Discard', on_click=lambda: self.on_done())  # noqa: PLW0108 (refresh takes no event)
            discard.props('flat no-caps').mark('edit-discard')

        @guarded(self.viewer)
        async def save_changes() -> None:
            changes = {name: element.value or '' for name, element in inputs.items()}
            with busy(save):
                try:
                    await run.io_bound(units.edit, self.viewer, request, picker.value, changes)
                except ServiceError as refusal:
                    ui.notify(str(refusal), type='negative')
                    if getattr(refusal, 'field', None) == 'scheduled_at':
                        picker.refuse(str(refusal))
                    elif not show_field_error(inputs, getattr(refusal, 'field', None), str(refusal)):
                        self.on_done()  # taken or changed meanwhile: show the request as it is now
                    return
            ui.notify('Your changes are saved.', type='positive')
            self.on_done()

        save.on_click(save_changes)

    # --- cancel ---

    def _cancel_card(self) -> None:
        with ui.card().classes('w-full gap-2').props('flat bordered').mark('cancel-card'):
            _heading('Cancel')
            ui.label(self.choices.cancel_rule).classes('text-sm').mark('cancel-rule')
            if not self.choices.can_cancel:
                return
            button = ui.button('Cancel request', icon='cancel').props('outline color=negative no-caps')
            button.mark('request-cancel')

        @guarded(self.viewer)
        async def cancel() -> None:
            reason = await ask_reason(
                'Cancel this request?',
                self.choices.cancel_rule,
                action='Cancel request',
                marker='cancel',
                label='Why are you cancelling?',
                dismiss='Keep it',
            )
            if reason is None:
                return
            try:
                await run.io_bound(units.cancel, self.viewer, self.request.id, reason)
            except ServiceError as refusal:
                ui.notify(str(refusal), type='negative')
            else:
                ui.notify('Your request is cancelled.', type='positive')
            self.on_done()

        button.on_click(cancel)

    # --- close and review ---

    def _review_card(self) -> None:
        closing = self.choices.can_close
        with ui.card().classes('w-full gap-2').props('flat bordered').mark('review-card'):
            _heading('How did it go?' if closing else 'Rate this job')
            if closing:
                rule = (
                    f'{self.request.professional_name} marked the job done. Close it with a rating from 1 to 5; '
                    f'otherwise it closes by itself {self.choices.auto_close_days} days after the job.'
                )
            else:
                until = self.choices.review_until
                rule = 'It closed without a review. You can still rate it' + (
                    f' until {local_time(until, self.zone)}.' if until else '.'
                )
            ui.label(rule).classes('text-sm').mark('review-rule')
            rating = rating_choice(marker='review-rating')
            remarks = (
                ui.textarea('Remarks (optional)').props('outlined autogrow maxlength=1000 counter').classes('w-full')
            ).mark('review-remarks')
            label = 'Close with review' if closing else 'Post review'
            submit = ui.button(label, icon='star').props('no-caps').mark('review-submit')

        @guarded(self.viewer)
        async def send() -> None:
            if rating.value is None:
                ui.notify('Choose a rating from 1 to 5 first.', type='warning')
                return
            with busy(submit):
                try:
                    await run.io_bound(units.review, self.viewer, self.request.id, closing, rating.value, remarks.value)
                except ServiceError as refusal:
                    ui.notify(str(refusal), type='negative')
                    self.on_done()
                    return
            ui.notify(
                'Thank you: your review is saved.' if not closing else 'Closed. Thank you for the review.',
                type='positive',
            )
            self.on_done()

        submit.on_click(send)


def _heading(text: str) -> None:
    ui.label(text).classes('text-lg font-semibold').props('role=heading aria-level=2')
