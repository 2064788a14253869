"""Schemathesis over every operation of our own OpenAPI description (issue 20): examples drawn from each operation's
schema, sent to a real server with a token of each role and with none. Every answer must be no server error, have a
status the description names, its content type, its headers and a body that matches its schema. Hypothesis is
derandomized here (the suite's 'ci' profile) and the examples per operation bounded; `make fuzz` draws more."""

from __future__ import annotations

import json
import re
import urllib.request

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.browser.conftest import Server

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 10  # per operation, each sent by the 4 callers
NOT_FUZZED = {('DELETE', '/tokens/current')}  # it would end the tokens the other calls use (test_tokens.py has it)
PASSWORD = re.compile(r'(\S+@demo\.example)\s+password\s+(\S+)')


def tokens(server: Server) -> dict[str, str | None]:
    """A token for each role of the demo marketplace, and none."""
    seeded = server.manage('seed-demo').stdout
    printf = 'a long admin passphrase'
    server.manage('create-admin', '--email', 'fuzz-admin@example.com', '--name', 'Fuzz Admin', stdin=f'{printf}\n')
    logins = dict(PASSWORD.findall(seeded))
    customer = next(email for email in logins if email.startswith('meera'))
    professional = next(email for email in logins if email.startswith('pro1@'))
    found: dict[str, str | None] = {'none': None}
    for role, email, password in (
        ('admin', 'fuzz-admin@example.com', printf),
        ('customer', customer, logins[customer]),
        ('professional', professional, logins[professional]),
    ):
        body = json.dumps({'email': email, 'password': password}).encode()
        ask = urllib.request.Request(f'{server.url}/api/v1/tokens', body, {'Content-Type': 'application/json'})
        with urllib.request.urlopen(ask, timeout=30) as answer:
            found[role] = json.load(answer)['token']
    return found


def test_every_operation_answers_every_caller_as_described(server: Server) -> None:
    callers = tokens(server)
    schema = schemathesis.openapi.from_url(f'{server.url}/api/v1/openapi.json')
    base_url = f'{server.url}/api/v1'
    tried, sent = 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in NOT_FUZZED:
            continue

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def answers_as_described(case: schemathesis.Case) -> None:
            for token in callers.values():
                headers = {'Authorization': f'Bearer {token}'} if token else {}
                case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)
                sent.append(case.operation.label)

        answers_as_described()
        tried += 1
    assert tried >= 35
    print(f'{len(sent)} calls to {tried} operations')
    assert len(sent) >= tried * 4  # every operation was called, by every caller
