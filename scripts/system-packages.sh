#!/usr/bin/env bash
# Check the Debian packages a make target needs: present -> fine; missing and root -> apt-get
# install them; missing and not root -> stop and print the command to run.
# Usage: scripts/system-packages.sh run|test|cluster|native|screenshot
#   cluster     what scripts/cluster.sh runs besides the app: nginx and redis-server (PostgreSQL is checked by the
#               script itself; the machine's is used)
#   native      the desktop window (pywebview on Qt): Xvfb and the X/Qt libraries Qt's xcb plug-in and
#               QtWebEngine load (nicegui-notes.md §5, verified on Debian 12)
#   screenshot  native, plus ImageMagick's `import` and xwininfo for scripts/native-screenshot.sh
set -euo pipefail

target=${1:?usage: system-packages.sh run|test|cluster|native|screenshot}
python=${PYTHON:-python3}
missing=()

have_python_venv() { "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; }
have_deb() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
# nginx lives in /usr/sbin, which is not on every user's PATH.
have_nginx() { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; }
NATIVE_PACKAGES=(
  xvfb libxcb-cursor0 libnss3 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libegl1 libgl1 libxcomposite1 libxdamage1
  libxrandr2 libxtst6 libxkbfile1 libasound2
)

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "error: $python is not Python 3.11 or newer (found: $("$python" --version 2>&1 || echo none))." >&2
  echo "       Install python3 (3.11+) or run: make $target PYTHON=/path/to/python3.11" >&2
  exit 1
fi
have_python_venv || missing+=(python3-venv)

# The monthly report's PDF is set in DejaVu Sans (any name a customer types, not only Latin-1).
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)

case "$target" in
  run) ;;
  test)
    # Browser tests drive Debian's Chromium through its own driver.
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
    # The job tests start a private redis-server of their own (the machine's Redis, if any, is left alone).
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    # ... and make a self-signed certificate for the encrypted SMTP tests.
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    # ... and render the monthly report's PDF to an image to check that it opens.
    command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
    # ... and the cluster test puts nginx in front of two app processes (scripts/cluster.sh).
    have_nginx || missing+=(nginx)
    ;;
  cluster)
    have_nginx || missing+=(nginx)
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    ;;
  native|screenshot)
    for package in "${NATIVE_PACKAGES[@]}"; do have_deb "$package" || missing+=("$package"); done
    if [ "$target" = screenshot ]; then
      for package in imagemagick x11-utils; do have_deb "$package" || missing+=("$package"); done
    fi
    ;;
  *) echo "error: unknown target '$target' (run, test, cluster, native or screenshot)" >&2; exit 2 ;;
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
