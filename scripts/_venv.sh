# Shared by serve.sh and test.sh: make sure .venv exists and has the given requirements file.
# Reinstalls only when the requirements change. Set PYTHON to choose the interpreter (3.11).
set -euo pipefail
PROJECT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$PROJECT/.venv}"
PYTHON="${PYTHON:-python3}"

ensure_venv() {
  local requirements="$1"
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    echo "Python 3.11 is needed; set PYTHON=/path/to/python3.11 (found: $("$PYTHON" --version 2>&1))" >&2
    exit 2
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating a virtual environment in $VENV"
    "$PYTHON" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$(basename "$requirements")"
  local wanted
  wanted="$(cat "$PROJECT/requirements.txt" "$requirements" | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "Installing $(basename "$requirements") into $VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -r "$requirements"
    echo "$wanted" > "$stamp"
  fi
}
