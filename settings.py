"""Typed settings: settings.toml overlaid with HSA_* environment variables, both read once per process."""

from __future__ import annotations

import dataclasses
import functools
import os
import tomllib
from dataclasses import dataclass
from datetime import time
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_DIR = Path(__file__).resolve().parent
SETTINGS_FILE = PROJECT_DIR / 'settings.toml'
ENV_PREFIX = 'HSA_'
ENVIRONMENTS = ('development', 'production')
_TRUE = {'1', 'true', 'yes', 'on'}
_FALSE = {'0', 'false', 'no', 'off', ''}
BCRYPT_ROUNDS = range(4, 32)  # what bcrypt accepts
MIN_PRODUCTION_SECRET = 32  # characters
# Whole-number settings and the smallest value that makes sense (0 would switch a limit into a crash).
MINIMUMS = {
    'port': 1,
    'smtp_port': 1,
    'session_idle_minutes': 1,
    'session_max_hours': 1,
    'signin_window_minutes': 1,
    'signin_account_failures': 1,
    'signin_address_failures': 1,
    'max_upload_mb': 1,
    'slot_minutes': 5,
    'min_lead_hours': 0,
    'horizon_days': 1,
    'waiting_alert_minutes': 1,
    'auto_close_days': 1,
    'review_window_days': 1,
    'cancel_cutoff_hours': 0,
    'duty_interval_seconds': 5,
    'tick_seconds': 1,
    'job_lease_minutes': 1,
    'notify_quiet_seconds': 0,
    'notify_max_delay_seconds': 0,
    'notify_max_age_hours': 1,
    'outbox_max_attempts': 1,
    'outbox_retry_seconds': 0,
    'outbox_retry_max_seconds': 0,
    'outbox_lease_seconds': 1,
    'delivery_timeout_seconds': 1,
    'export_keep_days': 1,
    'exports_running_max': 1,
}
SMTP_SECURITY = ('none', 'starttls', 'tls')
LOOPBACK = ('localhost', '127.0.0.1', '::1')
MAX_PORT = 65535


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the key and the fix."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Settings:
    env: str
    host: str
    port: int
    native: bool
    demo_data: bool
    migrate_on_startup: bool
    embedded_jobs: bool
    tick_seconds: int
    duty_interval_seconds: int
    job_lease_minutes: int
    base_url: str
    data_dir: str
    database_url: str
    redis_url: str
    storage_secret: str
    bcrypt_rounds: int
    session_idle_minutes: int
    session_max_hours: int
    signin_window_minutes: int
    signin_account_failures: int
    signin_address_failures: int
    max_upload_mb: int
    timezone: str
    clock_shift_minutes: int
    slot_minutes: int
    day_start: str
    day_end: str
    min_lead_hours: int
    horizon_days: int
    currency: str
    waiting_alert_minutes: int
    auto_close_days: int
    review_window_days: int
    cancel_cutoff_hours: int
    reminder_time: str
    report_time: str
    notify_quiet_seconds: int
    notify_max_delay_seconds: int
    notify_max_age_hours: int
    smtp_host: str
    smtp_port: int
    smtp_security: str
    smtp_user: str
    smtp_password: str
    smtp_from: str
    smtp_ca_file: str
    chat_base_url: str
    sms_gateway_url: str
    sms_auth_header: str
    sms_to_field: str
    sms_text_field: str
    outbox_max_attempts: int
    outbox_retry_seconds: int
    outbox_retry_max_seconds: int
    outbox_lease_seconds: int
    delivery_timeout_seconds: int
    webhook_allowed_networks: str
    export_keep_days: int
    exports_running_max: int

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Settings:
        """Build settings from raw values (strings from the environment are converted by field type)."""
        known = {f.name: f for f in dataclasses.fields(cls)}
        missing = known.keys() - values.keys()
        if missing:
            raise SettingsError(f'settings.toml lacks: {", ".join(sorted(missing))}')
        settings = cls(**{name: _convert(name, field.type, values[name]) for name, field in known.items()})
        settings.check()
        return settings

    @property
    def is_production(self) -> bool:
        return self.env == 'production'

    @property
    def data_path(self) -> Path:
        """`data_dir` as an absolute path; a relative one is taken from the project folder."""
        path = Path(self.data_dir)
        return path if path.is_absolute() else PROJECT_DIR / path

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f'sqlite:///{self.data_path / "hsa.db"}'

    @property
    def webhook_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        """The private networks webhooks may still be sent to (none by default: a public address only)."""
        return _parse_networks(self.webhook_allowed_networks)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def public_url(self) -> str:
        """Where people open the app, for links in messages (no trailing slash)."""
        return (self.base_url or f'http://{self.host}:{self.port}').rstrip('/')

    def web_storage_secret(self) -> str:
        """The secret that signs session cookies. Production refuses to serve without one; development
        returns '' and the app keeps a random one in data_dir. (The command line needs none.)"""
        if self.is_production and len(self.storage_secret) < MIN_PRODUCTION_SECRET:
            raise SettingsError(
                f'storage_secret is required in production, at least {MIN_PRODUCTION_SECRET} characters: '
                'set HSA_STORAGE_SECRET to a long random value'
            )
        return self.storage_secret

    def check(self) -> None:
        """Refuse settings the app cannot run safely with."""
        if self.env not in ENVIRONMENTS:
            raise SettingsError(f'env must be one of {", ".join(ENVIRONMENTS)}, not {self.env!r}')
        for key, minimum in MINIMUMS.items():
            if getattr(self, key) < minimum:
                raise SettingsError(f'{key} must be at least {minimum}, not {getattr(self, key)}')
        if self.port > MAX_PORT or self.smtp_port > MAX_PORT:
            raise SettingsError(f'port numbers go up to {MAX_PORT}')
        if self.is_production and self.clock_shift_minutes:
            raise SettingsError('clock_shift_minutes is for trying things out: production runs on the real clock')
        if self.bcrypt_rounds not in BCRYPT_ROUNDS:
            raise SettingsError('bcrypt_rounds must be between 4 and 31')
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(f'timezone {self.timezone!r} is not a known IANA zone') from None
        for key in ('day_start', 'day_end', 'reminder_time', 'report_time'):
            _parse_clock(key, getattr(self, key))
        if self.smtp_security not in SMTP_SECURITY:
            raise SettingsError(f'smtp_security must be one of {", ".join(SMTP_SECURITY)}, not {self.smtp_security!r}')
        if self.smtp_user and self.smtp_security == 'none' and self.smtp_host not in LOOPBACK:
            raise SettingsError(
                'smtp_user is set but smtp_security is none: the password would cross the network in clear. '
                'Set smtp_security to starttls or tls (or leave smtp_user empty for a relay that needs no sign-in)'
            )
        if self.outbox_lease_seconds <= 2 * self.delivery_timeout_seconds:
            raise SettingsError(
                'outbox_lease_seconds must be more than twice delivery_timeout_seconds: a send (connecting, then '
                'sending, each up to the timeout) must fit in the lease, or no message would ever be sent'
            )
        _parse_networks(self.webhook_allowed_networks)
        if self.sms_auth_header and ':' not in self.sms_auth_header:
            raise SettingsError('sms_auth_header must look like "Name: value", e.g. "Authorization: Bearer <key>"')


