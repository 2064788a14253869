"""The desktop window's launch decision (desktop.py) and the browser fallback, all without a display."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import desktop
from desktop import Found, decide
from tests.servers import app_environment

ROOT = Path(__file__).resolve().parent.parent
URL = 'http://127.0.0.1:8080'
EVERYTHING = Found(display='DISPLAY=:77', webview=True, qt=True)


def launch(found: Found, *, wanted: bool = True, platform: str = 'linux') -> desktop.Launch:
    return decide(wanted=wanted, asked_by='HSA_NATIVE=1', found=found, browser_url=URL, platform=platform)


def test_not_asked_for_serves_in_the_browser_and_says_nothing() -> None:
    assert launch(EVERYTHING, wanted=False) == desktop.Launch(native=False, reason='')


def test_with_a_display_and_the_packages_it_opens_a_window() -> None:
    result = launch(EVERYTHING)
    assert result.native
    assert result.reason == 'HSA_NATIVE=1: opening the app in a desktop window on DISPLAY=:77'


def test_without_a_display_it_serves_in_the_browser_and_says_why() -> None:
    result = launch(Found(display='', webview=True, qt=True))
    assert not result.native
    assert result.reason == (
        'HSA_NATIVE=1 but no display (DISPLAY is not set): serving in the browser at http://127.0.0.1:8080 instead'
    )


def test_without_pywebview_it_points_to_make_native() -> None:
    result = launch(Found(display='DISPLAY=:0', webview=False, qt=True))
    assert not result.native
    assert 'pywebview is not installed (`make native` installs it)' in result.reason
    assert result.reason.endswith(f'serving in the browser at {URL} instead')


def test_without_qt_it_points_to_make_native() -> None:
    result = launch(Found(display='WAYLAND_DISPLAY=wayland-0', webview=True, qt=False))
    assert not result.native
    assert 'PySide6 and qtpy are not installed' in result.reason


def test_every_missing_piece_is_named_at_once() -> None:
    result = launch(Found(display='', webview=False, qt=False))
    assert result.reason == (
        'HSA_NATIVE=1 but no display (DISPLAY is not set); pywebview is not installed (`make native` installs it); '
        'PySide6 and qtpy are not installed (`make native` installs them): '
        'serving in the browser at http://127.0.0.1:8080 instead'
    )


def test_qt_that_does_not_start_on_the_display_falls_back_with_its_error() -> None:
    found = Found(display='DISPLAY=:77', webview=True, qt=True, qt_problem='exit code -6: could not load "xcb"')
    result = launch(found)
    assert not result.native
    assert 'Qt does not start on DISPLAY=:77 (exit code -6: could not load "xcb"' in result.reason


def test_off_linux_only_pywebview_is_needed() -> None:
    assert launch(Found(display='', webview=True, qt=False), platform='darwin').native
    assert not launch(Found(display='', webview=False, qt=False), platform='win32').native


def test_the_message_names_how_it_was_asked_for() -> None:
    assert desktop.asked_by({'HSA_NATIVE': 'true'}) == 'HSA_NATIVE=true'
    assert desktop.asked_by({}) == 'native = true (settings.toml)'


def test_probe_reads_the_display_variables_without_starting_qt_when_there_is_none() -> None:
    assert desktop.probe({}).display == ''
    assert desktop.probe({'WAYLAND_DISPLAY': 'wayland-1'}).display == 'WAYLAND_DISPLAY=wayland-1'
    found = desktop.probe({'DISPLAY': ''})
    assert (found.display, found.qt_problem) == ('', '')


def test_choose_does_not_probe_when_native_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(environ: object) -> Found:
        raise AssertionError('probed although native mode is off')

    monkeypatch.setattr(desktop, 'probe', fail)
    assert desktop.choose(wanted=False, environ={'DISPLAY': ':0'}, browser_url=URL) == desktop.Launch(False, '')


def test_the_window_environment_keeps_what_is_already_set() -> None:
    env = desktop.window_environment({'DISPLAY': ':77', 'PYWEBVIEW_GUI': 'gtk'})
    assert 'PYWEBVIEW_GUI' not in env
    assert env['QT_QPA_PLATFORM'] == 'xcb'


def test_app_asked_for_a_window_without_a_display_says_why_and_serves_in_the_browser(data_dir: Path) -> None:
    port = _free_port()
    env = app_environment()
    for name in ('DISPLAY', 'WAYLAND_DISPLAY'):
        env.pop(name, None)
    env |= {
        'HSA_NATIVE': '1',
        'HSA_ENV': 'development',
        'HSA_PORT': str(port),
        'HSA_DATA_DIR': str(data_dir),
        'HSA_MIGRATE_ON_STARTUP': '1',
        'HSA_DEMO_DATA': '0',
    }
    log = data_dir / 'app.log'
    with log.open('w') as output:
        process = subprocess.Popen(
            [sys.executable, 'app.py'], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        _wait_for_port(port, process, log)
        with urllib.request.urlopen(f'http://127.0.0.1:{port}/login', timeout=10) as response:
            assert response.status == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
    output_text = log.read_text()
    reason = 'HSA_NATIVE=1 but no display (DISPLAY is not set)'
    assert reason in output_text
    assert f'serving in the browser at http://127.0.0.1:{port} instead' in output_text
    assert output_text.count(reason) == 1
    assert 'Native mode is not supported' not in output_text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f'app.py exited early:\n{log.read_text()}')
        with socket.socket() as probe:
            if probe.connect_ex(('127.0.0.1', port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f'app.py did not start listening within 30 s:\n{log.read_text()}')
