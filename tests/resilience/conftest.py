import os

import pytest
from django.test import override_settings

from comments import cache as comments_cache
from tests.servers import OwnPostgres, OwnRedis


def _missing(what):
    if os.environ.get("CI"):
        pytest.fail(f"{what} is needed for the fault tests under CI")
    pytest.skip(f"needs {what}")


@pytest.fixture
def own_redis():
    """A redis-server of this test's own, the default cache on it (the production OPTIONS:
    short socket timeouts), and the discussion cache on."""
    server = OwnRedis()
    if not server.available():
        _missing("redis-server")
    with server:
        caches = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": server.url,
                "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
            }
        }
        comments_cache._cache_down_until = 0.0
        with override_settings(CACHES=caches, COMMENTS_CACHE_TIMEOUT=300):
            yield server
        comments_cache._cache_down_until = 0.0


@pytest.fixture(scope="module")
def own_postgres():
    """A PostgreSQL cluster of this module's own, to stop and start."""
    server = OwnPostgres()
    if not server.available():
        _missing("PostgreSQL's initdb and pg_ctl")
    with server:
        yield server
