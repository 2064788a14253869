from __future__ import annotations

import pytest

from services import ValidationError
from services.core import validation


def text(value: object, **overrides: object) -> str:
    return validation.text(value, **({'field': 'note', 'label': 'Note', 'max_length': 20} | overrides))


def number(value: object) -> int:
    return validation.whole_number(value, field='count', label='Count', minimum=0, maximum=70)


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        ('  Asha  ', 'Asha'),
        ('\tAsha\n', 'Asha'),
        ('Ünïcødé ✓ 😀', 'Ünïcødé ✓ 😀'),
        ('<b>&amp;</b>', '<b>&amp;</b>'),
        ('x' * 20, 'x' * 20),
    ],
)
def test_text_is_trimmed_and_kept_as_typed(value: str, expected: str) -> None:
    assert text(value) == expected


@pytest.mark.parametrize(
    ('value', 'message'),
    [
        ('', 'Note is required'),
        ('   ', 'Note is required'),
        (None, 'Note is required'),
        ('x' * 21, 'at most 20 characters'),
        (42, 'must be text'),
        (['a'], 'must be text'),
        ({'a': 1}, 'must be text'),
        (b'bytes', 'must be text'),
        ('a\x00b', 'cannot be shown'),
        ('a\x1bb', 'cannot be shown'),
        ('a\x7fb', 'cannot be shown'),
        ('a\nb', 'cannot be shown'),
        ('a\tb', 'cannot be shown'),
        ('a\rb', 'cannot be shown'),
    ],
)
def test_text_refuses_bad_single_line_input(value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as refused:
        text(value)
    assert refused.value.field == 'note'


def test_text_optional_empty_gives_empty_string() -> None:
    assert text(None, required=False) == ''
    assert text('   ', required=False) == ''


def test_text_multiline_keeps_newlines_and_tabs() -> None:
    assert text('line one\n\tline two', multiline=True, max_length=100) == 'line one\n\tline two'


def test_text_multiline_still_refuses_other_control_characters() -> None:
    with pytest.raises(ValidationError, match='cannot be shown'):
        text('line one\n\x00', multiline=True)


def test_text_multiline_turns_windows_line_breaks_into_newlines() -> None:
    assert text('line one\r\nline two', multiline=True, max_length=100) == 'line one\nline two'


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        ('Asha@Example.COM', 'asha@example.com'),
        ('  asha@example.com ', 'asha@example.com'),
        ('a.b+tag@mail.example.co.in', 'a.b+tag@mail.example.co.in'),
    ],
)
def test_email_is_trimmed_and_lower_cased(value: str, expected: str) -> None:
    assert validation.email(value) == expected


@pytest.mark.parametrize(
    ('value', 'message'),
    [
        ('', 'Email is required'),
        (None, 'Email is required'),
        (42, 'must be text'),
        ('asha', 'like name@example.com'),
        ('asha@example', 'like name@example.com'),
        ('asha@@example.com', 'like name@example.com'),
        ('as ha@example.com', 'like name@example.com'),
        ('asha@example.com.', 'like name@example.com'),
        ('@example.com', 'like name@example.com'),
        ('a' * 243 + '@example.com', 'at most 254 characters'),
    ],
)
def test_email_refuses_malformed_addresses(value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as refused:
        validation.email(value)
    assert refused.value.field == 'email'


def test_email_that_grows_past_254_characters_when_lower_cased_is_refused() -> None:
    value = '\u0130' * 230 + '@example.com'  # 'İ' lower-cases to two characters
    with pytest.raises(ValidationError, match='at most 254 characters'):
        validation.email(value)


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        ('+919876543210', '+919876543210'),
        ('+91 98765 43210', '+919876543210'),
        ('+91-98765-43210', '+919876543210'),
        ('+1 (415) 555.2671', '+14155552671'),
    ],
)
def test_phone_is_normalized_to_e164(value: str, expected: str) -> None:
    assert validation.phone(value) == expected


