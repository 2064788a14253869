"""Booking pieces: the slot picker (a strip of day chips, then that day's times as chips), the bar fixed at the bottom
of the booking page (price, chosen slot, Confirm) and the service being booked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from nicegui import ui
from nicegui.elements.mixins.text_element import TextElement

from components.theme import PRIMARY, PRIMARY_ON_DARK
from components.words import duration, local_time
from services import format_money
from services.catalog import ServiceRow
from services.requests import SlotState

SlotsOf = Callable[[date], Sequence[SlotState | datetime]]  # a local day's slots: its grid with states, or free starts
RuleOf = Callable[[datetime], str]  # what holds for a chosen slot, in words (its cancel rule)
# Chips are plain <button>s (ChipButton), at least 44 px square with 8 px between them (a finger, not a mouse pointer):
# outlined in the primary colour, filled when pressed. The day strip is the page's one horizontal scroller (stretched
# to its column, not as wide as its chips); its padding keeps a chip's focus outline. A slot that cannot be booked
# is greyed and struck through (not colour alone), yet still answers a tap with why.
CHIP_CSS = f"""
.chip-strip {{
  display: flex; gap: 8px; overflow-x: auto; align-self: stretch; min-width: 0; padding: 4px; margin: -4px;
  scroll-snap-type: x proximity; scroll-padding: 4px;
}}
.chip-strip > .chip-button {{ flex: none; padding: 0 16px; scroll-snap-align: start; }}
.slot-grid {{ display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 8px; }}
@media (min-width: 640px) {{ .slot-grid {{ grid-template-columns: repeat(6, minmax(0, 1fr)); }} }}
@media (min-width: 1024px) {{ .slot-grid {{ grid-template-columns: repeat(8, minmax(0, 1fr)); }} }}
.chip-button {{
  min-height: 44px; min-width: 44px; padding: 0 4px; border: 1px solid {PRIMARY}; border-radius: 4px;
  background: transparent; color: {PRIMARY}; font: inherit; font-size: 0.875rem; font-weight: 500; line-height: 1.2;
  white-space: nowrap; cursor: pointer; touch-action: manipulation; -webkit-tap-highlight-color: transparent;
}}
.chip-button:hover {{ background: rgba(21, 101, 192, 0.08); }}
.chip-button[aria-pressed=true] {{ background: {PRIMARY}; color: #ffffff; }}
.body--dark .chip-button {{ border-color: {PRIMARY_ON_DARK}; color: {PRIMARY_ON_DARK}; }}
.body--dark .chip-button:hover {{ background: rgba(144, 202, 249, 0.12); }}
.body--dark .chip-button[aria-pressed=true] {{ background: {PRIMARY_ON_DARK}; color: #000000; }}
.chip-button.slot-off {{
  border-color: transparent; background: #eeeeee; color: #616161; text-decoration: line-through;
}}
.body--dark .chip-button.slot-off {{ background: #2c2c2c; color: #a0a0a0; }}
"""
# A chosen value that does not fit a phone's width wraps instead of being cut off with an ellipsis.
BAR_CSS = """
.wrap-value .q-field__native .ellipsis { white-space: normal; overflow: visible; text-overflow: clip; }
.booking-bar { background: #ffffff; color: rgba(0, 0, 0, 0.87); border-top: 1px solid rgba(0, 0, 0, 0.12); }
.body--dark .booking-bar { background: #1d1d1d; color: #ffffff; border-top-color: rgba(255, 255, 255, 0.28); }
"""


def chip_day(day: date, today: date | None) -> str:
    """'Today', 'Tomorrow', then 'Wed 9' (the weekday and the day of the month)."""
    if today is not None and day == today:
        return 'Today'
    if today is not None and day == today + timedelta(days=1):
        return 'Tomorrow'
    return f'{day:%a} {day.day}'


def long_day(day: date) -> str:
    """'Wednesday 9 December 2026': the day the times below the chips are on."""
    return f'{day:%A} {day.day} {day:%B %Y}'


def spoken_day(day: date, today: date | None) -> str:
    """A day chip's name for screen readers and voice control: its visible words first (WCAG 2.5.3), then the rest
    of the date: 'Tomorrow, Wednesday 9 December 2026', 'Thu 10 December 2026'."""
    shown = chip_day(day, today)
    return f'{shown}, {long_day(day)}' if shown in {'Today', 'Tomorrow'} else f'{shown} {day:%B %Y}'


class ChipButton(TextElement):
    """A chip to tap: a plain <button> (CHIP_CSS). Quasar's q-btn is a component of its own for every one, and the
    booking form drew 75 of them: a quarter of a second of a phone's time to draw the page on every visit."""

    def __init__(self, text: str, on_click: Callable[[], object]) -> None:
        super().__init__(tag='button', text=text)
        self._props['type'] = 'button'
        self.classes('chip-button')
        self.on('click', on_click)


class SlotPicker:
    """A strip of day chips (Today, Tomorrow, then 'Wed 9'), then that day's times as chips labelled with their start
    alone. `slots_of` gives a day's slots (the page asks the service layer): the whole grid as SlotStates, those that
    cannot be booked greyed and saying why when tapped, or only the free starts. The chosen time is pressed
    (aria-pressed) and said in words below with its full date and `rule_of`'s words for it (the cancel rule, before
    the customer confirms); `on_change` hears of each choice. `today` (the site's) names Today and Tomorrow. `value`
    is the chosen start, or None. Marked `<marker>-day` (each day chip), `<marker>-button` (each free time chip),
    `<marker>-off` (each greyed one), `<marker>-date` (the day shown), `<marker>-chosen`, `<marker>-rule`,
    `<marker>-why` and `<marker>-error`."""

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
        today: date | None = None,
        on_change: Callable[[], object] | None = None,
    ) -> None:
        self.zone, self.slots_of, self.minutes, self.marker = ZoneInfo(timezone), slots_of, minutes, marker
        self.rule_of, self.today, self.on_change = rule_of, today, on_change
        self.value = chosen
        self.error = self.why = ''
        first = chosen.astimezone(self.zone).date() if chosen else None
        self.day = first if first in days else (days[0] if days else None)
        if self.day is None:
            ui.label('No free slots in the coming weeks.').classes('text-grey-8').mark(f'{marker}-none')
            return
        ui.add_css(CHIP_CSS)
        with ui.element('div').classes('chip-strip').props('role=group aria-label="Day"').mark(f'{marker}-days'):
            self._day_chips = {day: self._day_chip(day) for day in days}
        self.show()

    @ui.refreshable_method
    def show(self) -> None:
        states = [item if isinstance(item, SlotState) else SlotState(item) for item in self.slots_of(self.day)]
        ui.label(long_day(self.day)).classes('font-medium').mark(f'{self.marker}-date')  # the chips say 'Wed 9'
        if not any(state.free for state in states):
            ui.label('No free slots left on this day. Choose another day.').classes('text-grey-8')
        grid = ui.element('div').classes('slot-grid w-full')
        with grid.props(f'role=group aria-label="Times on {long_day(self.day)}"'):
            chips = [(state, self._time_chip(state)) for state in states]  # in the grid's order, greyed ones too
        self._chips = {state.start: chip for state, chip in chips if state.free}
        with ui.column().classes('gap-1').props('role=status'):
            self._why = ui.label().classes('font-medium').mark(f'{self.marker}-why')  # a greyed time, just tapped
            self._chosen = ui.label().classes('font-medium').mark(f'{self.marker}-chosen')
            self._rule = ui.label().classes('text-sm text-grey-8').mark(f'{self.marker}-rule')
        self._say_chosen()
        if self.error:
            ui.label(self.error).classes('text-negative').props('role=alert').mark(f'{self.marker}-error')

    def label(self, start: datetime) -> str:
        """'Tue 03 Dec 2026, 10:00 to 11:00'."""
        ends = (start + timedelta(minutes=self.minutes)).astimezone(self.zone)
        return f'{local_time(start, self.zone)} to {ends:%H:%M}'

    def short_label(self, start: datetime) -> str:
        """'Tomorrow, 10:00 to 11:00', 'Wed 9 Dec, 10:00 to 11:00': the chosen slot where room is short (the bar)."""
        local, ends = start.astimezone(self.zone), (start + timedelta(minutes=self.minutes)).astimezone(self.zone)
        day = chip_day(local.date(), self.today)
        day += f' {local:%b}' if day not in {'Today', 'Tomorrow'} else ''
        return f'{day}, {local:%H:%M} to {ends:%H:%M}'

    def refuse(self, message: str) -> None:
        """Show why the chosen slot cannot be booked and offer the day's slots afresh (the chosen one may be gone)."""
        self.error, self.value = message, None
        if self.day is not None:  # with no day on offer, the picker already says there is nothing to choose
            self.show.refresh()
        self._changed()

    def _day_chip(self, day: date) -> ChipButton:
        chip = ChipButton(chip_day(day, self.today), partial(self._choose_day, day))
        chip.props(f'aria-label="{spoken_day(day, self.today)}"').mark(f'{self.marker}-day')
        self._press(chip, day == self.day)
        return chip

    def _time_chip(self, state: SlotState) -> ChipButton:
        time = f'{state.start.astimezone(self.zone):%H:%M}'
        if not state.free:
            chip = ChipButton(time, partial(self._explain, state)).classes('slot-off')
            return chip.props(f'aria-disabled=true aria-label="{time}, {state.why_not}"').mark(f'{self.marker}-off')
        chip = ChipButton(time, partial(self._choose, state.start)).mark(f'{self.marker}-button')
        self._press(chip, state.start == self.value)
        return chip

    def _choose_day(self, day: date) -> None:
        """Press the day chip in place (keeping the keyboard focus on it) and show that day's times."""
        self.day, self.error, self.why = day, '', ''
        for other, chip in self._day_chips.items():
            self._press(chip, other == day)
        self.show.refresh()

    def _choose(self, start: datetime) -> None:
        """Press the chosen chip and release the others in place (rebuilding them would lose the keyboard focus)."""
        self.value, self.why = start, ''
        if self.error:
            self.error = ''
            self.show.refresh()
        else:
            for other, chip in self._chips.items():
                self._press(chip, other == start)
            self._say_chosen()
        self._changed()

    def _explain(self, state: SlotState) -> None:
        self.why = f'{state.start.astimezone(self.zone):%H:%M}: {state.why_not}.'
        self._say_chosen()

    def _say_chosen(self) -> None:
        self._chosen.text = f'Chosen: {self.label(self.value)}' if self.value else 'No slot chosen yet.'
        rule = self.rule_of(self.value) if self.value and self.rule_of else ''
        self._rule.text = rule
        self._rule.set_visibility(bool(rule))
        self._why.text = self.why
        self._why.set_visibility(bool(self.why))

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    @staticmethod
    def _press(chip: ChipButton, pressed: bool) -> None:
        chip.props['aria-pressed'] = 'true' if pressed else 'false'
        chip.update()


class BookingBar:
    """A bar fixed at the bottom of the viewport: the price, the chosen slot in words and Confirm. Quasar pads the page
    by the bar's height, so it never covers the last field. Marked `<marker>-bar`, `-price`, `-slot`, `-confirm`. Its
    page may give a select the class `wrap-value`: a long chosen value then wraps on a phone."""

    def __init__(self, price: str, *, marker: str = 'booking') -> None:
        ui.add_css(BAR_CSS)
        client = ui.context.client
        view = list(client.layout.props['view'])
        view[8] = 'l'  # beside the open drawer on a wide screen, as the content is, not under it
        client.layout.props['view'] = ''.join(view)
        with client.content:  # a footer is a top-level layout element, wherever the form that owns it is built
            self.footer = ui.footer().classes('booking-bar').props('aria-label="Your booking"')
        with self.footer, ui.row().classes('w-full max-w-5xl mx-auto px-4 py-2 items-center no-wrap gap-3'):
            with ui.column().classes('gap-0 grow min-w-0'):
                ui.label(price).classes('text-lg font-semibold leading-tight').mark(f'{marker}-price')
                self.slot = ui.label('Choose a time').classes('text-sm').mark(f'{marker}-slot')
            self.confirm = ui.button('Confirm booking').props('no-caps unelevated')
            self.confirm.classes('min-h-11 shrink-0').mark(f'{marker}-confirm')
        self.footer.mark(f'{marker}-bar')

    def say(self, slot: str) -> None:
        self.slot.text = slot or 'Choose a time'


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
