"""Composition root: settings, database, pages and the server. `python app.py` (or `make run`) serves it.

Everything with side effects runs in `app.on_startup`, reading settings at that moment, because the
page tests re-run this file for every test.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable

import desktop
from settings import Settings, SettingsError, get_settings

# NiceGUI reads where it keeps app.storage when it is imported: point it into data_dir first; with Redis, into Redis
# (keys hsa:nicegui:user-<session id>, beside our hsa:events), so every app process behind a proxy knows every
# browser's session and another can take over when one dies (README "Running past one process").
# (A malformed setting is reported by serve() below, with a message instead of a traceback.)
with contextlib.suppress(SettingsError):
    os.environ.setdefault('NICEGUI_STORAGE_PATH', str(get_settings().data_path / 'nicegui'))
    if get_settings().redis_url:
        os.environ.setdefault('NICEGUI_REDIS_URL', get_settings().redis_url)
        os.environ.setdefault('NICEGUI_REDIS_KEY_PREFIX', 'hsa:nicegui:')

from nicegui import app, background_tasks, native, ui

import api
from components.theme import DOMPURIFY_PRELOAD, STYLESHEET_LINK
from models.db import dispose_engines, get_engine, set_publisher
from models.migrate import current_revision, head_revision, upgrade_to_head
from pages import (
    account,
    admin,
    admin_audit,
    admin_outbox,
    admin_requests,
    admin_services,
    admin_users,
    admin_webhooks,
    auth,
    compression,
    customer,
    customer_booking,
    customer_reports,
    customer_requests,
    documents,
    edge,
    exports,
    failures,
    health,
    live,
    notifications,
    professional,
    professional_work,
    pwa,
    quasar,
)
from services import demo, forget_cache, keep_private, runtime, site_secret

log = logging.getLogger('hsa')
GC_YOUNGEST_THRESHOLD = 50_000  # allocations between collections of the youngest generation (Python's default: 700)
TAB_STORAGE_SECONDS = 300  # how long NiceGUI keeps a browser tab's app.storage.tab after its last change
PAGE_MODULES = (
    auth,
    account,
    admin,
    admin_requests,
    admin_users,
    admin_services,
    admin_audit,
    admin_outbox,
    admin_webhooks,
    customer,
    customer_booking,
    customer_requests,
    professional,
    professional_work,
    notifications,
    documents,
    exports,
    customer_reports,
    health,
    pwa,
)
for page_module in PAGE_MODULES:
    app.include_router(page_module.router)


def edge_policy() -> edge.EdgePolicy:
    """What the web edge enforces, from the settings of the moment (pages/edge.py)."""
    settings = get_settings()
    return edge.EdgePolicy(max_body_bytes=settings.max_upload_mb * edge.MEGABYTE, hsts=settings.is_production)


def api_edge_policy() -> edge.EdgePolicy:
    """The pages' edge, and every API answer says `Cache-Control: no-store` unless its route chose otherwise (the
    reference's files): it holds someone's data, so no browser or proxy keeps a copy."""
    return dataclasses.replace(edge_policy(), defaults=(('cache-control', 'no-store'),))


app.add_middleware(edge.Edge, policy=edge_policy)
# /api/v1, the REST API over the same services, answers in front of NiceGUI's middlewares, with only the two it needs
# (api/hosting.py), in the pages' order: compression outside the edge, which writes the nonce into an uncompressed page
api.serve_in_front(
    app,
    api.application((compression.Compression, {}), (edge.Edge, {'policy': api_edge_policy})),
    prefix=api.PREFIX,
)
# NiceGUI keeps a dict for every browser tab that ever connected, 30 days by default and, without Redis, in memory:
# every page opened in a new tab stayed for a month (bench/memory.py). Nothing of ours is kept in it.
app.storage.max_tab_storage_age = TAB_STORAGE_SECONDS
# Every page's Tailwind classes come from a stylesheet built beforehand (`make css`), not from NiceGUI's Tailwind
# runtime (ui.run(tailwind=False) below): 56 KB less on a first visit and 160 ms less of a phone's CPU on every one
ui.add_head_html(STYLESHEET_LINK, shared=True)
ui.add_head_html(DOMPURIFY_PRELOAD, shared=True)
quasar.serve_our_quasar()  # only the Quasar components the app draws (`make quasar`)


def start() -> None:
    """Bring the database to the newest schema, then start delivering events and running jobs. A step that fails (a
    full disk) is retried until it succeeds, saying so in the log; /healthz says what is not running yet."""
    settings = get_settings()
    keep_private(settings.data_path)  # again here: the page tests start the app without serve()
    runtime.configure_logging()
    failures.quiet_nicegui_tracebacks()
    app.state.runner = None
    if settings.redis_url:
        from tasks.cache_store import RedisStore  # noqa: PLC0415 (Redis is loaded only when it is configured)

        runtime.use_redis_store(RedisStore)
    app.state.live = live.LiveHub(asyncio.get_running_loop())
    app.state.bus = runtime.Bus(run_job=job_runner(settings), relay=event_relay(settings))
    app.state.start_up = runtime.StartUp()
    app.state.start_up.run(start_up_steps(settings))


def start_up_steps(settings: Settings) -> list[runtime.StartUpStep]:
    """In order: the database, the demo data, delivering events, the job runner's duties (watched: it must go on)."""
    steps: list[runtime.StartUpStep] = [('database schema', prepare_database)]
    if settings.demo_data:
        steps.append(('demo data', seed_demo_data))
    steps.append(('event bus', lambda: set_publisher(app.state.bus.deliver)))
    if app.state.runner is not None:
        steps.append(('job runner', app.state.runner.start))
        app.state.start_up.watch('job runner', app.state.runner.is_running)
    return steps


