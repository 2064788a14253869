"""Operator command line: create-admin, reset-password, block, unblock, unlock, add-service, seed-demo, jobs,
export-closed, backup, restore.

Passwords are read from standard input (one line) or asked for at a prompt, never taken from argv,
where they would land in shell history and process lists.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import OperationalError

from models import backup as backups
from models.db import dispose_engines
from models.migrate import upgrade_to_head
from models.private_files import keep_private
from services import (
    Actor,
    ServiceError,
    catalog,
    clock,
    demo,
    exports,
    forget_cache,
    format_money,
    identity,
    messaging,
    people,
    reports,
    runtime,
    session_scope,
)
from settings import SettingsError, get_settings

OPERATOR = Actor.operator()
IN_SECONDS_BELOW, IN_MINUTES_BELOW = 120, 7200  # how long ago, said in seconds, minutes or hours


class CommandError(Exception):
    """A command could not do its job; the message says why."""


def create_admin(args: argparse.Namespace) -> str:
    password = read_password(confirm=True)
    with session_scope(write=True) as session:
        admin = people.create_admin(session, OPERATOR, name=args.name, email=args.email, password=password)
    return f'Admin {admin.email} created. Sign in at /login.'


def reset_password(args: argparse.Namespace) -> str:
    password = read_password(confirm=True)
    with session_scope(write=True) as session:
        identity.reset_password(session, OPERATOR, email=args.email, new_password=password)
    return f'Password of {args.email.lower()} reset; their sessions were ended.'


def block(args: argparse.Namespace) -> str:
    with session_scope(write=True) as session:
        user_id = people.get_user_id(session, OPERATOR, email=args.email)
        people.block_user(session, OPERATOR, user_id=user_id, reason=args.reason)
    return f'{args.email.lower()} is blocked; their sessions were ended.'


def unlock(args: argparse.Namespace) -> str:
    with session_scope(write=True) as session:
        cleared = identity.unlock_sign_in(session, OPERATOR, email=args.email)
    return f'Sign-in for {args.email.lower()} unlocked ({cleared} recent failures cleared).'


def unblock(args: argparse.Namespace) -> str:
    with session_scope(write=True) as session:
        user_id = people.get_user_id(session, OPERATOR, email=args.email)
        people.unblock_user(session, OPERATOR, user_id=user_id, reason=args.reason)
    return f'{args.email.lower()} is unblocked.'


def add_service(args: argparse.Namespace) -> str:
    with session_scope(write=True) as session:
        service = catalog.create_service(
            session,
            OPERATOR,
            name=args.name,
            category=args.category,
            base_price=args.price,
            time_required=args.minutes,
            description=args.description,
        )
    return f'Service "{service.name}" added ({format_money(service.base_price)}, {service.time_required} min).'


def seed_demo(args: argparse.Namespace) -> str:
    logins = demo.seed()
    if logins is None:
        return 'Demo data is already seeded.'
    settings = get_settings()
    return demo.describe(logins, base_url=f'http://{settings.host}:{settings.port}')


def backup(args: argparse.Namespace) -> str:
    database = backups.sqlite_file(get_settings().effective_database_url, 'backup')
    backups.backup(database, Path(args.path))
    return f'Backed up to {args.path}.'


def restore(args: argparse.Namespace) -> str:
    database = backups.sqlite_file(get_settings().effective_database_url, 'restore')
    restored = backups.restore(database, Path(args.path))
    forget_cache()  # with Redis, what the app cached of the replaced database must not outlive it
    migrated = f', migrated from schema {restored.revision} to the newest' if restored.migrated else ''
    kept = f' The database it replaced is kept as {restored.aside}.' if restored.aside else ''
    return f'Restored {args.path} to {database}{migrated}.{kept}'


def jobs_run(args: argparse.Namespace) -> str:
    if args.month and args.job != 'monthly-report':
        raise CommandError('--month goes with monthly-report only.')
    period = reports.month_text(reports.parse_month(args.month)) if args.month else ''
    return '\n'.join(runtime.run_now(args.job, period=period))


def export_closed(args: argparse.Namespace) -> str:
    destination = Path(args.out)
    if not destination.parent.is_dir():
        raise CommandError(f'{destination.parent} is not a folder.')
    rows = exports.write_closed_csv(destination, professional_email=args.professional)
    return f'Wrote {rows} closed request(s) to {destination}.'


def jobs_tick(args: argparse.Namespace) -> str:
    done = runtime.run_schedule()
    return '\n'.join(done) if done else 'Nothing was due.'


def jobs_status(args: argparse.Namespace) -> str:
    duties = duties_line(runtime.duties_health())
    runs = [f'  {run.job:<22} {run.period:<21} {_when(run.started_at)}  {run.outcome}' for run in runtime.last_runs()]
    with session_scope() as session:
        counts = messaging.count_by_state(session)
    outbox = ', '.join(f'{count} {state.value.replace("_", " ")}' for state, count in counts)
    runs_title = 'Last run of each job (and any not finished):'
    return '\n'.join([duties, runs_title, *(runs or ['  none yet']), f'Outbox: {outbox}'])


def duties_line(health: runtime.DutiesHealth) -> str:
    """Whether some process runs the duties (expiry, notifications, the outbox, reminders), in one line."""
    every = f'every {health.every_seconds} s'
    if health.last_tick is None:
        return f'Duties: NOT RUNNING: the schedule never ticked (the app or Celery beat ticks it {every}).'
    ago = _ago(clock.now() - health.last_tick)
    if health.running:
        return f'Duties: running (the schedule last ticked {ago} ago; it ticks {every}).'
    return (
        f'Duties: NOT RUNNING: the schedule last ticked at {_when(health.last_tick)}, {ago} ago (it should tick '
        f'{every}). Is the app (with embedded_jobs), or Celery beat and a worker, running?'
    )


def _ago(elapsed: timedelta) -> str:
    seconds = int(elapsed.total_seconds())
    if seconds < IN_SECONDS_BELOW:
        return f'{seconds} s'
    return f'{seconds // 60} min' if seconds < IN_MINUTES_BELOW else f'{seconds // 3600} h'


def _when(moment: datetime) -> str:
    return moment.astimezone(get_settings().zone).strftime('%Y-%m-%d %H:%M:%S %Z')


def read_password(*, confirm: bool) -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip('\n')
    password = getpass.getpass('Password: ')
    if confirm and getpass.getpass('Password again: ') != password:
        raise CommandError('The two passwords differ.')
    return password


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog='manage.py', description=__doc__.splitlines()[0])
    commands = root.add_subparsers(dest='command', required=True)

    def command(name: str, handler: Callable[[argparse.Namespace], str], help_: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_)
        sub.set_defaults(handler=handler, migrate=True)
        return sub

    sub = command('create-admin', create_admin, 'create an admin (password from stdin or a prompt)')
    sub.add_argument('--email', required=True)
    sub.add_argument('--name', default='Admin')
    command('reset-password', reset_password, "set a user's password (from stdin or a prompt)").add_argument(
        '--email', required=True
    )
    sub = command('block', block, 'block a user and end their sessions')
    sub.add_argument('--email', required=True)
    sub.add_argument('--reason', required=True)
    sub = command('unblock', unblock, 'unblock a user')
    sub.add_argument('--email', required=True)
    sub.add_argument('--reason', default='', help='why (kept in the audit log)')
    command('unlock', unlock, 'lift the sign-in throttle on an account').add_argument('--email', required=True)
    sub = command('add-service', add_service, 'add a service to the catalogue')
    sub.add_argument('--name', required=True)
    sub.add_argument('--category', required=True)
    sub.add_argument('--price', required=True, help='base price in rupees, e.g. 499 or 499.50')
    sub.add_argument('--minutes', required=True, help='time required, in minutes')
    sub.add_argument('--description', default='')
    command('seed-demo', seed_demo, 'create the demo marketplace (once; prints how to sign in)')
    sub = command('jobs', jobs_status, 'jobs: run one now, tick the schedule once, or show the last runs and outbox')
    job_commands = sub.add_subparsers(dest='jobs_command', required=True)
    job_commands.add_parser('status', help='the last runs of the schedule and the outbox by state')
    job_commands.add_parser('tick', help='claim and run what the schedule has due now').set_defaults(handler=jobs_tick)
    run = job_commands.add_parser('run', help='run a job now in this process and send what it queued')
    run.add_argument('job', choices=sorted(runtime.COMMANDS))
    run.add_argument('--month', default='', help='monthly-report: the month to report, YYYY-MM (default: last month)')
    run.set_defaults(handler=jobs_run)
    sub = command('export-closed', export_closed, "write every closed request (or one professional's) as CSV to PATH")
    sub.add_argument('--out', required=True, help='the CSV file to write (replaced once it is complete)')
    sub.add_argument('--professional', default='', help="only this professional's closed jobs (their email)")
    sub = command('backup', backup, 'copy the SQLite database to PATH (online, consistent; does not migrate)')
    sub.add_argument('path')
    sub.set_defaults(migrate=False)  # a backup taken before an upgrade must be of the old schema
    sub = command('restore', restore, 'put the SQLite backup PATH in place of the database (the app stopped)')
    sub.add_argument('path')
    sub.set_defaults(migrate=False)  # nothing may open the database before the restore has it alone
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        keep_private(get_settings().data_path)
        if get_settings().redis_url:  # a command's changes make the shared cache stale like the app's
            from tasks.cache_store import RedisStore  # noqa: PLC0415 (Redis is loaded only when it is configured)

            runtime.use_redis_store(RedisStore)
        if args.migrate:
            upgrade_to_head()
        print(args.handler(args))
    except (ServiceError, CommandError, SettingsError, backups.BackupRefused) as error:
        print(f'error: {error}', file=sys.stderr)
        return 1
    except OperationalError as error:
        print(f'error: the database could not be used: {error.orig}', file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print('\ninterrupted; nothing was changed.', file=sys.stderr)
        return 130
    finally:
        dispose_engines()
    return 0


if __name__ == '__main__':
    sys.exit(main())
