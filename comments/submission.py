"""One-time keys for the public comment form, so one form never creates two comments.

Every rendered form carries a signed random key. The comment it creates stores the key under a
unique constraint, so a double click or a re-sent form finds the existing comment (and the
reader is sent to it) instead of adding a second one, even when both requests race.
"""

import secrets
import time

from django.conf import settings
from django.core import signing

from .models import Comment

SALT = "comments.submission"


def new_form_token():
    """A fresh signed token for one rendered comment form."""
    return signing.dumps(secrets.token_hex(16), salt=SALT, compress=False)


def key_from_token(token):
    """The submission key inside ``token``, or None if it is forged, mangled or too old."""
    try:
        key = signing.loads(token, salt=SALT, max_age=settings.COMMENTS_FORM_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(key, str) or not 0 < len(key) <= 64:
        return None
    return key


def seconds_since_signed(token):
    """How long ago a (valid) token was signed: how long the form was open. None if unknown."""
    try:
        timestamp = signing.b62_decode(token.rsplit(":", 2)[-2])
    except (ValueError, IndexError, AttributeError):
        return None
    return max(0.0, time.time() - timestamp)


def comment_for_key(key):
    """The comment an earlier submission of the same form created, if any."""
    if not key:
        return None
    # One at most: the key is unique.
    return Comment.objects.filter(submission_key=key).order_by().first()


def is_same_submission(comment, *, post, author_name, body):
    """A re-sent form, as opposed to a new comment typed into a reused (e.g. cached) form."""
    return comment.post_id == post.pk and (comment.author_name, comment.body) == (
        author_name,
        body,
    )
