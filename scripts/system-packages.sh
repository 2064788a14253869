#!/usr/bin/env bash
# Check the Debian packages a make target needs: present -> fine; missing and root -> apt-get
# install them; missing and not root -> stop and print the command to run.
# Usage: scripts/system-packages.sh run|test
set -euo pipefail

target=${1:?usage: system-packages.sh run|test}
python=${PYTHON:-python3}
missing=()

have_python_venv() { "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; }

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "error: $python is not Python 3.11 or newer (found: $("$python" --version 2>&1 || echo none))." >&2
  echo "       Install python3 (3.11+) or run: make $target PYTHON=/path/to/python3.11" >&2
  exit 1
fi
have_python_venv || missing+=(python3-venv)

case "$target" in
  run) ;;
  test)
    # Browser tests drive Debian's Chromium through its own driver.
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
    ;;
  *) echo "error: unknown target '$target' (run or test)" >&2; exit 2 ;;
esac

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: missing system packages: ${missing[*]}" >&2
  echo "       run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
