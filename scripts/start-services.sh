#!/usr/bin/env bash
# Start the local servers the test suite can use when they are installed but not running.
# PostgreSQL is optional: without it the service tests run on SQLite only and say so loudly.
set -uo pipefail

pg_answers() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }

if ! pg_answers; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ] && [ "$(id -u)" -eq 0 ]; then
    for version in /etc/postgresql/*; do
      pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start 2>/dev/null || true
    done
    for _ in $(seq 1 20); do pg_answers && break; sleep 0.5; done
  fi
  if pg_answers; then
    echo "Started PostgreSQL."
  else
    echo "PostgreSQL is not running on 127.0.0.1:5432: the PostgreSQL leg of the tests will be skipped."
  fi
fi
exit 0
