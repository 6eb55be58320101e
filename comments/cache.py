"""Caching a post's rendered discussion, and never serving it once anything has changed.

**The version lives in the database.** Every change to a post's comments bumps its
``DiscussionState.version`` in the same transaction as the change (``discussions_changed``):
from the signal handlers in ``comments/signals.py`` for anything saved or deleted through the
ORM (admin edits, deletes, post saves), from ``comment_create`` and the moderation services,
and from ``comments.bulk`` after an import. A rendering is cached under the version the page
read with the post, so a cache that missed nothing can only ever be asked for the committed
discussion: if Redis is stalled or restarted while a moderator acts, the change still moves
the version, and the old rendering is never looked up again (it expires on its own).

**The cache is an accelerator.** Every call to it goes through ``shared_cache_call``: a cache
that fails (Redis stopped, stalled past its socket timeout) raises ``CacheUnavailable`` and is
left alone for ``COMMENTS_CACHE_RETRY_INTERVAL`` seconds (so a stalled server costs one
timeout per process and interval, not one per call); the page is rendered without it.
"""

import contextlib
import functools
import hashlib
import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.utils import timezone, translation

from . import thread_html
from .metrics import DISCUSSION_CACHE
from .models import DiscussionState
from .statements import run_or_add

logger = logging.getLogger(__name__)

try:  # the errors a Redis cache raises when its server is away or stalled
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a dependency; any cache may be configured
    RedisError = OSError

CACHE_ERRORS = (RedisError, OSError)


class CacheUnavailable(Exception):
    """The shared cache failed just now (or recently): do without it."""


_cache_down_until = 0.0  # per process: monotonic time before which the cache is not asked


def shared_cache_call(method, *args, **kwargs):
    """``cache.<method>(*args, **kwargs)``, or ``CacheUnavailable`` if the cache is failing."""
    return _guarded(getattr(cache, method), *args, **kwargs)


def shared_cache_count(keys, timeout):
    """Add one to each counter of ``keys`` (made with ``timeout`` seconds to live if new) and
    return their counts, or raise ``CacheUnavailable`` if the cache is failing.

    On Redis one round trip for all of them, atomic (``MULTI``, ``SET NX EX`` and ``INCR`` for
    each, ``EXEC``): Django's ``add()`` and ``incr()`` take three per key (its ``incr`` asks
    whether the key exists first), and every comment form is counted under two keys
    (antispam's rate limits): 0.18 ms of CPU a form, against 0.63 ms (bench/README)."""
    return _guarded(count_in, caches[DEFAULT_CACHE_ALIAS], keys, timeout)


def count_in(store, keys, timeout):
    """Add one to each counter of ``keys`` in the cache ``store`` and return their counts:
    on Redis in one round trip (``shared_cache_count``), elsewhere (a process's own memory,
    antispam's fallback) key by key."""
    if isinstance(store, RedisCache):
        keys = [store.make_and_validate_key(key) for key in keys]
        # One server (REDIS_URL) holds every key. Integers are stored as such (Django's
        # RedisSerializer), so INCR counts what get() reads.
        pipeline = store._cache.get_client(keys[0], write=True).pipeline(transaction=True)
        for key in keys:
            pipeline.set(key, 0, ex=timeout, nx=True)
            pipeline.incr(key)
        return pipeline.execute()[1::2]
    counts = []
    for key in keys:
        store.add(key, 0, timeout=timeout)
        try:
            counts.append(store.incr(key))
        except ValueError:  # expired between add and incr
            store.set(key, 1, timeout=timeout)
            counts.append(1)
    return counts


def _guarded(call, *args, **kwargs):
    """``call(*args, **kwargs)`` on the shared cache, or ``CacheUnavailable`` if it fails."""
    global _cache_down_until
    if time.monotonic() < _cache_down_until:
        raise CacheUnavailable
    try:
        return call(*args, **kwargs)
    except CACHE_ERRORS as error:
        _cache_down_until = time.monotonic() + settings.COMMENTS_CACHE_RETRY_INTERVAL
        logger.warning(
            "The cache failed (%s: %s); doing without it for %s s",
            type(error).__name__,
            error,
            settings.COMMENTS_CACHE_RETRY_INTERVAL,
        )
        raise CacheUnavailable from error


