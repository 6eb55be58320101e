"""Production: everything that matters comes from the environment.

Required: SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS. Optional: REDIS_URL (shared cache),
SECURE_SSL_REDIRECT (default on), CSRF_TRUSTED_ORIGINS, SECURE_HSTS_SECONDS.
"""

import logging
import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOG_LEVEL, REDIS_URL, env_bool, env_list, logging_config

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment in production.")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

if not REDIS_URL and "COMMENTS_CACHE_TIMEOUT" not in os.environ:
    # Without Redis each gunicorn worker has its own local-memory cache, and a new reply
    # would only clear the cache of the worker that took it: render discussions afresh.
    COMMENTS_CACHE_TIMEOUT = 0

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Only a header: the domain joins the browsers' preload lists when its owner submits it.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# One JSON object per line (time, level, logger, message, request_id, and a request line's
# method, path, status, duration_ms), and one line per request, for the log collector.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL, os.environ.get("REQUEST_LOG_LEVEL", "INFO"))
# Python's warnings too (logger "py.warnings"), instead of bare lines on stderr.
logging.captureWarnings(True)
