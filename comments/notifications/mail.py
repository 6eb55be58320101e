"""What notification mail says, and sending one queued mail.

Texts are templates under ``templates/comments/notifications/mail/``, rendered in the language
the subscriber used when subscribing (else the site's ``LANGUAGE_CODE``: the worker has no
request). Links are absolute (``SITE_URL``).
"""

import hashlib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator

from . import tokens
from .models import OutgoingMail

ONE_CLICK = "List-Unsubscribe=One-Click"  # RFC 8058


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def confirm_url(subscription):
    token = tokens.make_token(tokens.CONFIRM, subscription)
    return absolute(reverse("comments:subscription_confirm", kwargs={"token": token}))


def unsubscribe_url(subscription, *, everything=False):
    token = tokens.make_token(tokens.UNSUBSCRIBE, subscription)
    url = absolute(reverse("comments:unsubscribe", kwargs={"token": token}))
    return f"{url}?all=1" if everything else url


def _render(name, context, language=""):
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"comments/notifications/mail/{name}_subject.txt", context)
        body = render_to_string(f"comments/notifications/mail/{name}_body.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def _unsubscribe_headers(url):
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": ONE_CLICK}


def confirmation(subscription):
    """Subject, body and headers of the mail that confirms a subscription."""
    days = max(1, settings.COMMENTS_NOTIFY_CONFIRM_MAX_AGE // 86400)
    context = {
        "post": subscription.post,
        "confirm_url": confirm_url(subscription),
        "max_age_days": days,
    }
    return (*_render("confirm", context, subscription.language), {})


def new_comment(comment, subscription):
    """Subject, body and headers of the mail about one new comment."""
    unsubscribe = unsubscribe_url(subscription)
    context = {
        "post": comment.post,
        "comment": comment,
        "comment_url": absolute(comment.get_absolute_url()),
        "unsubscribe_url": unsubscribe,
    }
    return (*_render("comment", context, subscription.language), _unsubscribe_headers(unsubscribe))


def digest(held, to):
    """Subject, body and headers of one mail for the comments held back for ``to``."""
    items = [
        {
            "comment": mail.comment,
            "excerpt": Truncator(mail.comment.body).chars(300),
            "url": absolute(mail.comment.get_absolute_url()),
            "unsubscribe_url": unsubscribe_url(mail.subscription),
        }
        for mail in held
    ]
    stop_all = unsubscribe_url(held[-1].subscription, everything=True)
    context = {"comments": items, "stop_all_url": stop_all}
    language = held[-1].subscription.language
    return (*_render("digest", context, language), _unsubscribe_headers(stop_all))


def moderator_alert(comments, *, total, daily):
    """Subject, body and headers of an alert about comments waiting for moderation."""
    queue = reverse("admin:comments_comment_changelist") + "?status__exact=pending"
    context = {
        "comments": [
            {
                "comment": comment,
                "excerpt": Truncator(comment.body).chars(200),
                "url": absolute(reverse("admin:comments_comment_change", args=[comment.pk])),
            }
            for comment in comments
        ],
        "total": total,
        "more": total - len(comments),
        "daily": daily,
        "queue_url": absolute(queue),
        "settings_url": absolute(reverse("admin:comments_moderatoralerts_changelist")),
    }
    return (*_render("moderator", context), {})


def message_id(key):
    """The same Message-ID on every attempt: a receiver can drop a repeated delivery."""
    digest_hex = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"<{digest_hex}@{domain or 'localhost'}>"


def send(mail: OutgoingMail, connection=None):
    """Send one queued mail through the configured backend (raises on failure)."""
    message = EmailMessage(
        subject=mail.subject,
        body=mail.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to],
        headers={**mail.headers, "Message-ID": message_id(mail.key)},
        connection=connection or get_connection(fail_silently=False),
    )
    message.send(fail_silently=False)
