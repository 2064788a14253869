"""Password policy and bcrypt. NFKC-normalized UTF-8, 8 characters to 72 bytes, not a common password.

The common-password list is Django's (BSD licence, 20,000 entries, lower-cased), shipped beside this module.
"""

from __future__ import annotations

import functools
import gzip
import unicodedata
from pathlib import Path
from typing import Any

import bcrypt

from services.core.errors import ValidationError
from settings import get_settings

MIN_CHARACTERS = 8
MAX_BYTES = 72  # bcrypt's limit; bcrypt 5 raises past it and we never truncate
COMMON_PASSWORDS_FILE = Path(__file__).with_name('common-passwords.txt.gz')


def normalized(password: str) -> bytes:
    """The bytes bcrypt sees, identical when setting and when checking a password.
    Raises UnicodeEncodeError for text that is not valid Unicode (a lone surrogate)."""
    return unicodedata.normalize('NFKC', password).encode('utf-8')


def validate_new(password: Any, *, field: str = 'password') -> bytes:
    """Refuse a password we would not store: wrong type, too short, over 72 bytes or too common."""
    if not isinstance(password, str):
        raise ValidationError('Password must be text.', field=field)
    try:
        data = normalized(password)
    except UnicodeEncodeError:
        raise ValidationError('Password contains characters that cannot be used.', field=field) from None
    if len(data.decode('utf-8')) < MIN_CHARACTERS:
        raise ValidationError(f'Password must be at least {MIN_CHARACTERS} characters.', field=field)
    if len(data) > MAX_BYTES:
        raise ValidationError(
            f'Password must be at most {MAX_BYTES} bytes (accented letters and emoji take 2 to 4 each).',
            field=field,
        )
    if data.decode('utf-8').lower() in _common_passwords():
        raise ValidationError('That password is too common. Choose one that is harder to guess.', field=field)
    return data


def hash_new(password: Any, *, field: str = 'password') -> str:
    """Validate, then hash with the configured cost."""
    data = validate_new(password, field=field)
    return bcrypt.hashpw(data, bcrypt.gensalt(rounds=get_settings().bcrypt_rounds)).decode('ascii')


def verify(password: Any, password_hash: str | None) -> bool:
    """True only for the exact password. Runs exactly one bcrypt check on every path (unknown user,
    over-long input, wrong type) so that timing does not tell whether an account exists."""
    data = _normalized_or_empty(password)
    candidate_ok = 0 < len(data) <= MAX_BYTES and password_hash is not None
    against = password_hash if candidate_ok else _dummy_hash()
    matched = bcrypt.checkpw(data[:MAX_BYTES] if candidate_ok else b'not-the-password', against.encode('ascii'))
    return candidate_ok and matched


def _normalized_or_empty(password: Any) -> bytes:
    try:
        return normalized(password) if isinstance(password, str) else b''
    except UnicodeEncodeError:
        return b''


@functools.cache
def _common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, 'rt', encoding='utf-8') as file:
        return frozenset(line.strip().lower() for line in file if line.strip())


def _dummy_hash() -> str:
    return _dummy_hash_for(get_settings().bcrypt_rounds)


@functools.cache
def _dummy_hash_for(rounds: int) -> str:
    return bcrypt.hashpw(b'dummy password for timing', bcrypt.gensalt(rounds=rounds)).decode('ascii')
