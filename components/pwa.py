"""The head of every page points the browser at what makes the app installable (pages/pwa.py serves it): the manifest,
the theme colour of the browser's bar, iOS's home-screen icon and title, and the service worker."""

from __future__ import annotations

from nicegui import ui

MANIFEST = '/manifest.webmanifest'
SERVICE_WORKER = '/sw.js'
APPLE_TOUCH_ICON = '/apple-touch-icon.png'
HOME_SCREEN_TITLE = 'Household'  # the manifest's short_name, for iOS (which does not read the manifest for it)
# An inline script runs under the Content-Security-Policy by the nonce pages/edge.py writes into every <script> tag
# of a page. Registering again on every page is free: the browser keeps one registration and checks it for updates.
REGISTER_SCRIPT = (
    "<script>if ('serviceWorker' in navigator) "
    f"navigator.serviceWorker.register('{SERVICE_WORKER}', {{ scope: '/' }})"
    ".catch((error) => console.warn('No service worker:', error));</script>"  # the pages work without it
)


def install_head(theme_color: str) -> None:
    """Add the manifest, icon and service-worker tags to the head of the page being built."""
    ui.add_head_html(
        '\n'.join(
            (
                f'<link rel="manifest" href="{MANIFEST}">',
                f'<meta name="theme-color" content="{theme_color}">',
                f'<link rel="apple-touch-icon" href="{APPLE_TOUCH_ICON}">',
                '<meta name="mobile-web-app-capable" content="yes">',
                '<meta name="apple-mobile-web-app-capable" content="yes">',
                f'<meta name="apple-mobile-web-app-title" content="{HOME_SCREEN_TITLE}">',
                '<meta name="apple-mobile-web-app-status-bar-style" content="default">',
                REGISTER_SCRIPT,
            )
        )
    )
