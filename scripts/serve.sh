#!/usr/bin/env bash
# Set up (first run) and serve the dashboard with gunicorn on http://127.0.0.1:${PORT:-8050}/.
# Settings come from the environment: see gunicorn.conf.py (PORT, HOST, WEB_CONCURRENCY …).
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
ensure_venv "$PROJECT/requirements.txt"
cd "$PROJECT"
export HOST="${HOST:-127.0.0.1}"
echo "Serving on http://$HOST:${PORT:-8050}/ (Ctrl-C to stop)"
exec "$VENV/bin/gunicorn" app:server --config gunicorn.conf.py
