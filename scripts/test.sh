#!/usr/bin/env bash
# Set up (first run) and run the whole test suite: lint, unit tests and real-browser tests.
# Needs Debian's Chromium at /usr/bin/chromium (or CHROMIUM_PATH) and the raw source files in
# ../shared/data/raw (or DIGITAL_DIVIDE_RAW). Extra arguments go to pytest (a later -m wins).
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
ensure_venv "$PROJECT/requirements-dev.txt"
cd "$PROJECT"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "Chromium not found at $CHROMIUM: install Debian's package (sudo apt-get install chromium)" \
       "or set CHROMIUM_PATH. The browser tests need it." >&2
  exit 2
fi
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
# Everything, the slow group included (a bare ``pytest`` leaves it out; see pyproject.toml).
exec "$VENV/bin/python" -m pytest -m "slow or not slow" "$@"
