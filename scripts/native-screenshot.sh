#!/usr/bin/env bash
# Open the app's desktop window on a virtual screen (Xvfb) and save a screenshot of that screen to
# screenshots/native-window.png. A smoke check of `make native`; not part of `make test`.
# Usage: scripts/native-screenshot.sh [output.png]   (after `make native`)
set -euo pipefail

cd "$(dirname "$0")/.."
output=${1:-screenshots/native-window.png}
python=${VENV:-.venv}/bin/python
wait_seconds=${WAIT_SECONDS:-90}

if ! "$python" -c 'import webview, qtpy, PySide6' 2>/dev/null; then
  echo "error: the desktop window's packages are not in ${VENV:-.venv}: run make native first" >&2
  exit 1
fi
bash scripts/system-packages.sh screenshot

work=$(mktemp -d)
xvfb_pid='' app_pid=''
cleanup() {
  # The app runs in its own process group (setsid): stop it, its window process and QtWebEngine at once.
  if [ -n "$app_pid" ]; then kill -TERM -- "-$app_pid" 2>/dev/null || true; fi
  if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Xvfb picks a free display itself and writes its number to the file (-displayfd).
Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || { echo "error: Xvfb did not start:" >&2; cat "$work/xvfb.log" >&2; exit 1; }
display=":$(head -n1 "$work/display")"
echo "Xvfb on DISPLAY=$display"

env -u WAYLAND_DISPLAY DISPLAY="$display" HSA_NATIVE=1 HSA_ENV=development HSA_DEMO_DATA=0 \
  HSA_DATA_DIR="$work/data" setsid "$python" app.py >"$work/app.log" 2>&1 &
app_pid=$!

# Wait for the window (named after the app's title) and for its page to be served.
deadline=$((SECONDS + wait_seconds))
until DISPLAY="$display" xwininfo -root -tree 2>/dev/null | grep -q '"Household Services"'; do
  if ! kill -0 "$app_pid" 2>/dev/null || grep -q 'serving in the browser' "$work/app.log"; then
    echo "error: the app did not open a window:" >&2; cat "$work/app.log" >&2; exit 1
  fi
  [ $SECONDS -lt $deadline ] || { echo "error: no window within ${wait_seconds} s:" >&2; cat "$work/app.log" >&2; exit 1; }
  sleep 0.5
done
url=$(grep -o 'NiceGUI ready to go on http://[0-9.:]*' "$work/app.log" | head -n1 | sed 's/.* on //')
until "$python" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + '/login', timeout=5)" "$url" 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || { echo "error: $url/login did not answer" >&2; exit 1; }
  sleep 0.5
done
sleep "${SETTLE_SECONDS:-8}"  # let QtWebEngine load the page and Quasar finish its transitions

mkdir -p "$(dirname "$output")"
import -display "$display" -window root "$output"
echo "$(head -n1 "$work/app.log")"
echo "window served from $url; screenshot saved to $output"
