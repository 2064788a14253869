"""The one converter of ids from URLs, query strings, forms and callers (validation.to_id, re-exported by the
`services` face for pages): ASCII digits or an int, within the column's range on every engine; anything else is no
id (None), never an exception. Pages and services do not parse ids themselves."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import BigInteger, Column, Integer

import models
import services
from services.core import validation
from tests.fuzzing import examples

ROOT = Path(__file__).resolve().parents[3]
CALLERS = ('pages', 'components', 'services', 'api')  # where ids arrive
ID_PARSERS = {'isdigit', 'isdecimal', 'isnumeric'}  # each takes some digits of other scripts, which int() refuses


@pytest.mark.parametrize(('value', 'wanted'), [('7', 7), (7, 7), ('0007', 7), ('2147483647', 2**31 - 1)])
def test_ascii_digits_and_ints_are_ids(value: Any, wanted: int) -> None:
    assert validation.to_id(value) == wanted


@pytest.mark.parametrize(
    'value',
    [
        '²',
        '①',
        '\u0663',  # ARABIC-INDIC DIGIT THREE
        '\uff11',  # FULLWIDTH DIGIT ONE
        '99999999999999999999999',
        '2147483648',
        2**31,
        2**63,
        '',
        ' 1',
        '1 ',
        '+1',
        '-1',
        '1.0',
        '1_000',
        '0',
        0,
        -1,
        True,
        1.0,
        None,
        [1],
        {'id': 1},
        b'1',
    ],
)
def test_what_only_looks_like_an_id_is_none(value: Any) -> None:
    assert validation.to_id(value) is None


def test_a_wider_column_takes_wider_ids() -> None:
    wide = Column(BigInteger)
    assert validation.to_id('9223372036854775807', wide) == 2**63 - 1
    assert validation.to_id('9223372036854775808', wide) is None
    assert validation.to_id('2147483648', Column(Integer)) is None


@pytest.mark.fuzz
@settings(max_examples=examples(200), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.one_of(st.text(max_size=25), st.integers(), st.floats(), st.binary(max_size=4), st.none()))
@example(value='9' * 5000)  # past Python's limit for int() of text: a ValueError if it were tried
def test_the_converter_never_raises_and_gives_an_id_in_range_or_none(value: Any) -> None:
    converted = validation.to_id(value)
    assert converted is None or (type(converted) is int and 0 < converted <= validation.ANY_ID_MAXIMUM)


def test_pages_get_the_converter_from_the_services_face() -> None:
    assert services.to_id is validation.to_id


def test_every_id_column_holds_every_id_a_page_converts() -> None:
    narrow = {
        f'{table.name}.{column.name}'
        for table in models.Base.metadata.sorted_tables
        for column in table.columns
        if (column.primary_key or column.foreign_keys or column.name.endswith('_id'))
        and isinstance(column.type, Integer)
        and validation.largest_value_of(column) < validation.ANY_ID_MAXIMUM
    }
    assert narrow == set()


def digit_checks(path: Path) -> list[str]:
    """Where a module asks a string whether it is digits (the start of parsing an id by hand)."""
    tree = ast.parse(path.read_text(), str(path))
    return [
        f'{path.relative_to(ROOT)}:{node.lineno}'
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ID_PARSERS
    ]


def test_no_page_or_service_parses_ids_itself() -> None:
    paths = [path for layer in CALLERS for path in sorted((ROOT / layer).rglob('*.py'))]
    found = [place for path in paths if path != ROOT / 'services/core/validation.py' for place in digit_checks(path)]
    allowed = {'pages/edge.py'}  # bytes.isdigit on a Content-Length header: ASCII only, and no id
    assert [place for place in found if place.split(':')[0] not in allowed] == []
