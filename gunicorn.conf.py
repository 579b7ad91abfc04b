"""gunicorn settings, all overridable from the environment.

PORT (8050), HOST (0.0.0.0), WEB_CONCURRENCY (workers, 2), GUNICORN_THREADS (4),
GUNICORN_TIMEOUT (60 s), LOG_LEVEL (info).
"""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8050')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
loglevel = os.environ.get("LOG_LEVEL", "info")
accesslog = os.environ.get("ACCESS_LOG", "-")
# Load the dataset once before forking: workers share its memory. A newly published dataset
# is picked up by the running workers themselves (data/load.py, DIGITAL_DIVIDE_RELOAD_SECONDS):
# no restart or SIGHUP is needed (a SIGHUP would start workers from this preloaded copy).
preload_app = True
