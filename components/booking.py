"""Booking pieces: the slot picker (a day, then that day's free slots as real buttons) and the service being booked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from nicegui import ui

from components.words import day_label, duration, local_time
from services import format_money
from services.catalog import ServiceRow

SlotsOf = Callable[[date], list[datetime]]  # the free slot starts (aware) of a local day
RuleOf = Callable[[datetime], str]  # what holds for a chosen slot, in words (its cancel rule)


class SlotPicker:
    """A day select, then that day's free slots as buttons labelled with their start time (the day is chosen right
    above); the chosen one is pressed (aria-pressed) and said in words below with its full date, and with `rule_of`'s
    words for it (the cancel rule, before the customer confirms). `slots_of` gives a day's slots (the page asks the
    service layer); `value` is the chosen start, or None. Marked `<marker>-day`, `<marker>-button`, `<marker>-chosen`
    and `<marker>-rule`."""

    def __init__(
        self,
        *,
        days: tuple[date, ...],
        slots_of: SlotsOf,
        timezone: str,
        minutes: int,
        chosen: datetime | None = None,
        marker: str = 'slot',
        rule_of: RuleOf | None = None,
    ) -> None:
        self.zone, self.slots_of, self.minutes, self.marker = ZoneInfo(timezone), slots_of, minutes, marker
        self.rule_of = rule_of
        self.value = chosen
        self.error = ''
        first = chosen.astimezone(self.zone).date() if chosen else None
        first = first if first in days else (days[0] if days else None)
        if first is None:
            self.day = None
            ui.label('No free slots in the coming weeks.').classes('text-grey-8').mark(f'{marker}-none')
            return
        self.day = (
            ui.select({d.isoformat(): day_label(d) for d in days}, value=first.isoformat(), label='Day')
            .props('outlined options-dense')
            .classes('w-full sm:w-72')
            .mark(f'{marker}-day')
        )
        self.day.on_value_change(self._change_day)
        self.show()

    @ui.refreshable_method
    def show(self) -> None:
        day = date.fromisoformat(self.day.value)
        starts = self.slots_of(day)
        if not starts:
            ui.label('No free slots left on this day. Choose another day.').classes('text-grey-8')
        with (
            ui.element('div')
            .classes('w-full grid grid-cols-1 min-[480px]:grid-cols-2 md:grid-cols-3 gap-2')
            .props(f'role=group aria-label="Free slots on {day_label(day)}"')
        ):
            self._buttons = {start: self._button(start) for start in starts}
        with ui.column().classes('gap-1').props('role=status'):
            self._chosen = ui.label().classes('font-medium').mark(f'{self.marker}-chosen')
            self._rule = ui.label().classes('text-sm text-grey-8').mark(f'{self.marker}-rule')
        self._say_chosen()
        if self.error:
            ui.label(self.error).classes('text-negative').props('role=alert').mark(f'{self.marker}-error')

    def label(self, start: datetime) -> str:
        """'Tue 03 Dec 2026, 10:00 to 11:00'."""
        ends = (start + timedelta(minutes=self.minutes)).astimezone(self.zone)
        return f'{local_time(start, self.zone)} to {ends:%H:%M}'

    def refuse(self, message: str) -> None:
        """Show why the chosen slot cannot be booked and offer the day's slots afresh (the chosen one may be gone)."""
        self.error, self.value = message, None
        if self.day is not None:  # with no day on offer, the picker already says there is nothing to choose
            self.show.refresh()

    def _button(self, start: datetime) -> ui.button:
        button = ui.button(f'{start.astimezone(self.zone):%H:%M}', on_click=partial(self._choose, start))
        button.props('no-caps color=primary padding="xs md"').classes('w-full').mark(f'{self.marker}-button')
        self._press(button, start == self.value)
        return button

    def _change_day(self) -> None:
        self.error = ''
        self.show.refresh()

    def _choose(self, start: datetime) -> None:
        """Press the chosen button and release the others in place (rebuilding them would lose the keyboard focus)."""
        self.value = start
        if self.error:
            self.error = ''
            self.show.refresh()
            return
        for other, button in self._buttons.items():
            self._press(button, other == start)
        self._say_chosen()

    def _say_chosen(self) -> None:
        self._chosen.text = f'Chosen: {self.label(self.value)}' if self.value else 'No slot chosen yet.'
        rule = self.rule_of(self.value) if self.value and self.rule_of else ''
        self._rule.text = rule
        self._rule.set_visibility(bool(rule))

    @staticmethod
    def _press(button: ui.button, pressed: bool) -> None:
        button.props(remove='outline unelevated')
        button.props('unelevated' if pressed else 'outline')
        button.props['aria-pressed'] = 'true' if pressed else 'false'


def already_booked(message: str, url: str) -> None:
    """Why a booking was refused as a duplicate, with a link to the request the customer booked before."""
    with ui.row().classes('w-full items-center gap-x-3 p-3 rounded bg-orange-1').props('role=alert'):
        ui.label(message).mark('booking-duplicate')
        ui.link('Open your request', url).classes('font-medium').mark('booking-duplicate-link')


def service_summary(service: ServiceRow) -> None:
    """The service being booked: its name, then category, price and time required on one line, then what it covers."""
    with ui.card().classes('w-full gap-1').props('flat bordered').mark('booking-service'):
        ui.label(service.name).classes('text-xl font-semibold').props('role=heading aria-level=2')
        price, takes = format_money(service.base_price), duration(service.time_required)
        ui.label(f'{service.category} · {price} · takes {takes}').mark('booking-terms')
        if service.description:
            ui.label(service.description).classes('text-sm text-grey-8')
