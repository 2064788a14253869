"""Input rules shared by every service: text, names (and when two are the same), email, phone, pincode, whole numbers
and money."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import BigInteger, Integer, SmallInteger

from services.core.errors import ValidationError

EMAIL_RE = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s.]+$')
PHONE_RE = re.compile(r'^\+[1-9][0-9]{7,14}$')
PINCODE_RE = re.compile(r'^[1-9][0-9]{5}$')
MAX_PINCODES = 50
MAX_EMAIL = 254  # RFC 5321's path limit
CHAT_WEBHOOK_PREFIX = 'https://chat.googleapis.com/'
MAX_WEBHOOK_URL = 500
MAX_PRICE = 10_000_000_00  # ₹1 crore in paise: a typo guard, not a business limit
JOINERS = frozenset('\u200c\u200d')  # zero-width non-joiner and joiner: kept in names after a virama
VIRAMA = 9  # the canonical combining class of every virama
# Unicode's Default_Ignorable_Code_Point characters outside category Cf (drawn as nothing: the combining grapheme
# joiner, Hangul fillers, Khmer inherent vowels, Mongolian and other variation selectors, unassigned ignorables), and
# the Braille blank, drawn blank though it is no space
DRAWN_AS_NOTHING = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x2065, 0x2065),
    (0x2800, 0x2800),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0xE0000, 0xE0FFF),
)


def text(value: Any, *, field: str, label: str, max_length: int, required: bool = True, multiline: bool = False) -> str:
    """Any printable Unicode, trimmed; control characters refused (newlines only where `multiline`)."""
    if value is None:
        value = ''
    if not isinstance(value, str):
        raise ValidationError(f'{label} must be text.', field=field)
    value = value.strip()
    if required and not value:
        raise ValidationError(f'{label} is required.', field=field)
    if len(value) > max_length:
        raise ValidationError(f'{label} must be at most {max_length} characters.', field=field)
    allowed = {'\n', '\r', '\t'} if multiline else set()
    if any(unicodedata.category(ch) in {'Cc', 'Cs'} and ch not in allowed for ch in value):
        raise ValidationError(f'{label} contains characters that cannot be shown.', field=field)
    return value.replace('\r', '')


def name(value: Any, *, field: str = 'name', label: str = 'Name', max_length: int, required: bool = True) -> str:
    """A name (a person's, a service's or category's, a file's): `text` on one line without Unicode's invisible
    format characters (category Cf: bidi overrides and isolates, zero-width spaces and joiners, the BOM, soft hyphens,
    tags) or line separators, with which one name passes for another or shows reordered. A zero-width (non-)joiner
    right after a virama stays: Indic spellings need it (IDNA's rule, RFC 5892 appendix A.1 and A.2)."""
    value = text(value, field=field, label=label, max_length=max_length, required=required)
    hidden = next((ch for index, ch in enumerate(value) if _hidden_in_name(value, index)), None)
    if hidden is not None:
        raise ValidationError(
            f'{label} contains an invisible character (U+{ord(hidden):04X}) that can disguise it. '
            'Type it again without it.',
            field=field,
        )
    return value


def name_key(value: str) -> str:
    """What makes two names the same: compatibility forms folded (NFKC: full-width letters, ligatures), case folded,
    invisible characters dropped (names stored before they were refused), every run of whitespace one space."""
    folded = unicodedata.normalize('NFKC', unicodedata.normalize('NFKC', value).casefold())
    return ' '.join(''.join(ch for ch in folded if not is_invisible(ch)).split())


def is_invisible(ch: str) -> bool:
    """A format character (category Cf), or one of the other characters Unicode says to draw as nothing
    (Default_Ignorable_Code_Point: Hangul fillers, variation selectors, the combining grapheme joiner...) or that
    draw as blank although they are no space (the Braille blank)."""
    code = ord(ch)
    return unicodedata.category(ch) == 'Cf' or any(low <= code <= high for low, high in DRAWN_AS_NOTHING)


def _hidden_in_name(value: str, index: int) -> bool:
    category = unicodedata.category(value[index])
    if category in {'Zl', 'Zp'}:  # line and paragraph separators: a name is one line
        return True
    after_virama = index > 0 and unicodedata.combining(value[index - 1]) == VIRAMA
    return is_invisible(value[index]) and not (value[index] in JOINERS and after_virama)


def email(value: Any) -> str:
    """Lower-cased; one @ and a dotted domain, no spaces."""
    value = text(value, field='email', label='Email', max_length=MAX_EMAIL).lower()
    if len(value) > MAX_EMAIL:  # some letters grow when lower-cased ('İ' becomes two characters)
        raise ValidationError(f'Email must be at most {MAX_EMAIL} characters.', field='email')
    if not EMAIL_RE.match(value):
        raise ValidationError('Enter an email address like name@example.com.', field='email')
    return value


def phone(value: Any, *, required: bool = True) -> str | None:
    """E.164 (+ country code and number); spaces, dashes and brackets are dropped first."""
    value = text(value, field='phone', label='Phone', max_length=24, required=required)
    if not value:
        return None
    compact = re.sub(r'[\s\-().]', '', value)
    if not PHONE_RE.match(compact):
        raise ValidationError('Enter the phone number with its country code, like +919876543210.', field='phone')
    return compact


def pincode(value: Any, *, field: str = 'pincode') -> str:
    value = text(value, field=field, label='Pincode', max_length=6)
    if not PINCODE_RE.match(value):
        raise ValidationError('A pincode is 6 digits and does not start with 0.', field=field)
    return value


def pincodes(value: Any) -> list[str]:
    """One or more pincodes, as a list or as text separated by commas or spaces; duplicates dropped."""
    if isinstance(value, str):
        value = [part for part in re.split(r'[\s,;]+', value) if part]
    if not isinstance(value, list | tuple) or not value:
        raise ValidationError('Enter at least one pincode you serve.', field='pincodes')
    if len(value) > MAX_PINCODES:
        raise ValidationError(f'At most {MAX_PINCODES} pincodes.', field='pincodes')
    return sorted({pincode(item, field='pincodes') for item in value})


def whole_number(value: Any, *, field: str, label: str, minimum: int, maximum: int) -> int:
    """An int in range; numeric text is accepted, bools and fractions are not."""
    if isinstance(value, str) and re.fullmatch(r'\s*-?\d{1,18}\s*', value):  # longer cannot be in range
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f'{label} must be a whole number.', field=field)
    if not minimum <= value <= maximum:
        raise ValidationError(f'{label} must be between {minimum} and {maximum}.', field=field)
    return value


