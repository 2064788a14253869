"""What every page shares under its frame: colours with AA contrast in light and dark mode, the document's
language, a visible keyboard focus and a named loading bar (checked by tests/browser/test_accessibility.py)."""

from __future__ import annotations

from nicegui import app, ui

# NiceGUI's own primary (#5898d4) gives white header text a 3:1 contrast; this blue gives 5.7:1 (WCAG AA)
PRIMARY = '#1565c0'
PRIMARY_ON_DARK = '#90caf9'  # the same blue, light enough for text on Quasar's dark page and cards (9:1)
POSITIVE = '#2e7d32'  # NiceGUI's green (#21ba45) gives white text 2.4:1 (notifications, badges); this one 5.1:1
LANGUAGE = 'en'
LOADING_BAR_LABEL = 'Loading'

# NiceGUI puts Quasar's !important classes (colours, `no-outline` on every button) in the last cascade layer, where
# an unlayered !important loses: ours go into that layer too and win by being more specific. Fields keep Quasar's
# own focus look (the coloured label and bar). NiceGUI's links are Tailwind blue-500 (3.7:1 on white): they take
# the primary colour instead.
CSS = f"""
@layer nicegui {{
  .nicegui-link {{ color: {PRIMARY}; }}
  .body--dark .nicegui-link {{ color: {PRIMARY_ON_DARK}; }}
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
}}
@layer overrides {{
  :focus-visible {{ outline: 2px solid {PRIMARY}; outline-offset: 2px; }}
  .body--dark :focus-visible {{ outline-color: {PRIMARY_ON_DARK}; }}
  .q-header :focus-visible {{ outline-color: white; }}
}}
"""
# NiceGUI writes <html lang> only when ui.run(language=...) is given; Quasar leaves it alone either way
LANGUAGE_SCRIPT = f'<script>document.documentElement.lang = "{LANGUAGE}";</script>'


def theme() -> None:
    """Apply the shared colours, language and focus outline to the page being built."""
    for element in (ui.button, ui.tab):  # sentence case everywhere: Quasar shows buttons and tabs in capitals
        element.default_props('no-caps')
    ui.colors(primary=PRIMARY, positive=POSITIVE)
    ui.add_css(CSS)
    ui.add_head_html(LANGUAGE_SCRIPT)
    # Quasar's ajax bar is a role=progressbar while it shows; its props pass through as attributes
    app.config.quasar_config.setdefault('loadingBar', {})['aria-label'] = LOADING_BAR_LABEL
