"""Memory per open page, and what is left when the pages close (a script, not a timed test).

    .venv/bin/python bench/memory.py pages                 # MB per dashboard, ours beside a bare page (N = 1, 10, 30)
    .venv/bin/python bench/memory.py rounds                # 20 rounds of 30 dashboards opening and closing
    .venv/bin/python bench/memory.py pages --tabs 1,10,30 --data-dir var/bench

Serves the seed of bench/admin_pages.py (--data-dir, default var/bench; its admin's sign-in in bench-logins.txt) with
bench/memory_app.py: the app as `python app.py` serves it plus a route that counts, after a full garbage collection,
the NiceGUI clients, elements, timers, event subscriptions, asyncio tasks, tracked objects and the RSS; and a bare page
with the dashboard's widgets built from `ui` alone. Real headless Chromium (bench/browse.py) signs the admin in once
and keeps one dashboard open in its first tab: that is the one-client level every count is compared with.

`pages`: for each N and each page (ours: /admin; bare: /__bench/bare), in a fresh app process, N more tabs open the
page one after another (each waited for until its counters show), 3 s to settle, counted; then they close, the
reconnect window (3 s) and 2 s more pass, counted again, and once more after `malloc_trim` (freed heap handed back).
Per page: (RSS with N + 1 pages - RSS with 1) / N. `rounds`: one app process, --rounds times N tabs opened and closed,
counted after each round: the clients, timers and subscriptions must be back at the one-client level, and the
tracked objects and trimmed RSS must not climb from round to round.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.browse import _fill, browser, serve  # noqa: E402 (the same headless Chromium as `admin_pages.py browse`)

WAIT_SECONDS = 60
SETTLE_SECONDS = 3.0
RECONNECT_SECONDS = 3.0  # NiceGUI's reconnect_timeout: a closed page's client is deleted this long after it left
PAGES = (('ours', '/admin'), ('bare', '/__bench/bare'))
LEVEL = ('clients', 'timers', 'subscriptions')  # must come back to (at most) the one-client level
SHOWN = (*LEVEL, 'tasks', 'tab_storages')  # a task in flight is no leak; NiceGUI lets a tab's storage go after 300 s
TARGET_MB_PER_PAGE = 0.5


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    data_path = Path(args.data_dir) if Path(args.data_dir).is_absolute() else ROOT / args.data_dir
    if not (data_path / 'bench-logins.txt').exists():
        sys.exit(f'no seed in {data_path}: run `bench/admin_pages.py seed` first')
    tabs = [int(n) for n in args.tabs.split(',') if n.strip()]
    if not tabs or min(tabs) < 1:
        sys.exit('--tabs takes positive counts, e.g. 1,10,30')
    with browser() as driver:
        signed_in = False
        if args.command == 'pages':
            results = []
            for count in tabs:
                for name, path in PAGES:
                    with _server(data_path) as base:
                        if not signed_in:
                            _sign_in(driver, base, data_path)
                            signed_in = True
                        results.append(_measure(driver, base, name, path, count))
            _pages_table(results)
        else:
            with _server(data_path) as base:
                _sign_in(driver, base, data_path)
                _rounds(driver, base, rounds=args.rounds, count=tabs[-1])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('command', choices=('pages', 'rounds'))
    parser.add_argument('--data-dir', default='var/bench', help='the seed (default var/bench)')
    parser.add_argument('--tabs', default='1,10,30', help='pages opened at once (rounds: the last; default 1,10,30)')
    parser.add_argument('--rounds', type=int, default=20, help='rounds of opening and closing (default 20)')
    return parser


def _measure(driver, base: str, name: str, path: str, count: int) -> dict:
    home = _home(driver, base)
    before = _counts(base)
    started = time.perf_counter()
    _open_tabs(driver, base + path, count)
    opened_in = time.perf_counter() - started
    time.sleep(SETTLE_SECONDS)
    opened = _counts(base)
    _close_tabs(driver, home)
    time.sleep(RECONNECT_SECONDS + 2)
    closed = _counts(base)
    trimmed = _counts(base, trim=True)
    print(f'  {name} x{count}: opened in {opened_in:.1f} s; {json.dumps(opened)}', flush=True)
    return {'name': name, 'count': count, 'before': before, 'opened': opened, 'closed': closed, 'trimmed': trimmed}


def _rounds(driver, base: str, *, rounds: int, count: int) -> None:
    home = _home(driver, base)
    level = _counts(base, trim=True)
    print(f'\n{rounds} rounds of {count} dashboards opened and closed, one kept open (RSS in MB, 10^6 B)\n')
    print(f'| round | {" | ".join(SHOWN)} | objects | RSS open | RSS closed | RSS trimmed |')
    print('|------:|' + '---:|' * (len(SHOWN) + 4))
    cells = ' | '.join(str(level[key]) for key in SHOWN)
    print(f'| start | {cells} | {level["objects"]:,} | — | — | {level["rss_mb"]:.1f} |')
    history, kinds = [], {}
    for round_number in range(1, rounds + 1):
        _open_tabs(driver, base + '/admin', count)
        time.sleep(SETTLE_SECONDS)
        opened = _counts(base)
        _close_tabs(driver, home)
        time.sleep(RECONNECT_SECONDS + 2)
        closed = _counts(base)
        trimmed = _counts(base, trim=True, types=round_number in {1, rounds})
        if 'types' in trimmed:
            kinds['last'] = trimmed.pop('types')
            kinds.setdefault('first', kinds['last'])
        history.append(trimmed)
        cells = ' | '.join(str(trimmed[key]) for key in SHOWN)
        print(
            f'| {round_number} | {cells} | {trimmed["objects"]:,} | {opened["rss_mb"]:.1f} | {closed["rss_mb"]:.1f} '
            f'| {trimmed["rss_mb"]:.1f} |'
        )
    back = all(entry[key] <= level[key] for entry in history for key in LEVEL)
    half = len(history) // 2
    growth = _mean(history[half:], 'rss_mb') - _mean(history[:half], 'rss_mb') if half else 0.0
    objects = _mean(history[half:], 'objects') - _mean(history[:half], 'objects') if half else 0.0
    print(f'\nback to the one-client level after every round: {"yes" if back else "NO"}')
    print(f'trimmed RSS, second half of the rounds minus the first: {growth:+.1f} MB; tracked objects {objects:+,.0f}')
    _grown(kinds['first'], kinds['last'], rounds)


def _grown(first: dict[str, int], last: dict[str, int], rounds: int, top: int = 12) -> None:
    """The types whose tracked objects grew most from after the first round to after the last."""
    grown = sorted(((last.get(kind, 0) - first.get(kind, 0), kind) for kind in last | first), reverse=True)[:top]
    print(f'\nobjects of each type after round {rounds} minus after round 1 (the {top} that grew most):')
    for change, kind in grown:
        print(f'  {change:+7,}  {kind}')


def _pages_table(results: list[dict]) -> None:
    print('\nMemory per open page (MB, 10^6 B; a fresh app process per row; "level": clients, timers and')
    print('subscriptions after the pages closed, against the one-client level)\n')
    print('| page | N | RSS with 1 | with N + 1 | MB per page | objects per page | after close | trimmed | level |')
    print('|------|--:|---:|---:|---:|---:|---:|---:|---|')
    for r in results:
        before, opened, closed, trimmed = r['before'], r['opened'], r['closed'], r['trimmed']
        per_page = (opened['rss_mb'] - before['rss_mb']) / r['count']
        objects = (opened['objects'] - before['objects']) / r['count']
        back = all(closed[key] <= before[key] for key in LEVEL)
        level = 'back' if back else ', '.join(f'{key} {before[key]}->{closed[key]}' for key in LEVEL)
        print(
            f'| {r["name"]} | {r["count"]} | {before["rss_mb"]:.1f} | {opened["rss_mb"]:.1f} | {per_page:.3f} '
            f'| {objects:,.0f} | {closed["rss_mb"]:.1f} | {trimmed["rss_mb"]:.1f} | {level} |'
        )
    print(f'\ntarget: at most {TARGET_MB_PER_PAGE} MB per open dashboard (ours, the largest N)')


def _home(driver, base: str) -> str:
    """The first tab shows the dashboard (the one-client level); every other tab is closed."""
    home = driver.window_handles[0]
    _close_tabs(driver, home)
    driver.get(f'{base}/admin')
    _wait_for_counters(driver)
    time.sleep(SETTLE_SECONDS)
    return home


def _open_tabs(driver, url: str, count: int) -> None:
    for _ in range(count):
        driver.switch_to.new_window('tab')
        driver.get(url)
        _wait_for_counters(driver)


def _close_tabs(driver, home: str) -> None:
    for handle in driver.window_handles:
        if handle != home:
            driver.switch_to.window(handle)
            driver.close()
    driver.switch_to.window(home)


def _wait_for_counters(driver) -> None:
    from selenium.webdriver.common.by import By  # noqa: PLC0415 (a test dependency)
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

    WebDriverWait(driver, WAIT_SECONDS).until(lambda d: d.find_elements(By.XPATH, "//*[text()='Pending approvals']"))


def _sign_in(driver, base: str, data_path: Path) -> None:
    from selenium.webdriver.common.by import By  # noqa: PLC0415 (a test dependency)

    logins = dict(line.split(' ', 1) for line in (data_path / 'bench-logins.txt').read_text().splitlines())
    email, password = logins['admin'].split()
    driver.get(f'{base}/login')
    _fill(driver, 'Email', email)
    _fill(driver, 'Password', password)
    driver.find_element(By.XPATH, "//button[.//*[normalize-space()='Sign in'] or normalize-space()='Sign in']").click()
    _wait_for_counters(driver)


def _counts(base: str, *, trim: bool = False, types: bool = False) -> dict:
    query = f'trim={str(trim).lower()}&types={str(types).lower()}'
    with urllib.request.urlopen(f'{base}/__bench/counts?{query}', timeout=WAIT_SECONDS) as answer:
        return json.load(answer)


@contextmanager
def _server(data_path: Path) -> Iterator[str]:
    # without the embedded job runner, as in production where workers run the jobs: the pages alone, the seed untouched
    with serve(data_path, script='bench/memory_app.py', settings={'HSA_EMBEDDED_JOBS': '0'}) as base:
        yield base


def _mean(entries: list[dict], key: str) -> float:
    return sum(entry[key] for entry in entries) / len(entries)


if __name__ == '__main__':
    main()
