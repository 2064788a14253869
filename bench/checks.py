"""Consistency checks of a seeded database: each query counts the rows that break one rule the services enforce.

They run after seeding (a few seconds on a million requests) so that a change to the seeder cannot quietly produce
data the app would never write.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from settings import Settings, clock_time

# How SQLite reads our stored text as a time: julianday() understands 'YYYY-MM-DD HH:MM:SS.ffffff'.
MINUTES = '(julianday({0}) - julianday({1})) * 1440.0'


def rules(settings: Settings, now: datetime) -> dict[str, str]:
    """Rule name -> a query counting the rows that break it."""
    offset = settings.zone.utcoffset(now.replace(tzinfo=None))
    if offset is None or any(
        settings.zone.utcoffset(now.replace(tzinfo=None) + timedelta(days=d)) != offset for d in range(-740, 70, 7)
    ):
        raise SystemExit('the slot checks assume a zone without clock changes (like Asia/Kolkata)')
    shift = int(offset.total_seconds() // 60)
    local = f"strftime('%H:%M:%f', scheduled_at, '{shift:+d} minutes')"
    local_end = f"strftime('%H:%M:%f', ends_at, '{shift:+d} minutes')"
    day_start = clock_time(settings.day_start).strftime('%H:%M')
    day_end = clock_time(settings.day_end).strftime('%H:%M')
    stamp = now.astimezone(UTC).strftime('%Y-%m-%d %H:%M:%S.%f')
    slot = settings.slot_minutes
    start_minutes = clock_time(settings.day_start).hour * 60 + clock_time(settings.day_start).minute
    utc_minutes = f'CAST(round({MINUTES.format("scheduled_at", "date(scheduled_at)")}) AS INTEGER)'
    return {
        'timestamps stored as UTCDateTime text': (
            'SELECT count(*) FROM service_request WHERE length(scheduled_at) != 26 OR length(ends_at) != 26 '
            'OR length(date_of_request) != 26 OR length(updated_at) != 26'
        ),
        'slot on the grid': (
            f"SELECT count(*) FROM service_request WHERE {local} < '{day_start}' OR {local_end} > '{day_end}:00.000' "
            f'OR {utc_minutes} % {slot} != {(start_minutes - shift) % slot}'
        ),
        'ends_at = scheduled_at + time_required': (
            f'SELECT count(*) FROM service_request WHERE abs({MINUTES.format("ends_at", "scheduled_at")} '
            '- time_required) > 0.001'
        ),
        'time and price copied from the service': (
            'SELECT count(*) FROM service_request r JOIN service s ON s.id = r.service_id '
            'WHERE r.time_required != s.time_required OR r.price != s.base_price'
        ),
        'booked between lead and horizon': (
            f'SELECT count(*) FROM service_request WHERE {MINUTES.format("scheduled_at", "date_of_request")} '
            f'< {settings.min_lead_hours * 60} - 0.001 '
            f'OR {MINUTES.format("scheduled_at", "date_of_request")} > {settings.horizon_days * 1440} + 0.001 '
            f"OR date_of_request > '{stamp}'"
        ),
        'no requested or assigned status without its fields': (
            "SELECT count(*) FROM service_request WHERE (service_status IN ('assigned', 'completed', 'closed') "
            'AND (professional_id IS NULL OR assigned_at IS NULL)) '
            "OR (service_status = 'requested' AND professional_id IS NOT NULL) "
            "OR (service_status IN ('completed', 'closed') AND date_of_completion IS NULL) "
            "OR (service_status = 'closed' AND closed_at IS NULL) "
            "OR (service_status = 'cancelled' AND (cancelled_at IS NULL OR cancel_reason IS NULL))"
        ),
        'order of events in time': (
            'SELECT count(*) FROM service_request WHERE assigned_at <= date_of_request OR assigned_at >= scheduled_at '
            'OR date_of_completion < scheduled_at OR closed_at < date_of_completion OR cancelled_at < date_of_request '
            f"OR updated_at < date_of_request OR updated_at > '{stamp}'"
        ),
        'completed only within auto_close_days (and the duty interval)': (
            "SELECT count(*) FROM service_request WHERE service_status = 'completed' AND date_of_completion <= "
            f"strftime('%Y-%m-%d %H:%M:%f', '{stamp}', '-{settings.auto_close_days} days', "
            f"'-{settings.duty_interval_seconds} seconds')"
        ),
        'professional approved, offering the service in that pincode': (
            'SELECT count(*) FROM service_request r LEFT JOIN professional_profile p ON p.user_id = r.professional_id '
            'WHERE r.professional_id IS NOT NULL AND (p.user_id IS NULL OR p.service_id != r.service_id '
            'OR p.approval_decided_at > r.assigned_at OR NOT EXISTS (SELECT 1 FROM professional_pincode pp '
            'WHERE pp.professional_id = r.professional_id AND pp.pincode = r.pincode))'
        ),
        'no overlapping jobs of one professional': (
            'SELECT count(*) FROM (SELECT scheduled_at, lag(ends_at) OVER (PARTITION BY professional_id '
            'ORDER BY scheduled_at) AS previous_end FROM service_request WHERE professional_id IS NOT NULL '
            "AND service_status IN ('assigned', 'completed', 'closed')) WHERE previous_end > scheduled_at"
        ),
        'no upcoming job or addressed request of a blocked professional': (
            'SELECT count(*) FROM service_request r JOIN "user" u '
            'ON u.id = r.professional_id OR u.id = r.requested_professional_id '
            "WHERE u.is_blocked AND r.service_status IN ('requested', 'assigned') AND r.scheduled_at > u.blocked_at"
        ),
        'no open request of a blocked customer': (
            'SELECT count(*) FROM service_request r JOIN "user" u ON u.id = r.customer_id '
            "WHERE u.is_blocked AND r.service_status IN ('requested', 'assigned')"
        ),
        'reviews: closed requests, their people, within the window': (
            'SELECT count(*) FROM review v JOIN service_request r ON r.id = v.request_id '
            "WHERE r.service_status != 'closed' OR v.customer_id != r.customer_id "
            'OR v.professional_id != r.professional_id OR v.created_at < r.date_of_completion '
            f'OR {MINUTES.format("v.created_at", "r.date_of_completion")} > {settings.review_window_days * 1440}'
        ),
        'rating_count and rating_sum add up the reviews': (
            'SELECT count(*) FROM professional_profile p LEFT JOIN (SELECT professional_id, count(*) AS n, '
            'sum(rating) AS total FROM review GROUP BY professional_id) v ON v.professional_id = p.user_id '
            'WHERE p.rating_count != coalesce(v.n, 0) OR p.rating_sum != coalesce(v.total, 0)'
        ),
        'ids in time order (requests by booking, audit rows by occurrence)': (
            'SELECT (SELECT count(*) FROM (SELECT date_of_request, lag(date_of_request) OVER (ORDER BY id) AS previous '
            'FROM service_request) WHERE previous > date_of_request) + (SELECT count(*) FROM (SELECT occurred_at, '
            'lag(occurred_at) OVER (ORDER BY id) AS previous FROM audit_event) WHERE previous > occurred_at)'
        ),
        'pincodes and phones well formed, emails lower-case': (
            'SELECT (SELECT count(*) FROM service_request WHERE pincode NOT GLOB '
            '\'[1-9][0-9][0-9][0-9][0-9][0-9]\') + (SELECT count(*) FROM "user" WHERE email != lower(email) '
            "OR (phone IS NOT NULL AND phone NOT GLOB '+[1-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*'))"
        ),
    }


def run(connection: sqlite3.Connection, settings: Settings, now: datetime) -> dict[str, int]:
    """Rule name -> how many rows break it (all zero on a good seed)."""
    return {name: connection.execute(query).fetchone()[0] for name, query in rules(settings, now).items()}