@pytest.mark.parametrize(
    ('value', 'message'),
    [
        ('9876543210', 'country code'),
        ('+09876543210', 'country code'),
        ('+91 98765 4321x', 'country code'),
        ('+1234567', 'country code'),
        ('+1234567890123456', 'country code'),
        ('', 'Phone is required'),
        (9876543210, 'must be text'),
        ('+91' + '9' * 30, 'at most 24 characters'),
    ],
)
def test_phone_refuses_numbers_without_country_code_or_of_wrong_length(value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validation.phone(value)


def test_optional_phone_may_be_left_empty() -> None:
    assert validation.phone('  ', required=False) is None


@pytest.mark.parametrize('value', ['560001', ' 110001 ', '999999'])
def test_pincode_of_six_digits_is_accepted(value: str) -> None:
    assert validation.pincode(value) == value.strip()


@pytest.mark.parametrize(
    ('value', 'message'),
    [
        ('012345', '6 digits and does not start with 0'),
        ('56001', '6 digits and does not start with 0'),
        ('5600011', 'at most 6 characters'),
        ('56000a', '6 digits and does not start with 0'),
        ('56 001', '6 digits and does not start with 0'),
        ('\uff15\uff16\uff10\uff10\uff10\uff11', '6 digits and does not start with 0'),
        (560001, 'must be text'),
        ('', 'Pincode is required'),
    ],
)
def test_pincode_refuses_anything_but_six_digits(value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validation.pincode(value)


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        ('560002, 560001 560002', ['560001', '560002']),
        ('560001;560003', ['560001', '560003']),
        (['560003', '560001', '560001'], ['560001', '560003']),
        (('560001',), ['560001']),
    ],
)
def test_pincodes_are_split_sorted_and_deduplicated(value: object, expected: list[str]) -> None:
    assert validation.pincodes(value) == expected


@pytest.mark.parametrize(
    ('value', 'message'),
    [
        ('', 'at least one pincode'),
        ([], 'at least one pincode'),
        (None, 'at least one pincode'),
        (560001, 'at least one pincode'),
        ([560001], 'must be text'),
        ('560001, 012345', 'does not start with 0'),
        ([str(560001 + n) for n in range(51)], 'At most 50 pincodes'),
    ],
)
def test_pincodes_refuse_empty_or_bad_lists(value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as refused:
        validation.pincodes(value)
    assert refused.value.field == 'pincodes'


@pytest.mark.parametrize(
    ('value', 'expected'),
    [(5, 5), ('5', 5), (' 7 ', 7), (5.0, 5), (0, 0), (70, 70), ('70', 70)],
)
def test_whole_number_accepts_ints_numeric_text_and_integral_floats(value: object, expected: int) -> None:
    assert number(value) == expected


@pytest.mark.parametrize(
    ('value', 'message'),
    [
        (True, 'whole number'),
        (False, 'whole number'),
        (5.5, 'whole number'),
        ('5.5', 'whole number'),
        ('5.0', 'whole number'),
        ('five', 'whole number'),
        ('', 'whole number'),
        (None, 'whole number'),
        ([5], 'whole number'),
        (float('nan'), 'whole number'),
        (float('inf'), 'whole number'),
        (-1, 'between 0 and 70'),
        ('-1', 'between 0 and 70'),
        (71, 'between 0 and 70'),
        (10**30, 'between 0 and 70'),
    ],
)
def test_whole_number_refuses_bools_fractions_and_out_of_range(value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as refused:
        number(value)
    assert refused.value.field == 'count'


def test_whole_number_refuses_text_with_thousands_of_digits() -> None:
    with pytest.raises(ValidationError, match='Count'):
        number('9' * 5000)


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        ('499', 49900),
        ('499.5', 49950),
        ('499.50', 49950),
        ('1,299', 129900),
        (' 0.01 ', 1),
        ('0', 0),
        (49900, 49900),
        ('10000000', 10_000_000_00),
    ],
)
def test_paise_reads_rupees_text_and_paise_ints(value: object, expected: int) -> None:
    assert validation.paise(value) == expected


@pytest.mark.parametrize(
    ('value', 'message'),
    [
        ('NaN', 'Base price'),
        ('Infinity', 'Base price'),
        ('-Infinity', 'Base price'),
        ('sNaN', 'Base price'),
        ('499.555', 'two decimals'),
        ('rupees', 'amount in rupees'),
        ('', 'amount in rupees'),
        ('₹499', 'amount in rupees'),
        ('-1', 'between 0 and'),
        ('10000000.01', 'between 0 and'),
        (True, 'whole number'),
        (499.5, 'whole number'),
        (None, 'whole number'),
    ],
)
def test_paise_refuses_non_amounts(value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as refused:
        validation.paise(value)
    assert refused.value.field == 'base_price'


def test_paise_refuses_an_amount_with_a_huge_exponent() -> None:
    with pytest.raises(ValidationError, match='Base price'):
        validation.paise('1e100')
