"""Versioned cache keys for a post's rendered discussion.

Any change to a post's comments bumps the post's version, so every cached rendering of the
old discussion is bypassed at once (and expires on its own).
"""

from django.core.cache import cache

VERSION_TIMEOUT = None  # versions never expire; rendered discussions do.


def _version_key(post_id):
    return f"discussion:version:{post_id}"


def discussion_version(post_id):
    version = cache.get(_version_key(post_id))
    if version is None:
        version = 1
        cache.add(_version_key(post_id), version, VERSION_TIMEOUT)
    return version


def discussion_changed(post_id):
    """Call (on commit) whenever a post's comments change."""
    try:
        cache.incr(_version_key(post_id))
    except ValueError:
        cache.set(_version_key(post_id), 2, VERSION_TIMEOUT)
