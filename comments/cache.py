"""Caching a post's rendered discussion, and forgetting it the moment anything changes.

Every change to a post's comments bumps the post's version (``discussion_changed``), so every
cached rendering of the old discussion is bypassed at once and expires on its own. It runs on
commit: from the signal handlers in ``comments/signals.py`` for anything saved or deleted through
the ORM (new comments, admin edits, deletes), and explicitly after writes that send no signals
(bulk moderation's ``QuerySet.update()``, the importer's bulk inserts) through
``discussions_changed_on_commit(post_ids)``.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

from .metrics import DISCUSSION_CACHE

VERSION_TIMEOUT = None  # versions never expire; rendered discussions do.


def _version_key(post_id):
    return f"discussion:version:{post_id}"


def _new_version():
    # Never restart at a number used before: if the cache drops a version key while older
    # renderings survive, a restart at 1 could serve one of them again.
    return time.time_ns()


def discussion_version(post_id):
    version = cache.get(_version_key(post_id))
    if version is None:
        cache.add(_version_key(post_id), _new_version(), VERSION_TIMEOUT)
        version = cache.get(_version_key(post_id))
    return version


def discussion_changed(post_id):
    """Call (on commit) whenever a post's comments change."""
    try:
        cache.incr(_version_key(post_id))
    except ValueError:
        cache.set(_version_key(post_id), _new_version(), VERSION_TIMEOUT)


def discussions_changed(post_ids):
    """``discussion_changed`` for many posts, e.g. after a bulk update or an import."""
    for post_id in set(post_ids):
        discussion_changed(post_id)


def discussions_changed_on_commit(post_ids):
    """``discussions_changed`` once the current transaction commits (nothing if it rolls back)."""
    post_ids = set(post_ids)
    transaction.on_commit(lambda: discussions_changed(post_ids))


@functools.cache
def _markup_fingerprint():
    """A digest of the comment templates, so a deploy with new markup misses the old cache."""
    from django.template import engines

    env = engines["jinja2"].env
    digest = hashlib.sha256()
    for name in sorted(env.list_templates(filter_func=lambda n: n.startswith("comments/"))):
        digest.update(name.encode())
        digest.update(env.loader.get_source(env, name)[0].encode())
    return digest.hexdigest()[:12]


def cached_discussion(post_id, page_number, per_page, build, *, replies_open=True):
    """``build()``'s result for this page of the post's discussion, from the cache if fresh.

    The version is read before ``build`` queries the database, so a rendering that races
    with a change is stored under the old version, which no reader asks for again.
    """
    timeout = settings.COMMENTS_CACHE_TIMEOUT
    if timeout <= 0:
        return build()
    key = ":".join(
        (
            "discussion",
            str(post_id),
            str(discussion_version(post_id)),
            str(per_page),
            str(page_number),
            # Closing a post changes no comment (no new version) but removes every Reply link.
            "open" if replies_open else "closed",
            # The page is rendered in the reader's language (labels, dates).
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            _markup_fingerprint(),
        )
    )
    value = cache.get(key)
    if value is None:
        DISCUSSION_CACHE.labels("miss").inc()
        value = build()
        cache.set(key, value, timeout)
    else:
        DISCUSSION_CACHE.labels("hit").inc()
    return value
