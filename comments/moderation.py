"""Moderation policy: whether a post takes comments, and which status a new comment starts with.

Settings (declared with their defaults in ``blogapp/settings/base.py``, listed in the README):

- ``COMMENTS_MODERATION``: ``"none"`` (publish at once), ``"first_time"`` (hold a comment unless
  its email already has an approved comment) or ``"all"`` (hold every comment).
- ``COMMENTS_MAX_LINKS``: hold a comment with more links than this; ``None`` turns the check off.
- ``COMMENTS_CLOSE_AFTER_DAYS``: refuse new comments on posts published more than this many
  days ago; ``None`` (the default) never closes a post by age.

A post's own ``comments_open`` switch always applies as well.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .models import Comment

HOLD_NONE = "none"
HOLD_FIRST_TIME = "first_time"
HOLD_ALL = "all"
POLICIES = (HOLD_NONE, HOLD_FIRST_TIME, HOLD_ALL)

# What a reader's browser would turn into a link in plain comment text (see comments/text.py,
# which linkifies with Django's urlize): explicit schemes and bare "www." addresses.
LINK_PATTERN = re.compile(r"(?:\bhttps?://|\bwww\.)\S", re.IGNORECASE)


def moderation_policy():
    policy = settings.COMMENTS_MODERATION
    if policy not in POLICIES:
        raise ImproperlyConfigured(
            f"COMMENTS_MODERATION must be one of {', '.join(POLICIES)}; got {policy!r}."
        )
    return policy


def max_links():
    return settings.COMMENTS_MAX_LINKS


def close_after_days():
    return settings.COMMENTS_CLOSE_AFTER_DAYS


def post_accepts_comments(post, *, now=None):
    """Whether ``post`` takes new comments: published, switched open, and not too old."""
    if not post.is_published or not post.comments_open:
        return False
    days = close_after_days()
    if days is None:
        return True
    return post.published_at > (now or timezone.now()) - timedelta(days=days)


def count_links(text):
    return len(LINK_PATTERN.findall(text))


def is_known_commenter(author_email):
    """An email with at least one approved comment (compared case-insensitively)."""
    if not author_email:
        return False
    return Comment.objects.visible().filter(author_email__iexact=author_email).exists()


def initial_status(*, author_email, body, known_commenter=None):
    """Status for a comment written through the public form.

    ``known_commenter``: ``is_known_commenter(author_email)`` if the caller has asked already.
    """
    policy = moderation_policy()
    if policy == HOLD_ALL:
        return Comment.Status.PENDING
    limit = max_links()
    if limit is not None and count_links(body) > limit:
        return Comment.Status.PENDING
    if known_commenter is None and policy == HOLD_FIRST_TIME:
        known_commenter = is_known_commenter(author_email)
    if policy == HOLD_FIRST_TIME and not known_commenter:
        return Comment.Status.PENDING
    return Comment.Status.APPROVED