def prepare_database() -> None:
    """Hold the database (a restore waits for us to stop) and migrate it, or check that it is migrated."""
    settings = get_settings()
    engine = get_engine()
    if settings.migrate_on_startup:
        upgrade_to_head()
        log.info('database ready at %s', _redacted(settings.effective_database_url))
    elif current_revision(engine) != head_revision():
        raise RuntimeError(
            'the database is not at the newest schema and migrate_on_startup is off: migrate it '
            '(every manage.py command does, e.g. `python manage.py jobs status`)'
        )


def event_relay(settings: Settings) -> Callable[[runtime.DomainEvent], None] | None:
    """How committed events reach the pages: with Redis, every process publishes there and each app process hears
    them all (its own too) in a listener task; without, straight from this process's bus to its live hub."""
    if not settings.redis_url:
        return app.state.live.receive
    from tasks.relay import RedisRelay, listen  # noqa: PLC0415 (Redis is loaded only when it is configured)

    app.state.relay = RedisRelay(settings.redis_url)
    hub = app.state.live

    def hear(event: runtime.DomainEvent) -> None:
        if event.name == live.RESYNC:  # back after an outage: what was cached meanwhile may have missed its bump
            forget_cache()
        hub.receive(event)

    background_tasks.create(listen(settings.redis_url, hear, on_state=hub.set_state), name='live-events')
    return app.state.relay.publish


def job_runner(settings: Settings) -> Callable[[runtime.JobRequest], None] | None:
    """Where requested jobs go after commit: to the Celery workers with Redis; otherwise to the embedded runner,
    which also ticks the schedule (and first of all finishes what a crash left)."""
    if settings.redis_url:
        from tasks import submit  # noqa: PLC0415 (Celery is loaded only when Redis is configured)

        return submit
    if not settings.embedded_jobs:
        return None
    app.state.runner = runtime.EmbeddedRunner(runtime.JOBS, [runtime.run_schedule], every_seconds=settings.tick_seconds)
    return app.state.runner.submit  # its duties start once the database is ready (start())


def seed_demo_data() -> None:
    """On a fresh install (no users but admins), create the demo marketplace and say how to sign in."""
    if not demo.needs_seeding():
        return
    logins = demo.seed()
    if logins is not None:
        settings = get_settings()
        base_url = getattr(app.state, 'base_url', f'http://{settings.host}:{settings.port}')  # serve() sets it
        print(demo.describe(logins, base_url=base_url), flush=True)


