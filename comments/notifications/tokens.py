"""Signed, expiring, single-purpose tokens for the links in notification mail.

Each purpose has its own salt, so a confirmation token never unsubscribes and the other way
round. A token names a subscription and is bound to its address by a keyed digest, so that it
is only valid for that pair without carrying the address: a link's URL ends up in browser
histories, access logs and mail scanners, and signing (base64 JSON) hides nothing. Tokens
mailed while they still carried the address (``"e"``) stay valid until they expire.
"""

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import Subscription, normalize_email

CONFIRM = "comments.notifications.confirm"
UNSUBSCRIBE = "comments.notifications.unsubscribe"
DIGEST_LENGTH = 16  # hex digits: only a binding, the signature is what cannot be forged


def _max_age(purpose):
    if purpose == CONFIRM:
        return settings.COMMENTS_NOTIFY_CONFIRM_MAX_AGE
    return settings.COMMENTS_NOTIFY_UNSUBSCRIBE_MAX_AGE


def _address_digest(email):
    digest = salted_hmac("comments.notifications.address", normalize_email(email))
    return digest.hexdigest()[:DIGEST_LENGTH]


def make_token(purpose, subscription):
    return signing.dumps(
        {"s": subscription.pk, "h": _address_digest(subscription.email)}, salt=purpose
    )


def read_token(purpose, token):
    """``(subscription id, email)`` from a valid, unexpired token of ``purpose`` whose
    subscription still has the address it was made for; else None."""
    try:
        data = signing.loads(token, salt=purpose, max_age=_max_age(purpose))
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        return None
    if isinstance(data.get("e"), str):  # mailed before tokens left the address out
        return data["s"], data["e"]
    digest = data.get("h")
    if not isinstance(digest, str):
        return None
    email = Subscription.objects.filter(pk=data["s"]).values_list("email", flat=True).first()
    if email is None or not constant_time_compare(_address_digest(email), digest):
        return None
    return data["s"], email
