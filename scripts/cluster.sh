#!/usr/bin/env bash
# The site past one process, on this machine: PostgreSQL, a private redis-server, N app processes (app.py) behind
# nginx, a Celery worker and Celery beat, all on 127.0.0.1 (README "Running past one process").
#
# Usage: scripts/cluster.sh start [N]   start it with N app processes (default 2); prints the address to open
#        scripts/cluster.sh stop        stop every process it started (nothing running: nothing to do)
#        scripts/cluster.sh status      what runs (exit 0: all of it, 3: not all of it)
#
# Environment (all optional):
#   CLUSTER_DIR           pids, logs, nginx.conf, the storage secret and data_dir (default var/cluster)
#   CLUSTER_PORT          nginx's port, the address to open (default 8090)
#   CLUSTER_APP_PORT      the first app process's port; the next ones follow it (default 8091: 8091, 8092, ...)
#   CLUSTER_REDIS_PORT    the private redis-server's port (default 6390; the machine's Redis is left alone)
#   CLUSTER_DATABASE_URL  default postgresql+psycopg://postgres@127.0.0.1:5432/hsa_cluster: created when missing;
#                         the machine's PostgreSQL is started (pg_ctlcluster, as root) when installed but stopped
#   HSA_DEMO_DATA         1 (default, as make run): seed the demo marketplace into a fresh database and print its
#                         sign-ins; 0: an empty site
#   HSA_*                 any other setting reaches every process (HSA_SMTP_HOST, HSA_BCRYPT_ROUNDS, ...); the script
#                         sets those that tie the cluster together: HSA_DATABASE_URL, HSA_REDIS_URL (NiceGUI keeps
#                         app.storage there too, so any app process knows any browser's session),
#                         HSA_STORAGE_SECRET (made once into CLUSTER_DIR/secret), HSA_DATA_DIR (CLUSTER_DIR/data,
#                         shared by all), HSA_PORT, HSA_HOST, HSA_BASE_URL (the proxy) and HSA_ENV=development
#                         (nginx here speaks plain HTTP; production sends the session cookie over HTTPS only)
#   VENV                  the virtual environment (default .venv)
#
# nginx keeps each browser on one app process (NiceGUI's page and its socket must meet the same process): a cookie
# `hsa_node` it sets on the first answer is hashed onto the app processes. When that process is gone, nginx sends the
# browser to another one; the page reconnects there, reloads, and the session is still valid (Redis, PostgreSQL).
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${CLUSTER_DIR:-$ROOT/var/cluster}
VENV=${VENV:-$ROOT/.venv}
case "$DIR" in /*) ;; *) DIR=$PWD/$DIR ;; esac # relative: to where it was called from
case "$VENV" in /*) ;; *) VENV=$PWD/$VENV ;; esac
cd "$ROOT"
PY=$VENV/bin/python
PROXY_PORT=${CLUSTER_PORT:-8090}
APP_PORT=${CLUSTER_APP_PORT:-8091}
REDIS_PORT=${CLUSTER_REDIS_PORT:-6390}
DATABASE_URL=${CLUSTER_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/hsa_cluster}
STOP_SECONDS=15 # a process still running this long after SIGTERM gets SIGKILL
START_SECONDS=60

say() { printf '%s\n' "$*"; }
die() {
  printf 'error: %s\n' "$1" >&2
  shift
  for line in "$@"; do printf '       %s\n' "$line" >&2; done
  exit 1
}

# --- processes: each in a session of its own (so stop also ends its children), its pid in NAME.pid, output in NAME.log

launch() { # launch NAME COMMAND...
  local name=$1 pid found
  shift
  setsid "$@" >"$DIR/$name.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$DIR/$name.pid"
  disown # not this shell's job any more: stop, not its exit, ends it
  # The child becomes a session leader a moment after the fork, when setsid runs in it: until then `alive` would
  # take it for a stranger and call it exited (on a busy machine that moment is long enough to be seen).
  for _ in $(seq 250); do
    found=$(state_and_session "$pid") || return 0 # gone already: the caller's `alive` says so
    [ "${found#* }" = "$pid" ] && return 0
    sleep 0.02
  done
}

pid_of() { cat "$DIR/$1.pid" 2>/dev/null; }

state_and_session() { # state_and_session PID: e.g. "S 1234" (the fields after "(command name)" in /proc/PID/stat)
  local stat state session
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  read -r state _ _ session _ <<<"${stat##*) }"
  echo "$state $session"
}

alive() { # alive NAME: its process runs (a zombie does not; a reused pid is not a session leader of ours)
  local pid found
  pid=$(pid_of "$1") || return 1
  [ -n "$pid" ] && found=$(state_and_session "$pid") || return 1
  [ "${found% *}" != Z ] && [ "${found#* }" = "$pid" ]
}

session_members() { # session_members SID: the running processes of a session one launch made
  local stat pid found
  for stat in /proc/[0-9]*/stat; do
    pid=${stat#/proc/}
    pid=${pid%/stat}
    found=$(state_and_session "$pid") || continue
    [ "${found#* }" = "$1" ] && [ "${found% *}" != Z ] && echo "$pid"
  done
  return 0
}

