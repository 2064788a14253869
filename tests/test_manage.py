"""manage.py as the operator runs it: a real subprocess against this test's database (HSA_* from the environment)."""

from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from manage import parser
from models import AuditEvent, ServiceRequest, User
from models.enums import Role
from services import (
    AccountBlocked,
    Actor,
    InvalidCredentials,
    Throttled,
    catalog,
    clock,
    identity,
    messaging,
    reports,
    session_scope,
)
from services.identity import SignedIn
from settings import get_settings
from tests.conftest import Outside
from tests.factories import (
    PASSWORD,
    accept_request,
    book_request,
    make_admin,
    make_approved_professional,
    make_customer,
    make_professional,
    make_service,
    schedule_ran_before,
)

PROJECT_DIR = Path(__file__).resolve().parent.parent
NEW_PASSWORD = 'violet kettle seventeen'


def manage(*args: str, stdin: str = '') -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, 'manage.py', *args],
        cwd=PROJECT_DIR,
        env=os.environ.copy(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def assert_refused(result: subprocess.CompletedProcess[str], message: str) -> None:
    """Exit status 1 and one clear line on stderr, not a traceback."""
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith('error: ')
    assert message in result.stderr
    assert 'Traceback' not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def users_with_email(email: str) -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(User).where(User.email == email))


def sign_in(email: str, password: str) -> SignedIn:
    return identity.sign_in(email, password, client_ip='10.0.0.9')


def test_create_admin_reads_the_password_from_stdin() -> None:
    result = manage('create-admin', '--email', 'Boss@Example.com', '--name', 'Boss', stdin=f'{NEW_PASSWORD}\n')
    assert result.returncode == 0, result.stderr
    assert 'boss@example.com' in result.stdout
    assert NEW_PASSWORD not in result.stdout + result.stderr
    actor = sign_in('boss@example.com', NEW_PASSWORD).actor
    assert (actor.role, actor.name) == (Role.ADMIN, 'Boss')


@pytest.mark.parametrize(('password', 'message'), [('password1', 'too common'), ('short', 'at least 8')])
def test_create_admin_refuses_a_weak_password(password: str, message: str) -> None:
    result = manage('create-admin', '--email', 'weak@example.com', stdin=f'{password}\n')
    assert_refused(result, message)
    assert users_with_email('weak@example.com') == 0


def test_a_password_is_never_taken_from_argv() -> None:
    result = manage('create-admin', '--email', 'argv@example.com', '--password', NEW_PASSWORD)
    assert result.returncode == 2
    assert 'unrecognized arguments' in result.stderr
    assert users_with_email('argv@example.com') == 0


def test_no_command_has_a_password_option() -> None:
    commands = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    options = {name: [o for a in sub._actions for o in a.option_strings] for name, sub in commands.items()}
    assert {'create-admin', 'reset-password'} <= options.keys()
    assert [(name, o) for name, opts in options.items() for o in opts if 'pass' in o.lower()] == []


def test_reset_password_sets_the_new_one_and_ends_sessions() -> None:
    customer = make_customer()
    token = sign_in(customer.email, PASSWORD).key
    result = manage('reset-password', '--email', customer.email.upper(), stdin=f'{NEW_PASSWORD}\n')
    assert result.returncode == 0, result.stderr
    assert customer.email in result.stdout
    assert identity.authenticate(token) is None
    assert sign_in(customer.email, NEW_PASSWORD).actor.id == customer.id
    with pytest.raises(InvalidCredentials):
        sign_in(customer.email, PASSWORD)


def test_block_ends_sessions_and_unblock_lets_them_back_in() -> None:
    professional = make_professional()
    token = sign_in(professional.email, PASSWORD).key
    blocked = manage('block', '--email', professional.email, '--reason', 'Fraud reported')
    assert blocked.returncode == 0, blocked.stderr
    assert identity.authenticate(token) is None
    with pytest.raises(AccountBlocked):
        sign_in(professional.email, PASSWORD)
    with session_scope() as session:
        assert session.get(User, professional.id).blocked_reason == 'Fraud reported'
    unblocked = manage('unblock', '--email', professional.email)
    assert unblocked.returncode == 0, unblocked.stderr
    assert sign_in(professional.email, PASSWORD).actor.id == professional.id


def test_block_of_a_blocked_user_and_unblock_of_an_unblocked_one_are_refused() -> None:
    customer = make_customer()
    assert manage('block', '--email', customer.email, '--reason', 'Spam').returncode == 0
    assert_refused(manage('block', '--email', customer.email, '--reason', 'Again'), 'already blocked')
    assert manage('unblock', '--email', customer.email, '--reason', 'Appeal accepted').returncode == 0
    assert_refused(manage('unblock', '--email', customer.email), 'not blocked')
    with session_scope() as session:
        assert session.get(User, customer.id).is_blocked is False
        events = session.execute(select(AuditEvent.action, AuditEvent.reason).order_by(AuditEvent.id)).all()
    assert [tuple(event) for event in events] == [('user.block', 'Spam'), ('user.unblock', 'Appeal accepted')]


