"""Settings for the benchmarks: production-like (DEBUG off), a database of their own.

BENCH_DATABASE_URL names the PostgreSQL database the benchmarks may fill and empty.
BENCH_RATE_LIMIT=1 keeps the comment form's per-IP rate limit on; by default the benchmarks
turn it off, since every load-test client posts from 127.0.0.1.
"""

import os
import time

import dj_database_url

from bench.common import DEFAULT_BENCH_DATABASE_URL
from blogapp.settings.base import *  # noqa: F403
from blogapp.settings.base import DATABASES, STORAGES, env_bool

BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", DEFAULT_BENCH_DATABASE_URL)
SECRET_KEY = "bench-only-secret-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Connections kept and health-checked as the project's own settings do (blogapp/settings/base.py).
DATABASES = {
    "default": dj_database_url.parse(
        BENCH_DATABASE_URL,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Shared by every gunicorn worker, as in production (docker-compose runs Redis).
CACHE_OPTIONS = {
    "socket_connect_timeout": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.25")),
    "socket_timeout": float(os.environ.get("REDIS_SOCKET_TIMEOUT", "0.25")),
}
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": BENCH_REDIS_URL,
        # One prefix per benchmark run (inherited by its gunicorn workers): post ids restart
        # at 1 in every run, and nothing of an earlier run's cache may be served again.
        "KEY_PREFIX": os.environ.setdefault("BENCH_CACHE_PREFIX", f"bench-{time.time_ns()}"),
        "OPTIONS": CACHE_OPTIONS,  # production's short socket timeouts (base.py)
    }
    if BENCH_REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

if not env_bool("BENCH_RATE_LIMIT"):
    # Every load-test client posts from 127.0.0.1; 0 turns the per-IP comment limit off.
    COMMENTS_RATE_LIMIT_COUNT = 0
STATIC_ROOT = BASE_DIR / "static"  # noqa: F405 - WhiteNoise scans a real folder at start-up