@functools.cache
def get_settings() -> Settings:
    """settings.toml overlaid with HSA_* environment variables, read at the first call and kept (frozen): everything
    from the clock to every service asks for them many times per action, and reading the environment each time
    was a tenth of a booking. Whoever changes the environment afterwards calls `reload_settings()`."""
    return Settings.from_mapping({**_file_values(), **_env_values()})


def reload_settings() -> None:
    """Read the environment again at the next `get_settings()` (tests and benches that change HSA_* variables)."""
    get_settings.cache_clear()


def clock_time(value: str) -> time:
    """'HH:MM' as a time of day."""
    return _parse_clock('time', value)


@functools.cache
def _file_values() -> dict[str, Any]:
    with SETTINGS_FILE.open('rb') as file:
        groups = tomllib.load(file)
    values: dict[str, Any] = {}
    for group in groups.values():
        duplicated = values.keys() & group.keys()
        if duplicated:
            raise SettingsError(f'settings.toml repeats keys across groups: {", ".join(sorted(duplicated))}')
        values.update(group)
    return values


def _env_values() -> dict[str, str]:
    names = _setting_names()
    return {
        key[len(ENV_PREFIX) :].lower(): value
        for key, value in os.environ.items()
        if key.startswith(ENV_PREFIX) and key[len(ENV_PREFIX) :].lower() in names
    }


@functools.cache
def _setting_names() -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(Settings))


def _convert(name: str, kind: str, value: Any) -> Any:
    if kind == 'bool':
        return value if isinstance(value, bool) else _to_bool(name, str(value))
    if kind == 'int':
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise SettingsError(f'{name} must be a whole number, not {value!r}') from None
    return str(value)


def _parse_networks(value: str) -> tuple[IPv4Network | IPv6Network, ...]:
    try:
        return tuple(ip_network(part.strip()) for part in value.split(',') if part.strip())
    except ValueError as problem:
        raise SettingsError(
            f'webhook_allowed_networks must be networks like "10.0.0.0/8, 127.0.0.1/32": {problem}'
        ) from None


def _to_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise SettingsError(f'{name} must be 1/0/true/false, not {value!r}')


def _parse_clock(name: str, value: str) -> time:
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise SettingsError(f'{name} must be HH:MM, not {value!r}') from None
