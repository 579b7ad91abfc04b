"""gunicorn settings, all overridable from the environment.

PORT (8050), HOST (0.0.0.0), WEB_CONCURRENCY (workers, 2), GUNICORN_THREADS (4),
GUNICORN_TIMEOUT (60 s), KEEPALIVE (5 s), REQUEST_READ_TIMEOUT (10 s, gunicorn_worker.py),
LOG_LEVEL (info), ACCESS_LOG (-, standard output).

Workers are gunicorn_worker.BufferedThreadWorker: gthread whose event loop reads each request
in full before a thread serves it, so slow clients hold no thread (see that module).
"""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8050')}"
worker_class = "gunicorn_worker.BufferedThreadWorker"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
keepalive = int(os.environ.get("KEEPALIVE", "5"))
# Connections a worker holds (each buffers at most a 64 KB head and a 1 MB body).
worker_connections = 256
# Request line and headers: a shared link is far shorter than 4 KB.
limit_request_line = 4094
limit_request_fields = 64
limit_request_field_size = 8190
loglevel = os.environ.get("LOG_LEVEL", "info")
accesslog = os.environ.get("ACCESS_LOG", "-")
# Load the dataset once before forking: workers share its memory. A newly published dataset
# is picked up by the running workers themselves (data/load.py, DIGITAL_DIVIDE_RELOAD_SECONDS):
# no restart or SIGHUP is needed (a SIGHUP would start workers from this preloaded copy).
preload_app = True
