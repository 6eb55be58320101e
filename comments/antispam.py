"""Keeping floods and repeated comments out of the public comment form.

- a per-IP rate limit, counted in Django's default cache (Redis when REDIS_URL is set, so all
  app processes share one count); while that cache fails, counted in this process's memory
  instead (each process then allows the limit on its own: a looser limit, never none);
- duplicate detection: the same author posting the same text on the same post again (asked
  in the form's one look-up, comments.prior; the refusal says DUPLICATE_MESSAGE, except to
  the browser that wrote the comment, which is led to it);
- the honeypot field lives on the form (comments.forms), the one-time form key in
  comments.submission.
"""

import ipaddress
import logging
import math
import time

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.utils.translation import gettext_lazy as _

from .cache import CacheUnavailable, shared_cache_call

logger = logging.getLogger(__name__)

DUPLICATE_MESSAGE = _("Duplicate comment detected; it looks as though you've already said that!")
RATE_LIMIT_KEY = "comment-rate"
PREVIEW_RATE_LIMIT_KEY = "preview-rate"


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the one our own proxies put in X-Forwarded-For."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < proxies:
        return remote
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _rate_limit_subject(ip):
    """Who is counted: one IPv4 address, or a whole IPv6 /64 (one subscriber's network)."""
    address = ipaddress.ip_address(ip)
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def rate_limit_retry_after(ip):
    """Count one comment attempt from ``ip``; the seconds to wait if it is over the limit.

    None means the attempt is allowed. A fixed window per period: cheap, one cache round
    trip or two, and atomic on Redis (SET NX + INCR).
    """
    return _retry_after(ip, RATE_LIMIT_KEY, settings.COMMENTS_RATE_LIMIT_COUNT)


def preview_retry_after(ip):
    """``rate_limit_retry_after`` for previews, counted apart: a writer previews several times
    per comment, but each preview costs a Markdown rendering, so a script may not loop on it."""
    return _retry_after(ip, PREVIEW_RATE_LIMIT_KEY, settings.COMMENTS_PREVIEW_RATE_LIMIT_COUNT)


def _retry_after(ip, name, limit):
    period = settings.COMMENTS_RATE_LIMIT_PERIOD
    if limit <= 0 or period <= 0 or not ip:
        return None
    now = time.time()
    window = int(now // period)
    key = f"{name}:{_rate_limit_subject(ip)}:{window}"
    try:
        attempts = _count(shared_cache_call, key, period)
    except CacheUnavailable:
        logger.warning(
            "Rate limit counted in this process's memory: the shared cache is unavailable"
        )
        attempts = _count(_local_call, key, period)
    if attempts <= limit:
        return None
    return max(1, math.ceil((window + 1) * period - now))


# The fallback counter: this process's own memory (bounded, like any LocMemCache).
_local_counts = LocMemCache("comment-rate-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def _local_call(method, *args, **kwargs):
    return getattr(_local_counts, method)(*args, **kwargs)


def _count(call, key, period):
    """One more attempt under ``key`` through ``call`` (a cache's methods); the new count."""
    call("add", key, 0, timeout=period + 1)
    try:
        return call("incr", key)
    except ValueError:  # expired between add and incr
        call("set", key, 1, timeout=period + 1)
        return 1
