"""Signed, expiring, single-purpose tokens for the links in notification mail.

Each purpose has its own salt, so a confirmation token never unsubscribes and the other way
round. A token names a subscription and its address; it is only valid for that pair.
"""

from django.conf import settings
from django.core import signing

CONFIRM = "comments.notifications.confirm"
UNSUBSCRIBE = "comments.notifications.unsubscribe"


def _max_age(purpose):
    if purpose == CONFIRM:
        return settings.COMMENTS_NOTIFY_CONFIRM_MAX_AGE
    return settings.COMMENTS_NOTIFY_UNSUBSCRIBE_MAX_AGE


def make_token(purpose, subscription):
    return signing.dumps({"s": subscription.pk, "e": subscription.email}, salt=purpose)


def read_token(purpose, token):
    """``(subscription id, email)`` from a valid, unexpired token of ``purpose``; else None."""
    try:
        data = signing.loads(token, salt=purpose, max_age=_max_age(purpose))
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        return None
    email = data.get("e")
    return (data["s"], email) if isinstance(email, str) else None
