"""Issue 18: names (of people, services, categories, uploaded files) refuse Unicode's invisible format characters,
and service names are unique by a normalised key (NFKC, case-folded, spacing collapsed)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from models import Document, Service
from services import Conflict, ValidationError, catalog, people, session_scope
from services.core import validation
from tests.factories import OPERATOR, PDF_BYTES, make_customer, make_professional, make_service

INVISIBLE = [
    ('Plumbing\u200b', 'U+200B'),  # zero-width space
    ('\u202egnp.exe', 'U+202E'),  # right-to-left override
    ('Asha \u2066Rao\u2069', 'U+2066'),  # left-to-right isolate
    ('\ufeffAsha', 'U+FEFF'),  # byte order mark
    ('Plumb\u00ading', 'U+00AD'),  # soft hyphen
    ('Asha\u200dRao', 'U+200D'),  # a zero-width joiner not after a virama
    ('Asha\U000e0041', 'U+E0041'),  # a tag character
    ('Asha\u2028Rao', 'U+2028'),  # a line separator: a name is one line
    ('Plumbing\u3164', 'U+3164'),  # a Hangul filler: a letter drawn as nothing
    ('Plumb\u034fing', 'U+034F'),  # the combining grapheme joiner
    ('Asha\ufe0f', 'U+FE0F'),  # a variation selector
    ('Asha\u2800', 'U+2800'),  # the Braille blank
]


@pytest.mark.parametrize(('value', 'code'), INVISIBLE)
def test_a_name_with_an_invisible_character_is_refused_with_a_clear_message(value: str, code: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(f'Name contains an invisible character ({code})')) as refusal:
        validation.name(value, max_length=100)
    assert refusal.value.field == 'name'


@pytest.mark.parametrize(
    'value',
    [
        'Asha Rao',
        '<script>alert(1)</script>',
        'محمد علي',  # right-to-left letters are letters, not overrides
        'क्\u200dष',  # Devanagari: a zero-width joiner after the virama (a half form)
        'ന്\u200d',  # Malayalam chillu written with a joiner after the virama
        'नमस्\u200cते',  # a zero-width non-joiner after the virama
        '🔧 Plumbing',
    ],
)
def test_names_in_any_script_stay_as_typed(value: str) -> None:
    assert validation.name(value, max_length=100) == value


@pytest.mark.parametrize(
    ('one', 'other'),
    [
        ('Plumbing', 'PLUMBING'),
        ('Plumbing', '\uff30\uff4c\uff55\uff4d\uff42\uff49\uff4e\uff47'),  # full-width letters
        ('AC Repair', 'AC  Repair'),
        ('AC Repair', 'AC\u00a0Repair'),  # a no-break space
        ('Straße', 'STRASSE'),
        ('Office fit-out', 'Office \ufb01t-out'),  # a ligature
        ('Plumbing', 'Plumbing\u200b'),  # stored before such names were refused
        ('Plumbing', 'Plumbing\u3164'),
        ('Plumbing', 'Plumb\u034fing\ufe0f'),
    ],
)
def test_name_keys_make_look_alikes_one_name(one: str, other: str) -> None:
    assert validation.name_key(one) == validation.name_key(other)


def test_different_names_keep_different_keys() -> None:
    keys = {validation.name_key(name) for name in ('Plumbing', 'Plumbing 2', 'Painting', 'क्ष', 'क्\u200dष')}
    assert len(keys) == 4  # the joiner changes how the letters join, not which word it is


@pytest.mark.parametrize(
    'name', ['PLUMBING', '\uff30\uff4c\uff55\uff4d\uff42\uff49\uff4e\uff47', 'plumbing ', '  Plumbing', 'pLuMbInG']
)
def test_a_service_name_that_only_looks_different_is_taken(name: str) -> None:
    make_service(name='Plumbing')
    with session_scope(write=True) as session, pytest.raises(Conflict, match='A service called "Plumbing" already'):
        catalog.create_service(session, OPERATOR, name=name, category='Home', base_price=1, time_required=30)


def test_renaming_a_service_to_a_look_alike_of_another_is_refused() -> None:
    make_service(name='AC Repair')
    other = make_service(name='Fridge Repair')
    with session_scope(write=True) as session, pytest.raises(Conflict, match='"AC Repair" already exists'):
        catalog.edit_service(session, OPERATOR, service_id=other.id, name='ac   repair')
    with session_scope(write=True) as session:  # its own name written differently is no conflict
        catalog.edit_service(session, OPERATOR, service_id=other.id, name='FRIDGE  REPAIR')
        assert session.get(Service, other.id).name_key == 'fridge repair'


@pytest.mark.parametrize('field', ['name', 'category'])
def test_a_service_name_or_category_with_an_invisible_character_is_refused(field: str) -> None:
    fields = {'name': 'Plumbing', 'category': 'Home', 'base_price': 1, 'time_required': 30} | {field: 'Plumbing\u200b'}
    with session_scope(write=True) as session, pytest.raises(ValidationError, match='invisible character') as refusal:
        catalog.create_service(session, OPERATOR, **fields)
    assert refusal.value.field == field
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Service)) == 0


def test_a_person_cannot_sign_up_or_rename_themselves_with_a_bidi_override() -> None:
    with pytest.raises(ValidationError, match=r'Name contains an invisible character \(U\+202E\)'):
        make_customer(name='Asha \u202eoaR')
    customer = make_customer(name='Asha Rao')
    with session_scope(write=True) as session, pytest.raises(ValidationError, match='invisible character'):
        people.update_profile(session, customer, name='Admin\u200b', phone='', address='12 MG Road', pincode='560001')


def test_an_uploaded_file_whose_name_hides_its_extension_is_refused() -> None:
    professional = make_professional()
    with session_scope(write=True) as session, pytest.raises(ValidationError, match='File name contains an invisible'):
        people.add_document(session, professional, kind='id_proof', filename='id\u202efdp.exe', data=PDF_BYTES)
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 0