stop_together() { # stop_together NAME...: SIGTERM to each, wait for all, SIGKILL to what is left; then any process
  local name pid member running=() waiting      # left in their sessions (a Celery pool process whose parent died)
  for name in "$@"; do
    if alive "$name"; then
      kill -TERM "$(pid_of "$name")" 2>/dev/null || true
      running+=("$name")
    fi
  done
  for ((i = 0; i < STOP_SECONDS * 10; i++)); do
    waiting=()
    for name in "${running[@]}"; do alive "$name" && waiting+=("$name"); done
    [ ${#waiting[@]} -eq 0 ] && break
    sleep 0.1
  done
  for name in "${running[@]}"; do
    pid=$(pid_of "$name")
    if alive "$name"; then
      say "$name (pid $pid) did not stop within $STOP_SECONDS s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "stopped $name (pid $pid)"
  done
  for name in "$@"; do
    pid=$(pid_of "$name") || continue
    for member in $(session_members "$pid"); do kill -KILL "$member" 2>/dev/null || true; done
    rm -f "$DIR/$name.pid"
  done
}

names() { # every process this cluster has a pid file for, in the order they stop
  local file
  [ -f "$DIR/nginx.pid" ] && echo nginx
  for file in "$DIR"/app-*.pid; do [ -f "$file" ] && basename "$file" .pid; done
  for name in beat worker redis; do [ -f "$DIR/$name.pid" ] && echo "$name"; done
  return 0
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

redis_answers() { # PING on the private redis-server's port
  local reply
  reply=$( (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" && printf 'PING\r\n' >&3 && read -r -t 2 line <&3 && echo "$line") \
    2>/dev/null) || return 1
  [ "${reply%$'\r'}" = +PONG ]
}

last_lines() { # the end of a process's log, to say why it did not start
  [ -f "$DIR/$1.log" ] || return 0
  say "--- last lines of $DIR/$1.log ---" >&2
  tail -n 30 "$DIR/$1.log" >&2 || true
}

# --- PostgreSQL (python + psycopg: the driver the app uses, so no psql is needed)

create_database() { # the database, made when missing; exit 1 with the server's answer when it does not answer
  "$PY" - "$DATABASE_URL" <<'EOF'
import sys

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

url = make_url(sys.argv[1])
server = url.set(drivername='postgresql', database='postgres').render_as_string(hide_password=False)
try:
    with psycopg.connect(server, connect_timeout=3, autocommit=True) as connection:
        if not connection.execute('SELECT 1 FROM pg_database WHERE datname = %s', (url.database,)).fetchone():
            connection.execute(sql.SQL('CREATE DATABASE {}').format(sql.Identifier(url.database)))
            print(f'Created database {url.database}.')
except psycopg.Error as error:
    sys.exit(str(error).strip() or type(error).__name__)
EOF
}

ensure_database() { # PostgreSQL answers (the machine's, started if need be) and has the database
  case "$DATABASE_URL" in
    postgresql+psycopg://*) ;;
    *) die "CLUSTER_DATABASE_URL must be a postgresql+psycopg:// URL, not $DATABASE_URL" ;;
  esac
  create_database 2>/dev/null && return 0
  local machines=no # the URL names this machine's server, which pg_ctlcluster can start
  case "$DATABASE_URL" in *@127.0.0.1:5432/* | *@localhost:5432/* | *@127.0.0.1/* | *@localhost/*) machines=yes ;; esac
  if [ "$machines" = yes ] && command -v pg_ctlcluster >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] &&
    compgen -G '/etc/postgresql/*/main' >/dev/null; then
    for version in /etc/postgresql/*/main; do
      version=${version%/main}
      say "Starting PostgreSQL ${version##*/} (pg_ctlcluster)."
      pg_ctlcluster --skip-systemctl-redirect "${version##*/}" main start || true
    done
    for _ in $(seq 1 20); do
      create_database 2>/dev/null && return 0
      sleep 0.5
    done
  fi
  local answer
  answer=$(create_database 2>&1) || true
  die "PostgreSQL does not answer for $DATABASE_URL: $answer" \
    'Install and start it (as root: apt-get install -y postgresql, then pg_ctlcluster --skip-systemctl-redirect' \
    '<version> main start; the URL connects as postgres with trust auth on 127.0.0.1), or point CLUSTER_DATABASE_URL' \
    'at a server that answers.'
}

# --- start

write_nginx_conf() { # write_nginx_conf N
  local i servers='' user=''
  for ((i = 0; i < $1; i++)); do
    servers+="        server 127.0.0.1:$((APP_PORT + i)) max_fails=1 fail_timeout=10s;"$'\n'
  done
  # As root, nginx's workers would run as nobody, who cannot write its temporary files under a private folder.
  [ "$(id -u)" -eq 0 ] && user="user root root;"
  cat >"$DIR/nginx.conf" <<EOF
# Made by scripts/cluster.sh for this cluster; it is written again at every start.
$user
daemon off;
worker_processes 1;
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx-error.log warn;

events {
    worker_connections 1024;
}

http {
    default_type application/octet-stream;
    client_body_temp_path $DIR/nginx/client_body;
    proxy_temp_path $DIR/nginx/proxy;
    fastcgi_temp_path $DIR/nginx/fastcgi;
    uwsgi_temp_path $DIR/nginx/uwsgi;
    scgi_temp_path $DIR/nginx/scgi;
    client_max_body_size 10m; # a professional's document is at most 5 MB

    # Which app process served each request: upstream= lists every one tried, the last one answered.
    log_format cluster '\$remote_addr [\$time_local] "\$request" \$status upstream=\$upstream_addr '
                       'node=\$hsa_node "\$http_user_agent"';
    access_log $DIR/nginx-access.log cluster;

    # NiceGUI's socket (/_nicegui_ws/socket.io) is a WebSocket upgrade of a plain GET.
    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        ''      close;
    }
    # Sticky sessions: a browser keeps the random node it got with its first answer; the node picks the process.
    map \$cookie_hsa_node \$hsa_node {
        ''      \$request_id;
        default \$cookie_hsa_node;
    }

    upstream hsa_app {
        hash \$hsa_node consistent;
$servers    }

    server {
        listen 127.0.0.1:$PROXY_PORT;
        server_name _;

        location / {
            proxy_pass http://hsa_app;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_read_timeout 1h; # an open page's socket stays quiet for long stretches
            proxy_send_timeout 1h;
            add_header Set-Cookie "hsa_node=\$hsa_node; Path=/; HttpOnly; SameSite=Lax" always;
        }
    }
}
EOF
}

start() {
  local apps=${1:-2} name i port
  [[ "$apps" =~ ^[1-9][0-9]?$ ]] || die "the number of app processes must be 1 to 99, not '$apps'"
  if [ -d "$DIR" ] && [ -n "$(names)" ]; then
    if status >/dev/null; then
      say "The cluster in $DIR is already running:"
      status
      return 0
    fi
    die "part of the cluster in $DIR is running, part is not:" "$(status || true)" \
      "Stop it first: scripts/cluster.sh stop"
  fi

  # What it needs, before starting anything.
  local nginx redis_server
  nginx=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true)
  redis_server=$(command -v redis-server || true)
  [ -n "$nginx" ] || die 'nginx is not installed.' 'Run: make cluster (installs it as root), or: sudo apt-get install -y nginx'
  [ -n "$redis_server" ] || die 'redis-server is not installed.' \
    'Run: make cluster (installs it as root), or: sudo apt-get install -y redis-server'
  [ -x "$PY" ] || die "no virtual environment at $VENV." 'Run: make cluster (or make run) to create it.'
  for port in "$PROXY_PORT" "$REDIS_PORT" $(seq "$APP_PORT" $((APP_PORT + apps - 1))); do
    ! listening "$port" || die "port $port on 127.0.0.1 is taken." \
      'Choose others with CLUSTER_PORT, CLUSTER_APP_PORT and CLUSTER_REDIS_PORT (see the top of scripts/cluster.sh).'
  done
  ensure_database

  mkdir -p "$DIR/data" "$DIR/redis" "$DIR/nginx"
  DIR=$(cd "$DIR" && pwd)
  [ -s "$DIR/secret" ] || (umask 077 && "$PY" -c 'import secrets; print(secrets.token_urlsafe(48))' >"$DIR/secret")
  local url="http://127.0.0.1:$PROXY_PORT" demo=${HSA_DEMO_DATA:-1}

  # The same settings for every process (NICEGUI_* and PYTEST_* from a caller would change what app.py does).
  for name in ${!NICEGUI_*} ${!PYTEST_*}; do unset "$name"; done
  export HSA_ENV=development HSA_HOST=127.0.0.1 HSA_NATIVE=0 HSA_DATA_DIR="$DIR/data"
  export HSA_DATABASE_URL="$DATABASE_URL" HSA_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  HSA_STORAGE_SECRET=$(cat "$DIR/secret")
  export HSA_STORAGE_SECRET HSA_BASE_URL="${HSA_BASE_URL:-$url}"
  export HSA_MIGRATE_ON_STARTUP=0 HSA_DEMO_DATA=0 # done once below, not by each process at once
  cat >"$DIR/cluster.env" <<EOF
URL=$url
PROXY_PORT=$PROXY_PORT
APP_PORTS="$(seq -s ' ' "$APP_PORT" $((APP_PORT + apps - 1)))"
REDIS_URL=$HSA_REDIS_URL
DATABASE_URL=$DATABASE_URL
EOF

  # Redis first: the migration and the demo seeding already use it (the cache). It keeps what it holds (sessions,
  # queued jobs) in an append-only file, so a restarted cluster still knows who was signed in.
  trap 'say "Starting failed: stopping what started." >&2; stop >&2' ERR
  launch redis "$redis_server" --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DIR/redis" --save '' --appendonly yes
  for ((i = 0; i < 100; i++)); do
    redis_answers && break
    alive redis || fail redis 'redis-server exited while starting'
    sleep 0.1
  done
  redis_answers || fail redis "redis-server does not answer on port $REDIS_PORT"

  # Migrate once here, not in each process at once; then seed the demo marketplace into a fresh database (as the app
  # does for make run) and print its sign-ins.
  say "Migrating $DATABASE_URL"
  "$PY" - "$demo" <<'EOF' || fail prepare 'the database could not be migrated or seeded (above).'
import sys

from models.migrate import upgrade_to_head
from services import demo
from settings import get_settings

upgrade_to_head()
if sys.argv[1].lower() in {'1', 'true', 'yes', 'on'} and demo.needs_seeding():
    if (logins := demo.seed()) is not None:
        print(demo.describe(logins, base_url=get_settings().public_url), flush=True)
EOF

  launch worker "$PY" -m celery -A tasks worker --pool=prefork --concurrency=2 --without-mingle --without-gossip \
    -n "hsa-cluster-$REDIS_PORT@%h" --loglevel=INFO
  launch beat "$PY" -m celery -A tasks beat -s "$DIR/beat-schedule" --loglevel=INFO
  for ((i = 1; i <= apps; i++)); do
    launch "app-$i" env HSA_PORT=$((APP_PORT + i - 1)) "$PY" app.py
  done
  local deadline=$((SECONDS + START_SECONDS)) waiting
  while :; do
    waiting=()
    for name in $(names); do alive "$name" || fail "$name" "$name exited while starting"; done
    for ((i = 1; i <= apps; i++)); do
      # uvicorn says so and goes on running, without listening, when its port was taken meanwhile
      ! grep -q 'error while attempting to bind' "$DIR/app-$i.log" || fail "app-$i" "app-$i could not listen"
      listening $((APP_PORT + i - 1)) || waiting+=("app-$i")
    done
    grep -q 'ready\.' "$DIR/worker.log" || waiting+=(worker)
    [ ${#waiting[@]} -eq 0 ] && break
    [ "$SECONDS" -lt "$deadline" ] || fail "${waiting[0]}" "not ready within $START_SECONDS s: ${waiting[*]}"
    sleep 0.2
  done

  # nginx last: an app process it finds not listening yet counts as down for fail_timeout (10 s), and browsers
  # left open from before would find one at once.
  write_nginx_conf "$apps"
  "$nginx" -t -q -p "$DIR/nginx" -c "$DIR/nginx.conf" -e "$DIR/nginx-error.log" ||
    fail nginx 'nginx refuses its configuration (above)'
  launch nginx "$nginx" -p "$DIR/nginx" -c "$DIR/nginx.conf" -e "$DIR/nginx-error.log"
  for ((i = 0; i < 100; i++)); do
    listening "$PROXY_PORT" && break
    alive nginx || fail nginx "nginx exited while starting: $(tail -n 5 "$DIR/nginx-error.log" 2>/dev/null)"
    sleep 0.1
  done
  local answer
  answer=$("$PY" -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).status)' \
    "$url/login" 2>&1 | tail -n 1 || true)
  [ "$answer" = 200 ] || fail nginx "$url/login answered '$answer' through nginx, not 200"
  trap - ERR
  status
  say "The cluster is up: open $url   (stop it with: scripts/cluster.sh stop)"
}

fail() { # fail NAME MESSAGE: say why, show NAME's log, stop everything started, exit 1
  trap - ERR
  say "error: $2" >&2
  last_lines "$1"
  say 'Stopping what started.' >&2
  stop >&2
  exit 1
}

# --- stop and status

stop() {
  local name
  if [ ! -d "$DIR" ] || [ -z "$(names)" ]; then
    say "Nothing of the cluster in $DIR is running."
    return 0
  fi
  # The proxy first (no new requests), then the app processes and Celery together, Redis last (they use it).
  local all others=()
  all=$(names)
  for name in $all; do case "$name" in nginx | redis) ;; *) others+=("$name") ;; esac; done
  stop_together nginx
  stop_together "${others[@]}"
  stop_together redis
  say "The cluster in $DIR is stopped."
}

status() { # exit 0 when everything started is running, 3 otherwise
  local name stopped=0 url='' pid
  [ -f "$DIR/cluster.env" ] && url=$(sed -n 's/^URL=//p' "$DIR/cluster.env")
  if [ ! -d "$DIR" ] || [ -z "$(names)" ]; then
    say "The cluster in $DIR is not running."
    return 3
  fi
  say "The cluster in $DIR${url:+, at $url}:"
  for name in $(names); do
    pid=$(pid_of "$name")
    if alive "$name"; then
      printf '  %-8s running  pid %-8s log %s\n' "$name" "$pid" "$DIR/$name.log"
    else
      stopped=$((stopped + 1))
      printf '  %-8s STOPPED  (was pid %s; see %s)\n' "$name" "$pid" "$DIR/$name.log"
    fi
  done
  [ "$stopped" -eq 0 ] || return 3
}

case "${1:-}" in
  start) start "${2:-2}" ;;
  stop) stop ;;
  status) status ;;
  *) die 'usage: scripts/cluster.sh start [N] | stop | status' ;;
esac
