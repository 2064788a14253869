"""A customer's search results: each service with its price and time, the professionals serving the pincode, and,
where nobody does, the nearby pincodes where someone does."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from components.forms import notice
from components.professionals import professional_card
from components.words import duration
from services import format_money
from services.catalog import NearbyPincode, ServiceMatch, ServiceSearch

BookUrl = Callable[[int, int | None], str]  # (service id, professional id or None) -> the booking page


def service_result(match: ServiceMatch, *, pincode: str, book_url: BookUrl, search_url: Callable[[str], str]) -> None:
    """One service found; marked `service-<id>`, its Book button `book-service-<id>`."""
    service = match.service
    with ui.card().classes('w-full gap-2').props('flat bordered').mark(f'service-{service.id}'):
        with ui.row().classes('w-full items-start justify-between gap-2'):
            with ui.column().classes('gap-0'):
                ui.label(service.name).classes('text-lg font-semibold').props('role=heading aria-level=3')
                price, takes = format_money(service.base_price), duration(service.time_required)
                ui.label(f'{service.category} · {price} · takes {takes}').mark(f'service-{service.id}-terms')
            if match.bookable:
                ui.button(f'Book {service.name}', icon='event_available').props(
                    f'href="{book_url(service.id, None)}" no-caps'
                ).mark(f'book-service-{service.id}')
        if service.description:
            ui.label(service.description).classes('text-sm text-grey-8')
        if match.bookable:
            ui.label(f'Professionals in {pincode}, best rated first').classes('text-sm font-medium mt-1')
            with ui.element('ul').classes('w-full grid grid-cols-1 md:grid-cols-2 gap-2 p-0 m-0'):
                for card in match.professionals:
                    professional_card(card, book_url=book_url(service.id, card.professional_id))
        else:
            ui.label(f'No professional offers {service.name} in {pincode} yet.').classes('text-sm').mark(
                f'service-{service.id}-nobody'
            )
            _nearby(match.nearby, search_url)


def _nearby(nearby: tuple[NearbyPincode, ...], search_url: Callable[[str], str]) -> None:
    if not nearby:
        return
    with ui.row().classes('items-center gap-x-3 gap-y-2 text-sm').props('aria-label="Nearby pincodes"'):
        ui.label('Nearby pincodes with professionals:')
        for place in nearby:
            count = place.professional_count
            words = f'{place.pincode} ({count} professional{"" if count == 1 else "s"})'
            ui.link(words, search_url(place.pincode)).mark(f'nearby-{place.pincode}')


def search_results(
    found: ServiceSearch,
    *,
    book_url: BookUrl,
    search_url: Callable[[str], str],
) -> None:
    """What a customer's search found: the bookable services first, then those not offered in their pincode yet."""
    where = found.pincode
    heading = f'Services in {where}' + (f' matching “{found.text}”' if found.text else '')
    ui.label(heading).classes('text-lg font-semibold').props('role=heading aria-level=2').mark('search-heading')
    if found.nothing_because:
        notice(found.nothing_because).mark(f'search-empty-{found.nothing_kind}')
    bookable = [match for match in found.matches if match.bookable]
    elsewhere = [match for match in found.matches if not match.bookable]
    for matches, marker in ((bookable, 'search-results'), (elsewhere, 'search-not-here')):
        if not matches:
            continue
        if marker == 'search-not-here' and bookable:
            ui.label(f'Not offered in {where} yet').classes('text-lg font-semibold mt-4').props(
                'role=heading aria-level=2'
            )
        with ui.column().classes('w-full gap-3').mark(marker):
            for match in matches:
                service_result(match, pincode=where, book_url=book_url, search_url=search_url)