def test_block_of_an_unknown_email_is_refused() -> None:
    make_admin()
    unknown = manage('block', '--email', 'nobody@example.com', '--reason', 'Spam')
    assert_refused(unknown, 'No account has that email')


def test_add_service_takes_rupees_and_minutes() -> None:
    result = manage(
        'add-service', '--name', 'Sofa Cleaning', '--category', 'Cleaning', '--price', '499', '--minutes', '60'
    )
    assert result.returncode == 0, result.stderr
    assert '₹499.00' in result.stdout
    with session_scope() as session:
        services = catalog.list_services(session)
    assert [(s.name, s.category, s.base_price, s.time_required, s.is_active) for s in services] == [
        ('Sofa Cleaning', 'Cleaning', 49900, 60, True)
    ]


@pytest.mark.parametrize(
    ('price', 'minutes', 'message'),
    [('cheap', '60', 'amount in rupees'), ('499', '5', 'between 15 and 720')],
)
def test_add_service_refuses_bad_input(price: str, minutes: str, message: str) -> None:
    result = manage('add-service', '--name', 'Bad', '--category', 'Cleaning', '--price', price, '--minutes', minutes)
    assert_refused(result, message)
    with session_scope() as session:
        assert catalog.list_services(session) == []


def test_backup_writes_a_consistent_copy_and_never_overwrites(tmp_path: Path) -> None:
    make_admin()
    make_customer()
    make_professional()
    target = tmp_path / 'backups' / 'copy.db'
    result = manage('backup', str(target))
    assert result.returncode == 0, result.stderr
    with session_scope() as session:
        users = session.scalar(select(func.count()).select_from(User))
    with sqlite3.connect(target) as copy:
        assert copy.execute('PRAGMA integrity_check').fetchone() == ('ok',)
        assert copy.execute('SELECT count(*) FROM user').fetchone() == (users,)
    assert users == 3
    before = target.read_bytes()
    again = manage('backup', str(target))
    assert_refused(again, 'already exists')
    assert target.read_bytes() == before


def test_unlock_lifts_the_sign_in_throttle_and_reset_password_does_too() -> None:
    customer = make_customer()
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            sign_in(customer.email, 'wrong password!')
    with pytest.raises(Throttled):
        sign_in(customer.email, PASSWORD)
    result = manage('unlock', '--email', customer.email)
    assert result.returncode == 0, result.stderr
    assert '5 recent failures cleared' in result.stdout
    assert sign_in(customer.email, PASSWORD).actor.id == customer.id

    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            sign_in(customer.email, 'wrong password!')
    assert manage('reset-password', '--email', customer.email, stdin=f'{NEW_PASSWORD}\n').returncode == 0
    assert sign_in(customer.email, NEW_PASSWORD).actor.id == customer.id


def test_backup_does_not_migrate_and_needs_an_existing_database(data_dir: Path, tmp_path: Path) -> None:
    (data_dir / 'hsa.db').unlink()
    result = manage('backup', str(tmp_path / 'copy.db'))
    assert_refused(result, 'There is no database at')
    assert not (data_dir / 'hsa.db').exists()  # nothing was created or migrated on the way


def test_seed_demo_prints_how_to_sign_in_and_runs_once() -> None:
    first = manage('seed-demo')
    assert first.returncode == 0, first.stderr
    assert 'Sign in at http://' in first.stdout
    assert 'admin@demo.example' in first.stdout
    second = manage('seed-demo')
    assert second.returncode == 0
    assert second.stdout.strip() == 'Demo data is already seeded.'


# --- jobs -------------------------------------------------------------------------------------------------------------


def professional_with_a_job() -> Actor:
    service = make_service()
    professional = make_approved_professional(service_id=service.id)
    request_id = book_request(make_customer(), service.id, now=clock.now())
    accept_request(professional, request_id, now=clock.now())
    return professional


def test_jobs_run_reminders_sends_real_emails_once_a_day(outside: Outside) -> None:
    professional = professional_with_a_job()
    first = manage('jobs', 'run', 'reminders')
    assert first.returncode == 0, first.stderr
    assert '1 reminder(s) queued\noutbox ' in first.stdout
    assert first.stdout.strip().endswith(': 1 sent, 0 retrying, 0 failed, 0 not configured')
    [email] = outside.smtp.to(professional.email)
    assert '1 job to complete' in email['Subject']
    again = manage('jobs', 'run', 'reminders')
    assert '0 reminder(s) queued\n' in again.stdout and again.stdout.strip().endswith(
        ': 0 sent, 0 retrying, 0 failed, 0 not configured'
    )
    assert len(outside.smtp.to(professional.email)) == 1


