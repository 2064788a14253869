"""The customer's workspace (`/customer/...`): find a service by name or category in a pincode (their own prefilled;
the search lives in the URL), then book it (`/customer/book/{service_id}`, pages/customer_booking.py)."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, run, ui

from components.filters import filter_card, known, refusal_notice
from components.forms import FIELD_HINTS
from components.frame import frame
from components.service_results import search_results
from models.enums import Role
from pages import live
from pages.viewer import Viewer, frame_options, require_viewer, with_query
from services import ServiceError, catalog, session_scope
from services.catalog import ServiceSearch

router = APIRouter(prefix='/customer')
HOME = '/customer'


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
            'pincode': ui.input('Pincode', value=wanted['pincode']).props(FIELD_HINTS['pincode']),
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