# --- the version --------------------------------------------------------------------------

_BUMP_ONE = (
    "INSERT INTO {table} (post_id, version, changed_at) VALUES (%s, 1, CURRENT_TIMESTAMP) "
    "ON CONFLICT (post_id) DO UPDATE SET version = {table}.version + 1, "
    "changed_at = CURRENT_TIMESTAMP"
)
_BUMP_MANY_POSTGRES = (
    "INSERT INTO {table} (post_id, version, changed_at) "
    "SELECT unnest(%s::bigint[]), 1, CURRENT_TIMESTAMP "
    "ON CONFLICT (post_id) DO UPDATE SET version = {table}.version + 1, "
    "changed_at = CURRENT_TIMESTAMP"
)


def discussions_changed(post_ids, *, batch=None):
    """Bump the discussion version of each post, in the current transaction.

    Call it after the change, as late in the transaction as possible: the version row of a
    busy post is locked from here until the commit. The posts are bumped in id order, so two
    transactions that change the same posts never wait for each other in a cycle.
    ``batch``: a ``comments.statements.StatementBatch`` to send the bump with, sent last.
    """
    post_ids = sorted({int(post_id) for post_id in post_ids})
    if not post_ids:
        return
    table = connection.ops.quote_name(DiscussionState._meta.db_table)
    if connection.vendor == "postgresql":
        bumps = [(_BUMP_MANY_POSTGRES.format(table=table), [post_ids])]
    else:
        bumps = [(_BUMP_ONE.format(table=table), [pk]) for pk in post_ids]
    for sql, params in bumps:
        run_or_add(batch, sql, params)


def discussion_changed(post_id):
    """``discussions_changed`` for one post."""
    discussions_changed([post_id])


def discussion_version(post_id):
    """The post's discussion version as committed (0 before its first change)."""
    version = (
        DiscussionState.objects.filter(post_id=post_id).values_list("version", flat=True).first()
    )
    return version or 0


# --- the rendered pages -----------------------------------------------------------------


@functools.cache
def _markup_fingerprint():
    """A digest of the comment templates and of the module that writes each comment's markup
    (``thread_html.py``), so a deploy with new markup misses the old cache."""
    from django.template import engines

    env = engines["jinja2"].env
    digest = hashlib.sha256()
    for name in sorted(env.list_templates(filter_func=lambda n: n.startswith("comments/"))):
        digest.update(name.encode())
        digest.update(env.loader.get_source(env, name)[0].encode())
    digest.update(Path(thread_html.__file__).read_bytes())
    return digest.hexdigest()[:12]


def cached_discussion(
    post_id, version, page_number, per_page, build, *, order="oldest", replies_open=True
):
    """``build()``'s result for this page of the post's discussion, from the cache if there.

    ``version`` is the post's discussion version, read with the post before ``build``
    queries the comments: a rendering that races with a change is stored under the old
    version, which no reader asks for again. ``page_number`` must be canonical (an int),
    so each page has one key whatever spelling of it was asked for; ``order``: the threads'
    order (``oldest`` or ``newest`` first), each cached apart; ``replies_open``: whether the
    post takes comments (closing a post changes no comment, so no new version, but removes
    every Reply link).
    """
    timeout = settings.COMMENTS_CACHE_TIMEOUT
    if timeout <= 0:
        return build()
    key = ":".join(
        (
            "discussion",
            str(post_id),
            str(version),
            str(per_page),
            str(int(page_number)),
            order,
            "open" if replies_open else "closed",
            # The page is rendered in the reader's language (labels, dates).
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            _markup_fingerprint(),
        )
    )
    try:
        value = shared_cache_call("get", key)
    except CacheUnavailable:
        return build()
    if value is None:
        DISCUSSION_CACHE.labels("miss").inc()
        value = build()
        with contextlib.suppress(CacheUnavailable):
            shared_cache_call("set", key, value, timeout)
    else:
        DISCUSSION_CACHE.labels("hit").inc()
    return value
