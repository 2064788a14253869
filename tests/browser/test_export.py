"""An admin exports the closed requests in real Chromium: the progress bar moves while the embedded job writes the
file (events pushed to the page, no reload), then the download link gives the whole CSV."""

from __future__ import annotations

import csv
import sqlite3
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import Page, Server
from tests.browser.steps import demo_password

pytestmark = pytest.mark.browser
EXTRA_CLOSED = 120_000  # enough rows for the job to report progress several times before it is done
COLUMNS = (
    'service_id, customer_id, professional_id, service_status, date_of_request, scheduled_at, ends_at, '
    'time_required, price, address, pincode, remarks, assigned_at, date_of_completion, closed_at, updated_at'
)
# Every text the page shows while it runs, kept by the browser itself (progress can pass faster than a poll).
RECORD_TEXTS = """
window.seenTexts = [];
new MutationObserver(() => {
  document.querySelectorAll('[role=status]').forEach(e => window.seenTexts.push(e.textContent));
}).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
"""


def test_an_admin_exports_closed_requests_watches_the_progress_and_downloads_the_file(
    server: Server, page: Page, tmp_path: Path
) -> None:
    email, password = demo_password(server.manage('seed-demo').stdout, 'admin')
    closed = add_closed_requests(Path(server.env['HSA_DATA_DIR']) / 'hsa.db', EXTRA_CLOSED)
    server.restart(HSA_EMBEDDED_JOBS='1')  # the job runs in the app process, as with `make run`
    page.driver.execute_cdp_cmd('Page.setDownloadBehavior', {'behavior': 'allow', 'downloadPath': str(tmp_path)})
    page.open('/login?redirect_to=%2Fadmin%2Frequests')
    page.fill('Email', email)
    page.fill('Password', password)
    page.click('Sign in')
    page.wait_for_path('/admin/requests')
    page.driver.execute_script(RECORD_TEXTS)
    page.click('Export closed requests (CSV)')
    page.wait_for_text('Writing')
    page.screenshot('export-progress')
    deadline = time.monotonic() + 120
    while not page.driver.find_elements(By.XPATH, "//*[contains(text(), 'Ready: ')]"):
        assert time.monotonic() < deadline, 'the export never finished'
        time.sleep(0.2)
    page.screenshot('export-ready')
    seen = page.driver.execute_script('return window.seenTexts')
    partial = [text for text in seen if text.startswith('Writing ') and not text.startswith(f'Writing {closed:,} ')]
    assert partial, f'no progress between start and end was shown: {sorted(set(seen))}'
    assert f'Ready: {closed:,} rows' in page.driver.find_element(By.TAG_NAME, 'body').text
    page.driver.find_element(
        By.XPATH, "//a[starts-with(@href, '/exports/')][.//*[normalize-space()='Download CSV']]"
    ).click()
    rows = downloaded_rows(tmp_path)
    assert len(rows) == closed and {row[11] for row in rows} == {'closed'}


def add_closed_requests(database: Path, count: int) -> int:
    """Copies of one demo closed request, written beside the app (a crowd of history, as a site gathers); returns
    how many closed requests there are now."""
    with sqlite3.connect(database) as connection:
        connection.execute(
            f'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) '
            f'INSERT INTO service_request ({COLUMNS}) SELECT {COLUMNS} FROM n, '
            f"(SELECT {COLUMNS} FROM service_request WHERE service_status = 'closed' LIMIT 1)"
        )
        return connection.execute("SELECT count(*) FROM service_request WHERE service_status = 'closed'").fetchone()[0]


def downloaded_rows(folder: Path) -> list[list[str]]:
    deadline = time.monotonic() + 30
    while not (files := [f for f in folder.glob('*.csv')]):
        assert time.monotonic() < deadline, 'nothing was downloaded'
        time.sleep(0.2)
    with files[0].open(encoding='utf-8-sig', newline='') as written:
        header, *rows = list(csv.reader(written))
    assert header[0] == 'Request ID'
    return rows
