"""Signed tokens for links that work without signing in (an unsubscribe link): `<value>.<HMAC-SHA256>`, keyed by the
site's secret and bound to a purpose, so a token for one thing never works for another."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from pathlib import Path

from services.core import files
from settings import MIN_PRODUCTION_SECRET, SettingsError, get_settings

SIGNATURE_CHARS = 32  # 192 bits of the HMAC, base64url
MAX_TOKEN = 200
DEV_SECRET_FILE = 'dev-storage-secret'
MIN_SECRET = MIN_PRODUCTION_SECRET  # characters; a new one has 64


def site_secret() -> str:
    """The configured `storage_secret` (required in production); in development a random one kept in data_dir, the
    same one the app signs its cookies with, so a link made by a worker or the command line works in the app.
    A kept secret that is empty or short (a file cut off by an older version on a full disk) is refused: signing with
    it would let anyone forge a session cookie."""
    settings = get_settings()
    if configured := settings.web_storage_secret():
        return configured
    path = settings.data_path / DEV_SECRET_FILE
    if not path.exists():
        _make_dev_secret(path)
    secret = path.read_text().strip()
    if len(secret) < MIN_SECRET:
        raise SettingsError(
            f'{path} holds an empty or short secret ({len(secret)} characters, at least {MIN_SECRET} needed). '
            'Delete the file and start again: a new one is made (everyone signed in signs in again)'
        )
    return secret


def _make_dev_secret(path: Path) -> None:
    try:
        files.create_file(path, secrets.token_urlsafe(48).encode())
    except OSError as error:
        raise SettingsError(f'could not write the secret {path}: {error.strerror or error}') from None


def sign(purpose: str, value: str) -> str:
    return f'{value}.{_signature(purpose, value)}'


def verified(purpose: str, token: object) -> str | None:
    """The value a token signed for `purpose` carries, or None for anything else (forged, cut, another purpose)."""
    if not isinstance(token, str) or '.' not in token or len(token) > MAX_TOKEN:
        return None
    value, _, signature = token.rpartition('.')
    return value if hmac.compare_digest(signature.encode(), _signature(purpose, value).encode()) else None


def _signature(purpose: str, value: str) -> str:
    digest = hmac.new(site_secret().encode(), f'{purpose}:{value}'.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:SIGNATURE_CHARS]
