"""Every form field a phone user fills in tells the browser what it is: the keyboard to show (type, inputmode) and
what autofill may offer (autocomplete), by the name the service gives the field (components/forms.py FIELD_HINTS)."""

from __future__ import annotations

import pytest
from nicegui import ElementFilter
from nicegui.testing import User

from components.forms import FIELD_HINTS
from tests.factories import make_approved_professional, make_customer, make_service
from tests.pages.support import PATIENCE, open_as


def hints_of(user: User, prefix: str) -> dict[str, dict[str, str]]:
    """The props FIELD_HINTS sets, of each field marked `<prefix>-<field name>` on the page, by field name."""
    found = {}
    for name, hints in FIELD_HINTS.items():
        with user:
            elements = list(ElementFilter(marker=f'{prefix}-{name}'))
        for element in elements:
            wanted = dict(token.split('=', 1) for token in hints.split())
            found[name] = {key: str(element.props.get(key)) for key in wanted}
    return found


def expected(*names: str) -> dict[str, dict[str, str]]:
    return {name: dict(token.split('=', 1) for token in FIELD_HINTS[name].split()) for name in names}


@pytest.mark.parametrize(
    ('prefix', 'names'),
    [
        ('customer', ('name', 'email', 'phone', 'address', 'pincode')),
        ('professional', ('name', 'email', 'phone')),
    ],
)
async def test_the_sign_up_forms_ask_for_the_right_keyboard_and_autofill(
    user: User, prefix: str, names: tuple[str, ...]
) -> None:
    make_service()
    await user.open('/register')
    await user.should_see(marker='customer-submit', retries=PATIENCE)
    assert hints_of(user, prefix) == expected(*names)
    assert hints_of(user, prefix)['phone']['type'] == 'tel'  # it was a text field


async def test_the_profile_and_booking_forms_ask_for_the_right_keyboard_and_autofill(user: User) -> None:
    service = make_service()
    make_approved_professional(service_id=service.id)
    customer = make_customer(pincode='560001')
    await open_as(user, customer, '/account', 'account-save')
    assert hints_of(user, 'account') == expected('name', 'phone', 'address', 'pincode')
    await user.open(f'/customer/book/{service.id}?pincode=560001')
    await user.should_see(marker='booking-confirm', retries=PATIENCE)
    assert hints_of(user, 'booking') == expected('address', 'phone', 'pincode')  # no phone on file: asked for one