def stop() -> None:
    """Stop retrying start-up steps and taking events, let running jobs finish, close the database."""
    if getattr(app.state, 'start_up', None) is not None:
        app.state.start_up.stop()  # first: a retry still under way would install the publisher again
    set_publisher(None)
    if getattr(app.state, 'relay', None) is not None:
        app.state.relay.close()
    if getattr(app.state, 'runner', None) is not None:
        app.state.runner.stop()
    dispose_engines()


def close_window() -> None:
    """The server stops (a signal, not the window's close button): take the desktop window down with it."""
    for child in multiprocessing.active_children():
        child.terminate()


def quieter_garbage_collection() -> None:
    """Every open page is thousands of live objects, and Python's full collections walk all of them: with 300 pages
    open one took 0.6 s, every 20 s, and froze every page meanwhile. What is loaded by now lives as long as the process,
    so it is frozen out of the collector's walks; and collections start after more allocations than the default 700
    (cycles are rare here: most garbage goes by reference counting)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNGEST_THRESHOLD, *gc.get_threshold()[1:])


def storage_secret() -> str:
    """The configured secret; in development, a random one kept in data_dir so restarts keep you signed in (the same
    one signs the links in messages, services.site_secret)."""
    return site_secret()


def _redacted(url: str) -> str:
    return url.rsplit('@', maxsplit=1)[-1] if '@' in url else url


app.on_startup(start)
app.on_shutdown(stop)
app.on_exception(failures.log_unexpected)
app.on_page_exception(failures.error_page)


def serve() -> None:
    """Serve on the configured host and port, or in a desktop window when asked for and possible.

    A setting it cannot run with ends it with a message. The window is decided here, before `ui.run`,
    because NiceGUI's own failure paths exit or leave a server with no window (desktop.py).
    """
    if multiprocessing.current_process().name != 'MainProcess':
        return  # the desktop window's process re-imports this file as __mp_main__: nothing to serve there
    try:
        keep_private(get_settings().data_path)  # before the first file: the secret, the database, NiceGUI's storage
        settings, secret = get_settings(), storage_secret()
    except SettingsError as error:
        sys.exit(f'error: {error}')
    host, port = settings.host, settings.port
    launch = desktop.choose(wanted=settings.native, environ=os.environ, browser_url=f'http://{host}:{port}')
    if launch.reason:
        print(launch.reason, flush=True)
    if launch.native:
        os.environ.update(desktop.window_environment(os.environ))  # read by the window's process
        host, port = '127.0.0.1', native.find_open_port()  # never another machine's browser; a free port
        app.on_shutdown(close_window)
    app.state.base_url = f'http://{host}:{port}'
    quieter_garbage_collection()
    ui.run(
        title='Household Services',
        favicon='🏠',
        host=host,
        port=port,
        native=launch.native,
        window_size=(1200, 800) if launch.native else None,
        reload=False,
        show=False,
        # Each open page's WebSocket would hold a compressor and its buffers: 0.28 MB a page (bench/memory.py), a third
        # of all it costs. What travels there is small (a changed counter is 3 KB); the page and its scripts
        # come over HTTP, compressed as before.
        ws_per_message_deflate=False,
        # Brotli for the browsers that take it, NiceGUI's scripts kept at its best quality (pages/compression.py), in
        # place of NiceGUI's gzip: a phone's first visit of /login is 58 KB (11%) lighter (bench/phone.py)
        gzip_middleware_factory=compression.Compression,
        tailwind=False,  # the classes are in STYLESHEET_LINK's stylesheet (scripts/tailwind/input.css)
        server_header=False,  # no 'server: uvicorn' telling the world what to try
        storage_secret=secret,
        session_middleware_kwargs={
            # behind TLS the cookie is __Host-: Secure, host-only and Path=/, so no sibling subdomain can set or
            # overwrite it (ASVS V3.4.4); browsers keep such a cookie only over https: development keeps 'session'
            'session_cookie': '__Host-session' if settings.is_production else 'session',
            'https_only': settings.is_production,
            'same_site': 'lax',
            'max_age': settings.session_max_hours * 3600,
        },
    )


if __name__ in {'__main__', '__mp_main__'}:
    serve()