def test_jobs_run_duties_expires_closes_and_sends_notifications(outside: Outside, monkeypatch) -> None:
    customer = make_customer()
    with session_scope(write=True) as session:
        messaging.notify(session, customer.id, 'request.accepted', 'Ravi accepted your Plumbing request.')
    monkeypatch.setenv('HSA_NOTIFY_QUIET_SECONDS', '0')
    result = manage('jobs', 'run', 'duties')
    assert result.returncode == 0, result.stderr
    assert [line.split(' ', 2)[0] for line in result.stdout.splitlines()] == [
        'expire-and-auto-close',
        'exports',
        'notifications',
        'outbox',
    ]
    assert '1 notification message(s) queued' in result.stdout
    assert outside.smtp.to(customer.email)[0]['Subject'] == 'Ravi accepted your Plumbing request.'


def test_jobs_tick_runs_what_is_due_once_and_status_shows_it(outside: Outside) -> None:
    schedule_ran_before(clock.now())
    first, second = manage('jobs', 'tick'), manage('jobs', 'tick')
    assert 'daily-reminders' in first.stdout and 'outbox' in first.stdout
    assert 'daily-reminders' not in second.stdout
    status = manage('jobs', 'status')
    assert status.returncode == 0, status.stderr
    assert 'daily-reminders' in status.stdout and 'done: 0 reminder(s) queued' in status.stdout
    assert status.stdout.strip().endswith('Outbox: 0 pending, 0 sending, 0 sent, 0 failed, 0 not configured')


def test_the_demo_marketplaces_professionals_get_their_reminders_once_on_a_fresh_install(outside: Outside) -> None:
    assert manage('seed-demo').returncode == 0
    first, again = manage('jobs', 'run', 'reminders'), manage('jobs', 'run', 'reminders')
    reminded = {message['To'] for message in outside.smtp.messages}
    assert len(reminded) == len(outside.smtp.messages) >= 3
    assert all(address.endswith('@demo.example') for address in reminded)
    assert f'{len(reminded)} reminder(s) queued' in first.stdout
    assert '0 reminder(s) queued' in again.stdout
    assert len(outside.smtp.messages) == len(reminded)


def test_the_demos_monthly_report_goes_out_by_email_with_its_pdf_once(outside: Outside) -> None:
    assert manage('seed-demo').returncode == 0
    last_month = reports.month_text(reports.previous_month(clock.now().astimezone(get_settings().zone).date()))
    first = manage('jobs', 'run', 'monthly-report', '--month', last_month)
    assert first.returncode == 0, first.stderr
    queued = int(first.stdout.split(f'monthly-report {last_month}: {last_month}: ')[1].split(' ')[0])
    assert queued > 0
    assert f': {queued} sent, 0 retrying, 0 failed' in first.stdout
    emails = [email for email in outside.smtp.messages if 'Your month with Household Services' in email['Subject']]
    assert len(emails) == queued
    assert all(any(part.get_content_type() == 'application/pdf' for part in email.walk()) for email in emails)
    again = manage('jobs', 'run', 'monthly-report', '--month', last_month)
    assert f'0 report(s) queued, {queued} sent before' in again.stdout
    assert len(outside.smtp.messages) == len(emails)  # nothing more went out


def test_a_malformed_month_is_refused_with_a_message() -> None:
    result = manage('jobs', 'run', 'monthly-report', '--month', '2026-13')
    assert (result.returncode, result.stderr.strip()) == (1, 'error: Enter a month like 2026-11.')
    wrong_job = manage('jobs', 'run', 'reminders', '--month', '2026-11')
    assert (wrong_job.returncode, wrong_job.stderr.strip()) == (1, 'error: --month goes with monthly-report only.')


def test_export_closed_writes_one_row_per_closed_request(tmp_path: Path) -> None:
    assert manage('seed-demo').returncode == 0
    with session_scope() as session:
        closed = session.scalar(
            select(func.count()).select_from(ServiceRequest).where(ServiceRequest.service_status == 'closed')
        )
    out = tmp_path / 'closed.csv'
    result = manage('export-closed', '--out', str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f'Wrote {closed} closed request(s) to {out}.'
    with out.open(encoding='utf-8-sig', newline='') as written:
        header, *rows = list(csv.reader(written))
    assert header[:3] == ['Request ID', 'Service ID', 'Service'] and len(rows) == closed > 0
    assert {row[11] for row in rows} == {'closed'}
    nobody = manage('export-closed', '--out', str(out), '--professional', 'nobody@example.com')
    assert (nobody.returncode, nobody.stderr.strip()) == (
        1,
        "error: No professional has the email 'nobody@example.com'.",
    )
