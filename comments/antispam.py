"""Keeping floods and repeated comments out of the public comment form.

- a per-IP rate limit on the comments stored, and a much higher one on the comment forms sent
  (a script hammering the form with forms that are refused), counted in Django's default
  cache (Redis when REDIS_URL is set, so all app processes share one count); while that cache
  fails, counted in this process's memory instead (each process then allows the limit on its
  own: a looser limit, never none);
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
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.utils.translation import gettext_lazy as _

from .cache import CacheUnavailable, count_in, shared_cache_call, shared_cache_count

logger = logging.getLogger(__name__)

DUPLICATE_MESSAGE = _("Duplicate comment detected; it looks as though you've already said that!")
RATE_LIMIT_KEY = "comment-rate"
ATTEMPT_RATE_LIMIT_KEY = "comment-attempt-rate"
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


@dataclass
class Allowance:
    """What the rate limit says of one comment form sent: ``retry_after``, the seconds to wait
    if it is refused (None: go ahead), and whether it was refused for the forms sent rather
    than for the comments stored (``too_many_attempts``)."""

    retry_after: int | None = None
    too_many_attempts: bool = False
    kept: bool = False

    def keep(self):
        """The comment is stored: it counts against its address until the period ends."""
        self.kept = True


@contextmanager
def comment_allowance(ip):
    """Count one comment form sent from ``ip``, and hold one of its comments of the period
    for it while it is handled; yields its ``Allowance``.

    Only stored comments count against ``COMMENTS_RATE_LIMIT_COUNT``: the comment held here is
    given back on leaving unless ``keep()`` was called, so a form refused for a typo, a double
    click or a database failure costs its writer nothing. It is held before the comment is
    written, not counted after: the count is an atomic increment, so requests racing from one
    address never store more than the limit between them. Every form sent, stored or refused,
    counts against ``COMMENTS_RATE_LIMIT_ATTEMPTS`` (far higher), so a script sending refused
    forms in a loop is still stopped; both are off when ``COMMENTS_RATE_LIMIT_COUNT`` is 0.
    """
    limit = settings.COMMENTS_RATE_LIMIT_COUNT
    attempts = settings.COMMENTS_RATE_LIMIT_ATTEMPTS if limit > 0 else 0
    (attempts_wait, _), (retry_after, give_back) = _counted(
        ip, [(ATTEMPT_RATE_LIMIT_KEY, attempts), (RATE_LIMIT_KEY, limit)]
    )
    if attempts_wait is not None:
        if give_back is not None:
            give_back()
        yield Allowance(attempts_wait, too_many_attempts=True)
        return
    allowance = Allowance(retry_after)
    try:
        yield allowance
    finally:
        if give_back is not None and not allowance.kept:
            give_back()


def preview_retry_after(ip):
    """Count one preview from ``ip``; the seconds to wait if it is over the limit, else None.
    Counted apart from comments: a writer previews several times per comment, but each preview
    costs a Markdown rendering, so a script may not loop on it."""
    limit = settings.COMMENTS_PREVIEW_RATE_LIMIT_COUNT
    [(retry_after, _)] = _counted(ip, [(PREVIEW_RATE_LIMIT_KEY, limit)])
    return retry_after


def _counted(ip, limits):
    """Count one more for ``ip`` under each ``(name, limit)`` of ``limits`` (a limit of 0 or
    less: not counted), in the period's fixed window: one round trip to Redis for all of them,
    atomic (``shared_cache_count``). Returns for each the seconds to wait if it is over its
    limit (else None) and how to take that one back (None if nothing was counted).
    """
    period = settings.COMMENTS_RATE_LIMIT_PERIOD
    counted = [(name, limit) for name, limit in limits if limit > 0]
    if period <= 0 or not ip or not counted:
        return [(None, None)] * len(limits)
    now = time.time()
    window = int(now // period)
    subject = _rate_limit_subject(ip)
    keys = [f"{name}:{subject}:{window}" for name, _limit in counted]
    call = shared_cache_call
    try:
        counts = shared_cache_count(keys, period + 1)
    except CacheUnavailable:
        logger.warning(
            "Rate limit counted in this process's memory: the shared cache is unavailable"
        )
        call = _local_call
        counts = count_in(_local_counts, keys, period + 1)
    wait = max(1, math.ceil((window + 1) * period - now))
    found = {
        name: (None if count <= limit else wait, partial(_uncount, call, key))
        for (name, limit), key, count in zip(counted, keys, counts, strict=True)
    }
    return [found.get(name, (None, None)) for name, _limit in limits]


def _uncount(call, key):
    """Take back one count under ``key``, where it was counted. Once the window has expired
    there is nothing to take back; should the cache fail meanwhile, the count stays one too
    high until the window ends (stricter, never looser)."""
    with suppress(ValueError, CacheUnavailable):
        call("decr", key)


# The fallback counter: this process's own memory (bounded, like any LocMemCache).
_local_counts = LocMemCache("comment-rate-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def _local_call(method, *args, **kwargs):
    return getattr(_local_counts, method)(*args, **kwargs)
