"""Benchmark of the outbox (a script, not a timed test): messages queued and delivered through the real services to
a real SMTP server and a real HTTP server on loopback, beside a raw smtplib loop sending the same messages.

    .venv/bin/python bench/outbox.py                 # 1,000 messages per channel
    .venv/bin/python bench/outbox.py --messages 5000

It builds a fresh SQLite database in a temporary folder (nothing of var/ is touched), signs up one customer per
message through the real services, then for each channel times: queueing N messages in one unit, and delivering
them (`runtime.deliver_outbox`, batch after batch, one lease unit and one outcome unit per message). It prints the
time per 1,000 messages, the duplicates the servers saw (should be 0) and the raw loop's time.
"""

from __future__ import annotations

import argparse
import os
import smtplib
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    folder = tempfile.mkdtemp(prefix='hsa-bench-outbox-')
    os.environ.update(
        {'HSA_DATA_DIR': folder, 'HSA_DATABASE_URL': '', 'HSA_ENV': 'development', 'HSA_BCRYPT_ROUNDS': '4'}
    )
    sys.path.insert(0, str(ROOT))
    from tests.servers import HttpSink, SmtpSink  # noqa: PLC0415 (after the environment points at the temp folder)

    smtp, http = SmtpSink().start(), HttpSink().start()
    os.environ.update(
        {
            'HSA_SMTP_HOST': '127.0.0.1',
            'HSA_SMTP_PORT': str(smtp.port),
            'HSA_CHAT_BASE_URL': f'{http.url}/chat',
            'HSA_SMS_GATEWAY_URL': f'{http.url}/sms',
        }
    )
    try:
        _run(args.messages, smtp, http)
    finally:
        smtp.stop()
        http.stop()


def _run(count: int, smtp: object, http: object) -> None:
    from models.enums import PERSONAL_CHANNELS  # noqa: PLC0415
    from models.migrate import upgrade_to_head  # noqa: PLC0415
    from services import clock, messaging, runtime, session_scope  # noqa: PLC0415

    upgrade_to_head()
    people = _sign_up(count)
    print(f'{count:,} recipients signed up; per channel: queue {count:,} messages, then deliver them')
    print(f'{"channel":<12} {"queue (s)":>10} {"deliver (s)":>12} {"per 1,000 (s)":>14} {"sent":>7} {"duplicates":>11}')
    for channel in PERSONAL_CHANNELS:
        message = messaging.render('test', name='Bench', sent_on='today')
        started = time.perf_counter()
        with session_scope(write=True) as session:
            for n, person in enumerate(people):
                key = f'bench:{channel.value}:{n}'
                messaging.queue(session, user_id=person, kind='test', key=key, message=message, channel=channel)
        queued = time.perf_counter() - started
        started = time.perf_counter()
        summary = runtime.deliver_outbox(clock.now())
        delivered = time.perf_counter() - started
        received = _received(channel, smtp, http)
        per_thousand = (queued + delivered) / count * 1000
        sent = summary.split(' sent')[0]
        times = f'{queued:>10.2f} {delivered:>12.2f} {per_thousand:>14.2f}'
        print(f'{channel.value:<12} {times} {sent:>7} {received - count:>11}')
    print(f'raw smtplib, one connection, {count:,} messages: {_raw_smtp(count, smtp.port):.2f} s')


def _sign_up(count: int) -> list[int]:
    from services import people, session_scope  # noqa: PLC0415

    ids = []
    with session_scope(write=True) as session:
        for n in range(count):
            fields = {'name': f'Customer {n}', 'email': f'c{n}@bench.example', 'password': 'bench pass phrase'}
            place = {'phone': f'+9198{n:08d}', 'address': f'{n} MG Road', 'pincode': '560001'}
            ids.append(people.sign_up_customer(session, **fields, **place).id)
    with session_scope(write=True) as session:
        from models import User  # noqa: PLC0415

        for user in session.query(User).filter(User.id.in_(ids)):
            user.chat_webhook_url = f'https://chat.googleapis.com/v1/spaces/S{user.id}/messages?key=k&token=t'
    return ids


def _received(channel: object, smtp: object, http: object) -> int:
    if channel.value == 'email':
        return len(smtp.messages)
    prefix = '/chat/' if channel.value == 'google_chat' else '/sms'
    return len(http.to(prefix))


def _raw_smtp(count: int, port: int) -> float:
    started = time.perf_counter()
    with smtplib.SMTP('127.0.0.1', port) as connection:
        for n in range(count):
            email = EmailMessage()
            email['From'], email['To'], email['Subject'] = 'bench@localhost', f'c{n}@bench.example', 'Raw'
            email.set_content('A message.')
            connection.send_message(email)
    return time.perf_counter() - started


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--messages', type=int, default=1000)
    return parser


if __name__ == '__main__':
    main()
