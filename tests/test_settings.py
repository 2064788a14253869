from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services import clock
from settings import Settings, SettingsError, _file_values, get_settings


def test_file_defaults_are_the_documented_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ('HSA_ENV', 'HSA_BCRYPT_ROUNDS', 'HSA_MIGRATE_ON_STARTUP', 'HSA_DATA_DIR'):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv('HSA_STORAGE_SECRET', 'x')
    settings = get_settings()
    assert (settings.env, settings.host, settings.port, settings.data_dir) == ('production', '127.0.0.1', 8080, 'var')
    assert (settings.session_idle_minutes, settings.session_max_hours) == (30, 12)
    assert (settings.signin_account_failures, settings.signin_address_failures, settings.signin_window_minutes) == (
        5,
        20,
        15,
    )
    assert (settings.waiting_alert_minutes, settings.auto_close_days, settings.review_window_days) == (120, 7, 30)
    assert (settings.cancel_cutoff_hours, settings.reminder_time, settings.report_time) == (24, '18:00', '08:00')
    assert settings.zone == ZoneInfo('Asia/Kolkata')
    assert settings.redis_url == ''


def test_environment_overrides_are_read_on_every_call(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv('HSA_PORT', '9001')
    assert get_settings().port == 9001
    monkeypatch.setenv('HSA_PORT', '9002')
    monkeypatch.setenv('HSA_DATA_DIR', str(tmp_path / 'other'))
    settings = get_settings()
    assert settings.port == 9002
    assert settings.effective_database_url == f'sqlite:///{tmp_path / "other" / "hsa.db"}'


def test_explicit_database_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('HSA_DATABASE_URL', 'postgresql+psycopg://db/hsa')
    assert get_settings().effective_database_url == 'postgresql+psycopg://db/hsa'


@pytest.mark.parametrize(
    ('raw', 'expected'), [('1', True), ('true', True), ('0', False), ('false', False), ('', False)]
)
def test_booleans_accept_one_zero_true_false(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv('HSA_DEMO_DATA', raw)
    assert get_settings().demo_data is expected


def test_empty_value_means_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('HSA_SMTP_FROM', '')
    assert get_settings().smtp_from == ''


def test_production_refuses_a_missing_storage_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('HSA_ENV', 'production')
    monkeypatch.setenv('HSA_STORAGE_SECRET', '')
    settings = get_settings()  # the command line needs no secret ...
    with pytest.raises(SettingsError, match='storage_secret is required in production'):
        settings.web_storage_secret()  # ... the web app refuses to serve without one


def test_production_refuses_a_short_storage_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('HSA_ENV', 'production')
    monkeypatch.setenv('HSA_STORAGE_SECRET', 'x' * 31)
    with pytest.raises(SettingsError, match='at least 32 characters'):
        get_settings().web_storage_secret()
    monkeypatch.setenv('HSA_STORAGE_SECRET', 'x' * 32)
    assert get_settings().web_storage_secret() == 'x' * 32


def test_development_leaves_the_storage_secret_to_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('HSA_STORAGE_SECRET', '')
    assert get_settings().web_storage_secret() == ''


@pytest.mark.parametrize(
    ('key', 'value', 'message'),
    [
        ('HSA_PORT', 'eighty', 'port must be a whole number'),
        ('HSA_NATIVE', 'maybe', 'native must be 1/0/true/false'),
        ('HSA_ENV', 'staging', 'env must be one of'),
        ('HSA_TIMEZONE', 'Mars/Olympus', 'not a known IANA zone'),
        ('HSA_BCRYPT_ROUNDS', '3', 'bcrypt_rounds'),
        ('HSA_DAY_START', '8am', 'day_start must be HH:MM'),
        ('HSA_SIGNIN_ADDRESS_FAILURES', '0', 'signin_address_failures must be at least 1'),
        ('HSA_SESSION_IDLE_MINUTES', '-5', 'session_idle_minutes must be at least 1'),
        ('HSA_PORT', '70000', 'port numbers go up to 65535'),
        ('HSA_SMTP_SECURITY', 'ssl', 'smtp_security must be one of none, starttls, tls'),
        ('HSA_SMS_AUTH_HEADER', 'Bearer abc', 'sms_auth_header must look like'),
        ('HSA_TICK_SECONDS', '0', 'tick_seconds must be at least 1'),
        ('HSA_OUTBOX_LEASE_SECONDS', '40', 'outbox_lease_seconds must be more than twice delivery_timeout_seconds'),
    ],
)
def test_malformed_settings_are_refused_with_the_key_named(
    monkeypatch: pytest.MonkeyPatch, key: str, value: str, message: str
) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError, match=message):
        get_settings()


def test_unknown_hsa_variables_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('HSA_NOT_A_SETTING', 'x')
    assert not hasattr(get_settings(), 'not_a_setting')


def test_every_settings_field_has_a_default_in_the_file() -> None:
    assert set(_file_values()) == set(Settings.__dataclass_fields__)


def test_settings_are_frozen() -> None:
    with pytest.raises(AttributeError):
        get_settings().port = 1  # type: ignore[misc]


def test_the_clock_runs_ahead_by_the_shift_in_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('HSA_ENV', 'development')
    monkeypatch.setenv('HSA_CLOCK_SHIFT_MINUTES', str(3 * 24 * 60))
    ahead = clock.now() - datetime.now(UTC)
    assert timedelta(days=3) - timedelta(seconds=5) < ahead <= timedelta(days=3)
    monkeypatch.setenv('HSA_CLOCK_SHIFT_MINUTES', '-90')
    assert abs(clock.now() - datetime.now(UTC) + timedelta(minutes=90)) < timedelta(seconds=5)


def test_production_runs_on_the_real_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('HSA_ENV', 'production')
    monkeypatch.setenv('HSA_CLOCK_SHIFT_MINUTES', '60')
    with pytest.raises(SettingsError, match='clock_shift_minutes'):
        get_settings()


def test_an_smtp_password_is_never_sent_in_clear_over_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('HSA_SMTP_USER', 'relay')
    monkeypatch.setenv('HSA_SMTP_HOST', 'mail.example.com')
    with pytest.raises(SettingsError, match='the password would cross the network in clear'):
        get_settings()
    monkeypatch.setenv('HSA_SMTP_SECURITY', 'starttls')
    assert get_settings().smtp_security == 'starttls'
    monkeypatch.setenv('HSA_SMTP_SECURITY', 'none')
    monkeypatch.setenv('HSA_SMTP_HOST', '127.0.0.1')  # a relay on this machine: nothing crosses a network
    assert get_settings().smtp_host == '127.0.0.1'
