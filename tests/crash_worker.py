"""The process the kill-loop test SIGKILLs: books and accepts through the services, one write unit each, and reports
every unit after its commit on stdout (`book <id>` / `accept <id>`), unbuffered so what it said survives the kill.

Run as `python -m tests.crash_worker FIRST LAST` with the parent's HSA_* environment: round k books
slots[k % len(slots)] for customer k // len(slots) and has professional k // len(slots) accept it, so no round ever
meets a slot taken in an earlier run (whatever the kill left half-reported)."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timedelta


def main(first: int, last: int, cast: dict) -> None:
    from models.enums import ApprovalState, Role  # noqa: PLC0415 (after the environment: the parent's data dir)
    from services import Actor, requests, session_scope  # noqa: PLC0415
    from settings import get_settings  # noqa: PLC0415

    now = datetime.fromisoformat(cast['now'])
    customers = [Actor(role=Role.CUSTOMER, **person) for person in cast['customers']]
    professionals = [
        Actor(role=Role.PROFESSIONAL, approval_state=ApprovalState.APPROVED, **person)
        for person in cast['professionals']
    ]
    slots = grid(now, get_settings().zone, requests)
    say('ready')
    for k in range(first, last):
        pair = k // len(slots)
        with session_scope(write=True) as session:
            request_id = requests.book(
                session, customers[pair], service_id=cast['service_id'], scheduled_at=slots[k % len(slots)], now=now
            )
        say(f'book {request_id}')
        with session_scope(write=True) as session:
            requests.accept(session, professionals[pair], request_id=request_id, now=now)
        say(f'accept {request_id}')
    time.sleep(600)  # out of rounds before the kill came (a fast machine): wait for it, as the test expects


def grid(now: datetime, zone: object, requests: object) -> list[datetime]:
    day, found = now.astimezone(zone).date(), []
    for _ in range(59):
        day += timedelta(days=1)
        found += requests.available_slots(day, 60, now=now)
    return found


def say(line: str) -> None:
    os.write(1, f'{line}\n'.encode())  # straight to the file: nothing waits in a buffer when the kill comes


if __name__ == '__main__':
    main(int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3]))
