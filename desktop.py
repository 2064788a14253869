"""Whether `python app.py` opens a desktop window or serves to a browser, and why (nicegui-notes.md §5).

NiceGUI's own failure paths are poor on a box without a screen: with no pywebview it calls `sys.exit(1)`;
with pywebview but no working Qt the window process crashes and the server runs on with no window. So the
app decides here, before `ui.run`, and falls back to the browser with a reason a person can act on.
`decide` is pure (it is given what `probe` found); `probe` looks at this machine.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass

# Start the Qt toolkit the window uses, on the display, without showing anything: this catches a missing
# system library (Qt's xcb plug-in aborts the process) before the real window would crash the same way.
QT_CHECK = '\n'.join(
    (
        'import webview',
        'from qtpy import QtWebEngineWidgets',
        'from qtpy.QtWidgets import QApplication',
        'QApplication([])',
    )
)
QT_CHECK_SECONDS = 30


@dataclass(frozen=True, slots=True)
class Found:
    """What this machine offers a desktop window (all of it must hold on Linux)."""

    display: str  # 'DISPLAY=:0', 'WAYLAND_DISPLAY=wayland-0', or '' for none
    webview: bool  # pywebview is installed
    qt: bool  # qtpy and PySide6 are installed
    qt_problem: str = ''  # why Qt did not start on the display ('' = it did, or it was not tried)


@dataclass(frozen=True, slots=True)
class Launch:
    native: bool
    reason: str  # one line for the console; empty when native mode was not asked for


def decide(*, wanted: bool, asked_by: str, found: Found, browser_url: str, platform: str = sys.platform) -> Launch:
    """Native only when asked for and everything the window needs is there; otherwise say what is missing."""
    if not wanted:
        return Launch(native=False, reason='')
    missing = []
    linux = platform.startswith('linux')
    if linux and not found.display:
        missing.append('no display (DISPLAY is not set)')
    if not found.webview:
        missing.append('pywebview is not installed (`make native` installs it)')
    if linux and not found.qt:
        missing.append('PySide6 and qtpy are not installed (`make native` installs them)')
    if linux and not missing and found.qt_problem:
        problem = f'{found.qt_problem}; `make native` installs its libraries'
        missing.append(f'Qt does not start on {found.display} ({problem})')
    if missing:
        return Launch(
            native=False, reason=f'{asked_by} but {"; ".join(missing)}: serving in the browser at {browser_url} instead'
        )
    where = f' on {found.display}' if found.display else ''
    return Launch(native=True, reason=f'{asked_by}: opening the app in a desktop window{where}')


def choose(*, wanted: bool, environ: Mapping[str, str], browser_url: str) -> Launch:
    """The decision for this machine; it probes (and starts Qt once) only when native mode is asked for."""
    found = probe(environ) if wanted else Found(display='', webview=False, qt=False)
    return decide(wanted=wanted, asked_by=asked_by(environ), found=found, browser_url=browser_url)


def asked_by(environ: Mapping[str, str]) -> str:
    """How the person asked for the window, for the message: the variable they set or the settings file."""
    value = environ.get('HSA_NATIVE')
    return f'HSA_NATIVE={value}' if value is not None else 'native = true (settings.toml)'


def window_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The variables pywebview's Qt window needs (verified recipe); values already set win."""
    wanted = {'PYWEBVIEW_GUI': 'qt', 'QT_QPA_PLATFORM': 'xcb' if environ.get('DISPLAY') else 'wayland'}
    if hasattr(os, 'geteuid') and os.geteuid() == 0:
        wanted['QTWEBENGINE_DISABLE_SANDBOX'] = '1'  # Chromium's sandbox refuses to run as root
    return {key: value for key, value in wanted.items() if key not in environ}


def probe(environ: Mapping[str, str]) -> Found:
    """Look at this machine: the display variables, the installed packages and, if all are there, start Qt."""
    display = next((f'{name}={environ[name]}' for name in ('DISPLAY', 'WAYLAND_DISPLAY') if environ.get(name)), '')
    webview = _installed('webview')
    qt = _installed('qtpy') and _installed('PySide6')
    found = Found(display=display, webview=webview, qt=qt)
    if sys.platform.startswith('linux') and display and webview and qt:
        return Found(display=display, webview=webview, qt=qt, qt_problem=_qt_problem(environ))
    return found


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _qt_problem(environ: Mapping[str, str]) -> str:
    env = {**environ, **window_environment(environ)}
    try:
        result = subprocess.run(
            [sys.executable, '-c', QT_CHECK],
            env=env,
            capture_output=True,
            text=True,
            timeout=QT_CHECK_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f'it did not start within {QT_CHECK_SECONDS} s'
    if result.returncode == 0:
        return ''
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    hint = next((line for line in lines if 'xcb' in line or 'Error' in line), lines[-1] if lines else '')
    return f'exit code {result.returncode}: {hint}' if hint else f'exit code {result.returncode}'
