"""Every public service function answers anything with a result or a refusal: arbitrary ids, text, numbers and
types in each argument, from each kind of actor, give a return value or one of our ServiceErrors, never another
exception, on SQLite and on PostgreSQL.

The functions are found by introspection: everything the `services` face and each domain's face (`__all__`) export,
so a new function is fuzzed without editing this file. Each argument is drawn from its name's plausible values (ids
that exist, a real pincode, the world's emails) mixed with junk; the few arguments that never come from outside (the
session, the clock, a row the service layer made) get only what the service layer would give. Functions that cannot
take outside input at all are in EXCLUDED, each with the reason. What `make fuzz` finds is kept in FOUND: each entry
becomes an explicit @example of its function's test.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import inspect
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import bcrypt
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from models import Notification, User, enums
from services import Actor, ServiceError, session_scope
from tests.factories import (
    OPERATOR,
    PASSWORD,
    PDF_BYTES,
    PNG_BYTES,
    add_document,
    book_request,
    make_admin,
    make_approved_professional,
    make_customer,
    make_service,
    slot,
)
from tests.fuzzing import JUNK, ODD_IDS, examples
from tests.test_service_domains import domains

EXAMPLES = 12  # per function and database in `make test`; `make fuzz` draws fifty times as many
NOW = datetime(2030, 3, 4, 3, 30, tzinfo=UTC)
IST = timezone(timedelta(hours=5, minutes=30))

# Functions that take no input from outside, with the reason. Everything else on a face is fuzzed.
EXCLUDED = {
    'services.session_scope': 'the unit of work itself: a session factory',
    'services.keep_private': 'file permissions of a path the service layer chose',
    'services.format_money': 'formats an amount the service layer read from its own rows',
    'audit.record': 'written by services about the row they just changed, inside their own unit',
    'demo.describe': 'formats the logins demo.seed made',
    'demo.seed': 'seeds the whole demo marketplace (slow); its only input is the clock',
    'exports.write_closed_csv': "the command line's export to a file path the operator names",
    'identity.actor_for': 'takes a User row the service layer loaded',
    'identity.finish_sign_in': 'takes the ticket begin_sign_in made',
    'identity.open_session': 'takes a User row the service layer loaded',
    'identity.normalized': 'the password step of validate_new, which checks the type first (fuzzed there)',
    'identity.revoke_sessions': 'called by services with the id of a user they just changed',
    'identity.account_wait_minutes': 'called by services with an email read from a stored user',
    'messaging.backoff': 'the delivery loop counts its own attempts',
    'messaging.deliver_due': 'sends mail, chat and SMS messages',
    'messaging.notify': 'written by services about a change they just made, inside their own unit',
    'messaging.queue': 'written by services about a change they just made, inside their own unit',
    'messaging.queue_webhook': 'written by webhooks.record_event for an endpoint it just read, inside the same unit',
    'webhooks.record_event': 'the hook every events.publish calls with the event a service just published',
    'webhooks.new_secret': 'takes nothing: random bytes in the scheme of Standard Webhooks',
    'messaging.render': 'renders a template of ours with the context its caller built',
    'messaging.shown_url': 'takes a URL the service layer stored after checking it',
    'people.register': "its `fields` are the sign-up form's own keys; each part (refuse_sign_up, sign_up_*) is fuzzed",
    'reports.month_text': 'formats a month the service layer parsed',
    'reports.previous_month': 'steps back from a month the service layer parsed',
    'reports.queue_monthly_reports': "the monthly job: a report mail for every customer, for the scheduler's month",
    'reports.report_key': "an outbox key from a month and a customer's id the service layer read",
    'reports.unsubscribe_url': "signs a stored customer's id",
    'requests.closed_rows': 'takes the criteria export_criteria built',
    'requests.count_closed': 'takes the criteria export_criteria built',
    'requests.export_criteria': 'takes the filters closed_export_filters checked (fuzzed there)',
    'requests.longest_waiting': 'takes criteria the dashboard built',
    'requests.customer_choices': 'takes a RequestRow the service layer made',
    'requests.export_header': "takes the site's currency setting",
    'requests.local_day_start': 'takes a date the service layer computed and the settings',
    'requests.month_firsts': 'takes a date the service layer computed',
    'requests.open_requests_addressed_to': 'takes a User row the service layer loaded',
    'requests.release_jobs_of': 'takes a User row the service layer loaded',
    'requests.release_for_blocked_user': 'called by blocking with the id of the user it just blocked',
    'runtime.configure_logging': "the process's logging, set once by the composition roots",
    'runtime.deliver_outbox': 'sends mail, chat and SMS messages',
    'runtime.job_named': "looks up the scheduler's own job names",
    'runtime.recover': 'runs again whatever jobs a crash left, delivery included (sends messages)',
    'runtime.run': 'takes a Claim tick made',
    'runtime.run_now': "the command line's job names (argparse offers only those)",
    'runtime.run_schedule': 'runs every due job, delivery included (sends messages)',
    'runtime.use_redis_store': 'wiring done by the composition roots',
}


@dataclass(frozen=True)
class Call:
    """The keyword arguments of one call, the session and the actor left out (each call is made by every role)."""

    arguments: dict[str, Any]


# What the fuzz found, as (function, call): each becomes an @example of that function's test.
FOUND: list[tuple[str, Call]] = [
    ('messaging.list_notifications', Call({'before_id': '²'})),  # int('²'): ValueError
    ('messaging.list_notifications', Call({'before_id': 10**23})),  # OverflowError on SQLite
    ('messaging.list_notifications', Call({'limit': 'two'})),  # min('two', 50): TypeError
    ('messaging.mark_read', Call({'notification_id': [1]})),  # ProgrammingError (found by issue 18)
    ('catalog.list_services', Call({'category': 2**63})),  # OverflowError on SQLite
    ('catalog.search_services', Call({'category': 2**63})),  # OverflowError on SQLite
    ('exports.run_export', Call({'export_id': []})),  # ProgrammingError: a list bound as a parameter
    ('messaging.send_test_message', Call({'channel': []})),  # `[] in set(...)`: unhashable
    ('messaging.list_outbox', Call({'state': []})),  # `[] in set(...)`: unhashable
    ('identity.sign_out_everywhere_else', Call({'key': 1})),  # PostgreSQL: varchar <> integer
    ('requests.list_all_requests', Call({'status': []})),  # `[] in set(...)`: unhashable
    ('requests.list_all_requests', Call({'date_from': date(1, 1, 1)})),  # OverflowError: its midnight in UTC
]


# --- what arguments look like: plausible by name, and wild ------------------------------------------------------------

WORLD_IDS = st.integers(min_value=1, max_value=3)  # the world's rows have ids 1 to 3
IDS = st.one_of(WORLD_IDS, WORLD_IDS.map(str))
WORDS = st.one_of(
    st.sampled_from(['Fixed the leaking tap.', 'Plumbing', 'Asha Sharma', '12 MG Road, Bengaluru', '<script>']),
    st.text(st.characters(codec='utf-8', exclude_categories=['Cc', 'Cs']), max_size=30),
)
EMAILS = st.sampled_from(['fuzz.admin@example.com', 'fuzz.customer@example.com', 'fuzz.pro@example.com', 'X@Y.Z'])
NUMBERS = st.one_of(st.integers(min_value=-5, max_value=10**6), st.sampled_from(['1', '60', '499.50', '4.5', '1e3']))
STR_ENUMS = [kind for kind in vars(enums).values() if isinstance(kind, type) and issubclass(kind, enums.StrEnum)]
ENUM_WORDS = st.sampled_from(
    [*sorted({member.value for kind in STR_ENUMS for member in kind}), 'scheduled', 'booked', 'request.book', 'user']
)
MOMENT = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.sampled_from([UTC, IST])
)
MOMENTS = st.one_of(st.none(), st.just(NOW), MOMENT)
SLOTS = st.integers(min_value=0, max_value=3).map(lambda index: slot(NOW, index=index))  # on the grid, after NOW
DAYS = st.one_of(st.dates(), st.sampled_from(['2030-03-04', '2030-02-30', '04/03/2030']))
FORM_FIELDS = ['name', 'email', 'password', 'phone', 'address', 'pincode', 'service_id', 'status', 'date_from']

# Plausible values by argument name (most are valid; a few are near misses).
HINTS: dict[str, st.SearchStrategy[Any]] = {
    'email': EMAILS,
    'password': st.sampled_from([PASSWORD, 'short', 'x' * 80, 'password123']),
    'pincode': st.sampled_from(['560001', '560002', '110001', '012345']),
    'pincodes': st.one_of(st.sampled_from(['560001, 560002', '560001']), st.lists(st.sampled_from(['560001', 'x']))),
    'phone': st.sampled_from(['+919876543210', '', '98765']),
    'month': st.one_of(st.sampled_from(['2030-02', '2030-13', '0000-01', '9999-12']), st.dates()),
    'rating': st.one_of(st.integers(min_value=1, max_value=5), st.sampled_from(['4.5', '5'])),
    'min_rating': st.one_of(st.integers(min_value=1, max_value=5), st.sampled_from(['4.5', '5'])),
    'scheduled_at': SLOTS,
    'cursor': st.sampled_from([None, '', 'n1.1', 'p0.1', 'n-1.0', f'n{2**70}.1', 'n1.99999999999999999']),
    'data': st.sampled_from([PDF_BYTES, PNG_BYTES, b'', b'MZ']),
    'filename': st.sampled_from(['id.pdf', 'photo.png', '../../etc/passwd', '']),
    'webhook_url': st.sampled_from(['https://chat.googleapis.com/v1/spaces/x/messages?key=k', 'https://evil.test']),
    'date_from': DAYS,
    'date_to': DAYS,
    'filters': st.dictionaries(st.sampled_from(FORM_FIELDS), WORDS | IDS, max_size=3),
    'given': st.dictionaries(st.sampled_from(FORM_FIELDS), WORDS | IDS, max_size=3),
}
HINTED_SUFFIXES = {'_id': IDS, '_at': MOMENTS, 'email': EMAILS, 'password': HINTS['password']}
NAMED_KINDS = {
    **dict.fromkeys(
        ['status', 'statuses', 'state', 'channel', 'kind', 'role', 'sort', 'action', 'target_type'], ENUM_WORDS
    ),
    **dict.fromkeys(['limit', 'months', 'experience_years', 'base_price', 'time_required', 'version', 'size'], NUMBERS),
    **dict.fromkeys(['dark', 'subscribed', 'include_retired', 'newest_first', 'password_ok'], st.booleans()),
}
WILD = st.one_of(IDS, ODD_IDS, JUNK)

STORED_HASH = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
SERVICE_MINUTES = st.sampled_from([30, 60, 90, 120, 480])  # a service's time_required, as stored
# Arguments whose value never comes from outside: only what the service layer itself would pass, never wild.
TRUSTED: dict[str, st.SearchStrategy[Any]] = {
    'now': MOMENTS,
    'seen_updated_at': MOMENTS,
    'client_ip': st.sampled_from(['127.0.0.1', '10.0.0.1', '::1', '']),
    'user_agent': st.text(max_size=300),  # a header: any text, but text
    'key': st.sampled_from(['', hashlib.sha256(b'gone').hexdigest(), 'f' * 64]),  # hash_token's, from server storage
    'requests.available_slots.day': st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 1, 1)),
    'requests.queue_daily_reminders.day': st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 1, 1)),
    'requests.available_slots.time_required': SERVICE_MINUTES,
    'requests.bookable_days.time_required': SERVICE_MINUTES,
    'requests.check_slot.time_required': SERVICE_MINUTES,
    'requests.booking_cancel_rule.scheduled_at': MOMENT,  # the slot the booking form's picker holds
    'identity.verify.password_hash': st.sampled_from([None, STORED_HASH]),  # a stored hash, or none
    'identity.hash_token.token': st.text(max_size=60),  # the page keeps only text
    'services.to_id.column': st.sampled_from([None, User.id, Notification.id]),  # a column of ours, or none
    'people.refuse_too_big.size': st.integers(min_value=0, max_value=2**40),  # the upload's own byte count
}


@dataclass(frozen=True)
class Parameter:
    name: str
    required: bool
    plausible: st.SearchStrategy[Any]
    wild: st.SearchStrategy[Any]


def parameter_of(function: str, name: str, *, required: bool) -> Parameter:
    """A trusted argument's own values (plausible and wild alike); any other argument's plausible values by its name,
    and wild ones: ids that only look like ids, and junk of every type."""
    trusted = MOMENT if name == 'now' and required else TRUSTED.get(f'{function}.{name}', TRUSTED.get(name))
    if trusted is not None:  # a job's clock (`now` without a default) is always given
        return Parameter(name, required, trusted, trusted)
    hint = HINTS.get(name, NAMED_KINDS.get(name))
    if hint is None:
        hint = next((s for suffix, s in HINTED_SUFFIXES.items() if name.endswith(suffix)), WORDS)
    return Parameter(name, required, hint, WILD | hint)


# --- the faces --------------------------------------------------------------------------------------------------------


def face_functions() -> dict[str, Callable[..., Any]]:
    """'face.name' -> function for every function the `services` face and each domain's face export."""
    found = {}
    for face in ['services', *(name for name in domains() if name != 'core')]:
        module = importlib.import_module(face if face == 'services' else f'services.{face}')
        for name in module.__all__:
            if inspect.isfunction(thing := getattr(module, name)):
                found[f'{face}.{name}'] = thing
    return found


