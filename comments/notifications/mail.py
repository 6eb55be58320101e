"""What notification mail says, and sending one queued mail.

Texts are templates under ``templates/comments/notifications/mail/``, rendered in the language
the subscriber used when subscribing (else the site's ``LANGUAGE_CODE``: the worker has no
request). Links are absolute (``SITE_URL``).
"""

import hashlib
import secrets

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
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
    """Subject, plain-text body and HTML body of the mail ``name``."""
    context = {**context, "site_url": settings.SITE_URL}
    with translation.override(language or settings.LANGUAGE_CODE):
        context["LANGUAGE_CODE"] = translation.get_language()
        subject = render_to_string(f"comments/notifications/mail/{name}_subject.txt", context)
        subject = " ".join(subject.split())
        body = render_to_string(f"comments/notifications/mail/{name}_body.txt", context)
        # The HTML part's <title> is the subject, as mail programs show it.
        html = render_to_string(
            f"comments/notifications/mail/{name}_body.html", {**context, "subject": subject}
        )
    return subject, body.strip() + "\n", html.strip() + "\n"


def _unsubscribe_headers(url):
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": ONE_CLICK}


def confirmation(subscription):
    """Subject, body, HTML body and headers of the mail that confirms an address."""
    days = max(1, settings.COMMENTS_NOTIFY_CONFIRM_MAX_AGE // 86400)
    context = {
        "post": subscription.post,
        "confirm_url": confirm_url(subscription),
        "max_age_days": days,
    }
    return (*_render("confirm", context, subscription.language), {})


class CommentMail:
    """The mail about one comment, rendered once per kind of subscription and language; each
    recipient's copy only gets its own unsubscribe links filled in (``for_subscription``).

    ``wire`` goes one step further for SMTP: the whole message (headers, both parts) is built
    once by Django's mail classes and flattened, and each copy is those bytes with the
    recipient's address, Message-ID and links put in place of stand-ins. When a stand-in
    does not survive flattening intact (a part that had to be quoted-printable: lines over 998
    bytes), or the address is not ASCII, ``wire`` returns None and the copy is built whole.
    """

    STAND_IN_TO = "recipient@stand-in.invalid"

    def __init__(self, comment):
        self.comment = comment
        self.comment_url = absolute(comment.get_absolute_url())
        self._rendered = {}
        self._wire = {}
        # Unguessable stand-ins for the per-recipient parts, replaced after rendering.
        self._one = f"unsubscribe-{secrets.token_hex(16)}"
        self._all = f"stop-all-{secrets.token_hex(16)}"
        self._id = f"<{secrets.token_hex(16)}@stand-in.invalid>"

    def _texts(self, reply, language):
        key = (reply, language)
        if key not in self._rendered:
            context = {
                "post": self.comment.post,
                "comment": self.comment,
                "comment_url": self.comment_url,
                "reply": reply,
                "unsubscribe_url": self._one,
                "stop_all_url": self._all,
            }
            self._rendered[key] = _render("comment", context, language)
        return self._rendered[key]

    def for_subscription(self, subscription):
        """Subject, body, HTML body and headers of ``subscription``'s copy."""
        subject, body, html = self._texts(subscription.thread_id is not None,
                                          subscription.language)  # fmt: skip
        one = unsubscribe_url(subscription)
        everything = f"{one}?all=1"
        body = body.replace(self._one, one).replace(self._all, everything)
        html = html.replace(self._one, one).replace(self._all, everything)
        return subject, body, html, _unsubscribe_headers(one)

    def _wire_template(self, reply, language):
        subject, body, html = self._texts(reply, language)
        headers = {**_unsubscribe_headers(self._one), "Message-ID": self._id}
        message = EmailMultiAlternatives(subject=subject, body=body,
                                         from_email=settings.DEFAULT_FROM_EMAIL,
                                         to=[self.STAND_IN_TO], headers=headers)  # fmt: skip
        message.attach_alternative(html, "text/html")
        data = message.message().as_bytes(linesep="\r\n")
        expected = {
            self._one: body.count(self._one) + html.count(self._one) + 1,
            self._all: body.count(self._all) + html.count(self._all),
            self.STAND_IN_TO: 1,
            self._id: 1,
        }
        if any(data.count(part.encode()) != count for part, count in expected.items()):
            return None
        return data

    def wire(self, key, to, subscription):
        """The bytes of one copy, ready for SMTP ``DATA``; None: build it whole instead."""
        if not to.isascii():
            return None
        variant = (subscription.thread_id is not None, subscription.language)
        if variant not in self._wire:
            self._wire[variant] = self._wire_template(*variant)
        data = self._wire[variant]
        if data is None:
            return None
        one = unsubscribe_url(subscription)
        return (
            data.replace(self._one.encode(), one.encode())
            .replace(self._all.encode(), f"{one}?all=1".encode())
            .replace(self.STAND_IN_TO.encode(), to.encode())
            .replace(self._id.encode(), message_id(key).encode())
        )


def new_comment(comment, subscription):
    """Subject, body, HTML body and headers of the mail about one new comment."""
    return CommentMail(comment).for_subscription(subscription)


def digest(held, to):
    """Subject, body, HTML body and headers of one mail for the comments held back for ``to``."""
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
    """Subject, body, HTML body and headers of an alert about comments waiting for moderation:
    each comment with links to approve it or mark it as spam (an admin page asks to confirm)."""
    queue = reverse("admin:comments_comment_changelist") + "?status__exact=pending"

    def decide(comment, decision):
        return absolute(reverse("admin:comments_comment_decide", args=[comment.pk, decision]))

    context = {
        "comments": [
            {
                "comment": comment,
                "excerpt": Truncator(comment.body).chars(200),
                "url": absolute(reverse("admin:comments_comment_change", args=[comment.pk])),
                "approve_url": decide(comment, "approve"),
                "spam_url": decide(comment, "spam"),
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


def message(mail: OutgoingMail, connection=None):
    """The message for one queued mail: a plain-text part and, when written, an HTML one."""
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to],
        headers={**mail.headers, "Message-ID": message_id(mail.key)},
        connection=connection,
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    return message


def send(mail: OutgoingMail, connection=None):
    """Send one queued mail through the configured backend (raises on failure)."""
    connection = connection or get_connection(fail_silently=False)
    message(mail, connection).send(fail_silently=False)