def paise(value: Any, *, field: str = 'base_price', label: str = 'Base price') -> int:
    """An amount in paise (int), or rupees as text such as '499' or '499.50'."""
    if isinstance(value, str):
        value = _rupees_to_paise(value, field=field, label=label)
    return whole_number(value, field=field, label=label, minimum=0, maximum=MAX_PRICE)


# The largest value of each integer column type on every engine we run on: PostgreSQL's INTEGER is 32-bit (SQLite's
# is 64-bit), and a larger value sent to PostgreSQL is a DataError, not "no such row". Most specific type first.
MAX_ID_DIGITS = 19
INTEGER_MAXIMA = ((BigInteger, 2**63 - 1), (SmallInteger, 2**15 - 1), (Integer, 2**31 - 1))
# An id taken without its column (a page reading a URL) must fit every id column: each of ours is an INTEGER.
ANY_ID_MAXIMUM = 2**31 - 1


def is_id(value: Any, column: Any = None) -> bool:
    """A value that can be an id of `column` (the column it will be compared with; None: any of our id columns) on
    every engine: a positive int within the column's integer type, and not a bool (True is 1). Checked before any
    query, so junk is a refusal."""
    maximum = ANY_ID_MAXIMUM if column is None else largest_value_of(column)
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= maximum


def to_id(value: Any, column: Any = None) -> int | None:
    """THE converter for ids from a URL, a query string, a form or a caller: an int, or a string of ASCII digits (no
    signs, spaces, superscripts, circled or other scripts' digits, which `str.isdigit` accepts), within the range of
    `column` (None: any of our id columns) on every engine; None for anything else (the caller's "not found")."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS:
        value = int(value)
    return value if is_id(value, column) else None


def largest_value_of(column: Any) -> int:
    """The largest value an integer column holds on every engine (an ORM attribute or a Core column)."""
    column_type = column.type
    for integer_type, maximum in INTEGER_MAXIMA:
        if isinstance(column_type, integer_type):
            return maximum
    raise TypeError(f'{column} is not an integer column')


def contains_pattern(text: str) -> str:
    """A LIKE pattern that finds `text` anywhere, its own % and _ taken literally (use it with escape='\\')."""
    return '%' + text.replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_') + '%'


def _rupees_to_paise(value: str, *, field: str, label: str) -> int:
    try:
        rupees = Decimal(value.strip().replace(',', ''))
        if not rupees.is_finite() or abs(rupees) > MAX_PRICE:
            raise InvalidOperation
        exact = rupees == rupees.quantize(Decimal('0.01'))
    except InvalidOperation:
        raise ValidationError(f'{label} must be an amount in rupees, like 499 or 499.50.', field=field) from None
    if not exact:
        raise ValidationError(f'{label} can have at most two decimals.', field=field)
    return int(rupees * 100)


def chat_webhook_url(value: Any) -> str:
    """A Google Chat incoming-webhook URL: https on chat.googleapis.com only (we post to it), no spaces."""
    value = text(value, field='webhook_url', label='Webhook URL', max_length=MAX_WEBHOOK_URL)
    parts = urlsplit(value) if not re.search(r'[\s\\]', value) else None
    if (
        not value.startswith(CHAT_WEBHOOK_PREFIX)
        or parts is None
        or parts.netloc != 'chat.googleapis.com'
        or len(parts.path) < 2  # noqa: PLR2004 (more than the bare '/')
    ):
        raise ValidationError(
            f'Paste the webhook URL Google Chat gave you: it starts with {CHAT_WEBHOOK_PREFIX}', field='webhook_url'
        )
    return value
