"""What every page shares under its frame: colours with AA contrast in light and dark mode, the document's
language, a visible keyboard focus and a named loading bar (checked by tests/browser/test_accessibility.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from nicegui import __version__ as nicegui_version
from nicegui import app, ui

from components.pwa import install_head

# NiceGUI's own primary (#5898d4) gives white header text a 3:1 contrast; this blue gives 5.7:1 (WCAG AA)
PRIMARY = '#1565c0'
PRIMARY_ON_DARK = '#90caf9'  # the same blue, light enough for text on Quasar's dark page and cards (9:1)
POSITIVE = '#2e7d32'  # NiceGUI's green (#21ba45) gives white text 2.4:1 (notifications, badges); this one 5.1:1
LANGUAGE = 'en'
LOADING_BAR_LABEL = 'Loading'

# The phone's own typeface (Roboto on Android, San Francisco on iOS, Segoe UI on Windows) in place of Quasar's
# Roboto web font: nothing to download on a first visit (35 KB, and 40-75 KB more where '₹' or a star pulls in another
# of its files), and text shows at once. No web font in the list: a glyph the system font lacks would fetch it.
SYSTEM_FONTS = "system-ui, -apple-system, 'Segoe UI', 'Helvetica Neue', Arial, sans-serif"
TARGET = '44px'  # every control is at least this tall and wide (WCAG 2.5.5, and 2.5.8's 24 px with room to spare)
GAP = '8px'  # between neighbouring controls (pages use Tailwind's gap-2 for it)
# NiceGUI's Material Icons font is 129 KB, fetched on every first visit; scripts/subset_icons.py cuts out the icons
# the app and Quasar draw (7 KB). The @font-face at the end of CSS comes after NiceGUI's fonts.css: the later face of
# the same family, style and weight wins, so browsers fetch only ours. Its address names its content, so it is kept
# for a year (pages/pwa.py serves it).
STATIC = Path(__file__).resolve().parent.parent / 'pages' / 'static'
ICON_FONT = STATIC / 'fonts' / 'material-icons-subset.woff2'
ICON_FONT_URL = f'/fonts/material-icons-{hashlib.sha256(ICON_FONT.read_bytes()).hexdigest()[:8]}.woff2'
# The Tailwind classes the code uses, built by `make css` (scripts/tailwind/input.css) in place of NiceGUI's Tailwind
# runtime; also at an address that names its content (pages/pwa.py serves it), linked from every page's head (app.py).
STYLESHEET = STATIC / 'css' / 'tailwind.css'
STYLESHEET_URL = f'/css/tailwind-{hashlib.sha256(STYLESHEET.read_bytes()).hexdigest()[:8]}.css'
STYLESHEET_LINK = f'<link rel="stylesheet" href="{STYLESHEET_URL}">'
# NiceGUI's Quasar with only the components the app draws, built by `make quasar` (scripts/quasar/quasar.json names
# them): 73 KB in place of 130 on a first visit, and half the script for a phone to parse. Served from an address that
# names its content (pages/pwa.py); pages/quasar.py puts it in NiceGUI's page in place of its own.
QUASAR = STATIC / 'js' / 'quasar.js'
QUASAR_URL = f'/js/quasar-{hashlib.sha256(QUASAR.read_bytes()).hexdigest()[:8]}.js'
# NiceGUI's page imports DOMPurify only from the module script at the end of its body, which the browser reaches once
# everything above it is parsed: on a phone's repeat visit it was asked for 260 ms after the other scripts, and the
# page waited 200 ms for it. Named in the head, it is fetched with them.
DOMPURIFY_PRELOAD = f'<link rel="modulepreload" href="/_nicegui/{nicegui_version}/static/dompurify.mjs">'

# NiceGUI puts Quasar's !important classes (colours, `no-outline` on every button) in the last cascade layer, where
# an unlayered !important loses: ours go into that layer too and win by being more specific. Fields keep Quasar's
# own focus look (the coloured label and bar). NiceGUI's links are Tailwind blue-500 (3.7:1 on white): they take
# the primary colour instead, and keep it under the pointer (NiceGUI fades a hovered link to 3.9:1).
# Targets: Quasar's dense controls are 32-40 px and its round buttons 42 px; every button, tab, item, chip, field,
# choice and link is made at least TARGET (a later layer wins over Quasar's whatever its specificity, and
# `min-height` leaves Quasar's own larger sizes and autogrowing fields alone). A button's `padding` prop writes
# `min-height: 0` into its style attribute, which only an !important beats. Tabs and choices keep GAP apart.
# An autogrowing textarea measures its text when mounted; mounted hidden (a form opened by a button) it measured
# nothing and showed one line: a zero-length animation fires `animationend` whenever it is shown again, which Quasar
# answers by measuring again (its own trick for textareas in expansion items).
# ICON_BEFORE: an element with `data-icon` (or `data-icon-end`) draws that icon before (after) its text, as CSS: one
# element where ui.icon would add one more, and the frame's links and menu are on every open page (0.5 MB a page is
# the budget, bench/live.py). `/ ''` keeps screen readers from reading the icon's name. For the same reason the
# frame's 'Signed in as' caption (`signed-in-as`) and the drawer's initial (`who-with-initial`) are CSS.
CSS = f"""
@layer nicegui {{
  .nicegui-link {{ color: {PRIMARY}; }}
  .body--dark .nicegui-link {{ color: {PRIMARY_ON_DARK}; }}
  .nicegui-link {{ display: inline-flex; align-items: center; min-height: {TARGET}; min-width: {TARGET}; }}
  .nicegui-link:hover, .nicegui-link:active {{ opacity: 1; text-decoration-thickness: 2px; }}
}}
@layer quasar_importants {{
  .body--dark .text-primary {{ color: {PRIMARY_ON_DARK} !important; }}
  .body--dark .text-negative {{ color: #ff8a80 !important; }}
  .body--dark .text-grey-7, .body--dark .text-grey-8 {{ color: #bdbdbd !important; }}
  .q-btn:focus-visible, .q-tab:focus-visible, .q-item:focus-visible {{ outline: 2px solid {PRIMARY} !important; }}
  .body--dark .q-btn:focus-visible, .body--dark .q-tab:focus-visible, .body--dark .q-item:focus-visible {{
    outline-color: {PRIMARY_ON_DARK} !important;
  }}
  .q-header .q-btn:focus-visible {{ outline-color: white !important; }}
  .q-btn {{ min-height: {TARGET} !important; min-width: {TARGET} !important; }}
}}
@layer overrides {{
  body {{ font-family: {SYSTEM_FONTS}; }}
  .q-field--dense .q-field__control, .q-field--dense .q-field__marginal {{ min-height: {TARGET}; }}
  .q-tabs--dense .q-tab, .q-item--dense, .q-list--dense > .q-item {{ min-height: {TARGET}; }}
  .q-tabs__content {{ column-gap: {GAP}; }}
  .q-chip {{ height: auto; min-height: {TARGET}; }}
  .q-checkbox, .q-radio, .q-toggle {{ min-height: {TARGET}; min-width: {TARGET}; }}
  .q-option-group:not(.q-option-group--inline) > div + div {{ margin-top: {GAP}; }}
  .q-option-group--inline {{ display: flex; flex-wrap: wrap; gap: {GAP}; }}
  .q-table a:not(.q-btn) {{ display: inline-flex; align-items: center; min-height: {TARGET}; }}
  .q-textarea--autogrow textarea {{ animation: hsa-autogrow-shown 0s; }}
  :focus-visible {{ outline: 2px solid {PRIMARY}; outline-offset: 2px; }}
  .body--dark :focus-visible {{ outline-color: {PRIMARY_ON_DARK}; }}
  .q-header :focus-visible {{ outline-color: white; }}
}}
@layer utilities {{  /* Tailwind knows no 'primary': Quasar's colour as a border (a request's history) */
  .border-primary {{ border-color: {PRIMARY}; }}
  .body--dark .border-primary {{ border-color: {PRIMARY_ON_DARK}; }}
}}
@layer components {{
  [data-icon]::before, [data-icon-end]::after {{
    font-family: 'Material Icons'; font-size: 24px; font-weight: normal; font-style: normal; line-height: 1;
    letter-spacing: normal; text-transform: none; white-space: nowrap; direction: ltr; display: inline-block;
    width: 1em; overflow: hidden; flex: none; font-feature-settings: 'liga'; -webkit-font-smoothing: antialiased;
  }}
  [data-icon]::before {{ content: attr(data-icon); content: attr(data-icon) / ''; }}
  [data-icon-end]::after {{ content: attr(data-icon-end); content: attr(data-icon-end) / ''; font-size: 32px; }}
  [data-icon-end=toggle_off]::after {{ color: #616161; }}
  [data-icon-end=toggle_on]::after {{ color: {PRIMARY}; }}
  .body--dark [data-icon-end=toggle_off]::after {{ color: #bdbdbd; }}
  .body--dark [data-icon-end=toggle_on]::after {{ color: {PRIMARY_ON_DARK}; }}
}}
@layer quasar_importants {{  /* the button's label is a span.block, and Quasar's .block is display: block !important */
  .account-button .block {{ max-width: 12rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }}
  @media (max-width: 639.98px) {{
    .account-button .block {{ display: none !important; }}
    .account-button .q-icon.on-left {{ margin-right: 0; }}
  }}
}}
@layer components {{
  .signed-in-as::before {{
    content: 'Signed in as'; display: block; font-size: 0.75rem; line-height: 1rem; font-weight: 400; color: #616161;
  }}
  .body--dark .signed-in-as::before {{ color: #bdbdbd; }}
  .who-with-initial {{ display: flex; align-items: center; gap: 12px; border-bottom: 1px solid rgba(0, 0, 0, 0.12); }}
  .body--dark .who-with-initial {{ border-color: rgba(255, 255, 255, 0.28); }}
  .who-with-initial > * {{ min-width: 0; }}
  .who-with-initial::before {{
    content: attr(data-initial); content: attr(data-initial) / ''; flex: none; display: inline-flex;
    align-items: center; justify-content: center; width: 32px; height: 32px; border-radius: 9999px;
    background: {PRIMARY}; color: white; font-size: 16px;
  }}
}}
@keyframes hsa-autogrow-shown {{ to {{ opacity: 1; }} }}
@font-face {{
  font-family: 'Material Icons'; font-style: normal; font-weight: 400; font-display: block;
  src: url({ICON_FONT_URL}) format('woff2');
}}
"""
# Before its page's socket has shaken hands NiceGUI holds each event (a keystroke, a click) on a 10 ms timer of its
# own, so what was done meanwhile (typing on a phone on a slow network, or while reconnecting) reached the server in
# any order: it kept 'meera@demo' of 'meera@demo.example', and the sign-in failed with the right password on the
# screen. Here NiceGUI's `throttle`, which every event passes through first, holds them in a queue instead, and the
# handshake lets them go in the order they happened (tests/browser/test_slow_network.py).
IN_ORDER_SCRIPT = """<script>
(() => {
  let live = false;
  const held = [];
  Object.defineProperty(window, 'did_handshake', {
    configurable: true,
    get: () => live,
    set: (value) => {
      live = value;
      while (live && held.length) held.shift()();
    },
  });
  document.addEventListener('DOMContentLoaded', () => {
    const throttle = window.throttle;  // nicegui.js's, loaded by now
    if (typeof throttle !== 'function') return;
    window.throttle = (...args) => (live ? throttle(...args) : held.push(() => throttle(...args)));
  });
})();
</script>"""
# NiceGUI writes <html lang> only when ui.run(language=...) is given; Quasar leaves it alone either way
LANGUAGE_SCRIPT = f'<script>document.documentElement.lang = "{LANGUAGE}";</script>'


def theme() -> None:
    """Apply the shared colours, language and focus outline to the page being built."""
    for element in (ui.button, ui.tab):  # sentence case everywhere: Quasar shows buttons and tabs in capitals
        element.default_props('no-caps')
    ui.colors(primary=PRIMARY, positive=POSITIVE)
    ui.add_css(CSS)
    ui.add_head_html(LANGUAGE_SCRIPT + IN_ORDER_SCRIPT)
    install_head(PRIMARY)  # installable: manifest, icons, service worker (components/pwa.py)
    # Quasar's ajax bar is a role=progressbar while it shows; its props pass through as attributes
    app.config.quasar_config.setdefault('loadingBar', {})['aria-label'] = LOADING_BAR_LABEL
