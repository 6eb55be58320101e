"""Test settings: PostgreSQL whenever one can be reached, SQLite only with a loud notice.

DATABASE_URL wins. Without it the local PostgreSQL on 127.0.0.1:5432 is used when it answers;
otherwise an embedded SQLite database, and tests marked ``postgres`` are skipped.
With REQUIRE_POSTGRES=1 (set by CI) anything but PostgreSQL is an error.
"""

import os
import sys

import dj_database_url

from .base import *  # noqa: F403
from .base import STORAGES, env_bool

SECRET_KEY = "test-only-secret-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOCAL_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/blog"


def _local_postgres_answers():
    try:
        import psycopg2

        psycopg2.connect(
            host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=2
        ).close()
    except Exception:
        return False
    return True


if not os.environ.get("DATABASE_URL"):
    if _local_postgres_answers():
        DATABASES = {"default": dj_database_url.parse(LOCAL_POSTGRES_URL)}
    else:
        DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    if env_bool("REQUIRE_POSTGRES"):
        raise RuntimeError(
            "REQUIRE_POSTGRES is set but the test database is not PostgreSQL: "
            f"{DATABASES['default']['ENGINE']}. Set DATABASE_URL to a PostgreSQL server."
        )
    sys.stderr.write(
        "\n" + "!" * 78 + "\n"
        "!! NOTICE: no PostgreSQL reachable - tests run on SQLite and PostgreSQL-only\n"
        "!! tests are SKIPPED. Set DATABASE_URL=postgres://... for the real suite.\n"
        + "!" * 78
        + "\n\n"
    )

# Rendered discussions are cached only in the tests that test the cache (tests/perf/): most
# tests run inside a transaction that is rolled back, where invalidation on commit never runs.
COMMENTS_CACHE_TIMEOUT = 0

# A private key prefix so concurrent test runs never read each other's cache entries.
for cache in CACHES.values():  # noqa: F405
    cache["KEY_PREFIX"] = f"test-{os.getpid()}"

WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Every test client posts from 127.0.0.1: only the rate-limit tests lower this.
COMMENTS_RATE_LIMIT_COUNT = 100_000
COMMENTS_RATE_LIMIT_ATTEMPTS = 100_000
COMMENTS_PREVIEW_RATE_LIMIT_COUNT = 100_000

# Most tests post through the public form and expect the comment to appear at once; the
# moderation tests (tests/moderation/) set each policy, and the real default, explicitly.
COMMENTS_MODERATION = "none"