FUNCTIONS = face_functions()
FUZZED = {name: function for name, function in FUNCTIONS.items() if name not in EXCLUDED}
FACES = sorted({name.split('.')[0] for name in FUZZED})
ROLES = ['admin', 'customer', 'professional', 'operator', 'anonymous']


def calls(name: str, function: Callable[..., Any]) -> st.SearchStrategy[Call]:
    """Every required argument and some optional ones, each plausible except a few gone wild (shrinking makes them
    plausible again, so a find names the argument that matters); a `**changes` gets names of ours and others."""
    signature = inspect.signature(function).parameters
    parameters = [
        parameter_of(name, p.name, required=p.default is p.empty)
        for p in signature.values()
        if p.name not in {'session', 'actor'}
        and not p.name.startswith('_')
        and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    changes = any(p.kind is p.VAR_KEYWORD for p in signature.values())

    @st.composite
    def draw(draw: st.DrawFn) -> Call:
        wild = draw(st.sets(st.sampled_from([p.name for p in parameters]))) if parameters else set()
        arguments = {
            p.name: draw(p.wild if p.name in wild else p.plausible)
            for p in parameters
            if p.required or draw(st.booleans())
        }
        if changes:
            keys = st.sampled_from(['name', 'address', 'remarks', 'base_price', 'scheduled_at', 'x']) | st.text(
                max_size=6
            )
            more = draw(st.dictionaries(keys.filter(lambda key: key not in signature), WORDS | WILD, max_size=3))
            arguments = more | arguments
        return Call(arguments)

    return draw()


# --- the world every call meets ---------------------------------------------------------------------------------------


class World:
    """Who may act in the world the fixture built."""

    def __init__(self, actors: dict[str, Actor | None]) -> None:
        self.actors = actors

    def __repr__(self) -> str:
        return 'World()'  # the same every time: a failing example shows only its Call


@pytest.fixture
def world() -> World:
    """A little of everything, with small ids: a service, an admin, a customer, an approved professional, a request
    addressed to them (and its notification) and a document."""
    service = make_service()
    admin = make_admin(email='fuzz.admin@example.com')
    customer = make_customer(email='fuzz.customer@example.com')
    professional = make_approved_professional(service_id=service.id, email='fuzz.pro@example.com')
    book_request(customer, service.id, now=NOW, requested_professional_id=professional.id)
    add_document(professional)
    actors = {'admin': admin, 'customer': customer, 'professional': professional, 'operator': OPERATOR}
    return World(actors=actors | {'anonymous': None})


def answer(function: Callable[..., Any], world: World, call: Call) -> None:
    """Make the call as each role (once when nobody acts), each in a write unit as a page would; the flush surfaces
    what the database would refuse at commit, and the rollback gives every call the same world."""
    acts = 'actor' in inspect.signature(function).parameters
    for role in ROLES if acts else [None]:
        arguments = {**call.arguments, **({'actor': world.actors[role]} if acts else {})}
        with contextlib.suppress(ServiceError):
            if 'session' not in inspect.signature(function).parameters:
                function(**arguments)
                continue
            with session_scope(write=True) as session:
                function(session, **arguments)
                session.flush()
                session.rollback()


def fuzz(name: str, function: Callable[..., Any]) -> Callable[[World], None]:
    """One function's property test: its examples (and its finds) in the world it is given."""

    def one_call(world: World, call: Call) -> None:
        answer(function, world, call)

    one_call.__name__ = one_call.__qualname__ = name.replace('.', '_')  # derandomized draws are seeded by the name
    test = given(call=calls(name, function))(one_call)
    for found_in, call in FOUND:
        if found_in == name:
            test = example(call=call)(test)
    return settings(max_examples=examples(EXAMPLES), suppress_health_check=list(HealthCheck))(test)


# One test per face, not per function: the world is built once for all of a face's functions (on PostgreSQL,
# emptying the tables and building it again for each of 120 functions took most of three minutes).
@pytest.mark.fuzz
@pytest.mark.parametrize('face', FACES)
def test_every_function_of_the_face_answers_anything_with_a_result_or_a_refusal(world: World, face: str) -> None:
    failures = {}
    for name, function in FUZZED.items():
        if name.split('.')[0] == face:
            try:
                fuzz(name, function)(world)
            except Exception as failure:  # every function of the face is tried; each failure is reported in full
                failures[name] = ''.join(traceback.format_exception(failure))
    if failures:
        pytest.fail('\n\n'.join(f'{name}:\n{report}' for name, report in failures.items()), pytrace=False)


def test_every_exclusion_is_a_face_function_with_a_reason() -> None:
    assert sorted(set(EXCLUDED) - set(FUNCTIONS)) == []
    assert all(len(reason) > 10 for reason in EXCLUDED.values())


def test_every_find_is_a_fuzzed_function() -> None:
    assert sorted({name for name, _call in FOUND} - set(FUZZED)) == []
