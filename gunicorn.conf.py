"""gunicorn settings; every value can be overridden from the environment."""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
# The app writes one log line per request itself (blogapp/request_id.py: with its request id,
# as JSON in production), so gunicorn's own access log is off unless GUNICORN_ACCESSLOG names
# a file (or "-" for stdout).
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
if os.environ.get("LOG_FORMAT", "json") == "json":
    # gunicorn's own lines (start-up, worker timeouts) as JSON objects too, like the app's.
    # gunicorn lays this over its defaults key by key, so both of its handlers are named.
    logconfig_dict = {
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": ["asctime", "levelname", "name", "message"],
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            # A logging config switches gunicorn's access log on: quiet unless asked for.
            "gunicorn.access": {
                "handlers": ["console"],
                "level": "INFO" if accesslog else "WARNING",
                "propagate": False,
            },
            "gunicorn.error": {"handlers": ["error_console"], "level": "INFO", "propagate": False},
        },
    }


def post_worker_init(worker):
    """Once the app is loaded in a worker, take everything loaded so far (Django, the app's
    modules, compiled templates) out of the cycle collector's full runs.

    Not done per request: it is the worker's start-up state. A 10,000-comment page leaves
    enough surviving objects to trigger a full collection every few requests, and a full
    collection walking the whole start-up heap cost ~8 ms per page on average; frozen, ~0.2 ms
    (bench/thread_page.py freezes the same way; ``--no-freeze`` shows the difference).
    """
    gc.collect()
    gc.freeze()


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR set (blogapp/metrics.py), a worker that exits stops
    counting in the metrics' live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
