"""Settings for the benchmarks: production-like (DEBUG off), a database of their own.

BENCH_DATABASE_URL names the PostgreSQL database the benchmarks may fill and empty.
BENCH_RATE_LIMIT=1 keeps the comment form's per-IP rate limit on; by default the benchmarks
turn it off, since every load-test client posts from 127.0.0.1.
"""

import os

import dj_database_url

from blogapp.settings.base import *  # noqa: F403
from blogapp.settings.base import STORAGES, env_bool

BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/blog_bench"
)
SECRET_KEY = "bench-only-secret-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATABASES = {"default": dj_database_url.parse(BENCH_DATABASE_URL, conn_max_age=600)}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

if not env_bool("BENCH_RATE_LIMIT"):
    # Whatever the comment form's rate limit is called, the benchmarks switch it off.
    COMMENT_RATE_LIMIT_ENABLED = False
STATIC_ROOT = BASE_DIR / "static"  # noqa: F405 - WhiteNoise scans a real folder at start-up
