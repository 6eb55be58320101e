"""Subscriptions to a post's new comments, addresses that want no mail, and the mail queue."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ..delivery import Delivery


def normalize_email(email):
    """Addresses are compared and stored lower-cased and stripped."""
    return (email or "").strip().lower()


class Subscription(models.Model):
    """An address that asked for mail about new comments on one post, or (with ``thread``)
    about replies anywhere under one comment of theirs.

    Double opt-in is per address: the first subscription of an address waits for the link in
    its confirmation mail; once an address has confirmed, its later subscriptions start at once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    post = models.ForeignKey(
        settings.COMMENTS_POST_MODEL,
        on_delete=models.CASCADE,
        related_name="comment_subscriptions",
        verbose_name=_("post"),
    )
    # Set for a subscription to the replies under this comment (the subscriber's own).
    thread = models.ForeignKey(
        "comments.Comment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replies to"),
    )
    email = models.EmailField(_("email"), max_length=254)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    # The language the page was shown in when subscribing: the mail is written in it.
    language = models.CharField(_("language"), max_length=15, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "email"],
                condition=models.Q(thread__isnull=True),
                name="subscription_unique_address",
            ),
            models.UniqueConstraint(
                fields=["thread", "email"],
                condition=models.Q(thread__isnull=False),
                name="subscription_unique_thread",
            ),
        ]
        indexes = [models.Index(fields=["email"], name="subscription_email_idx")]

    def __str__(self):
        # Ids, not the post's title: the admin shows many of these (a deletion's summary).
        if self.thread_id:
            return gettext("%(email)s: replies to comment #%(comment)s") % {
                "email": self.email,
                "comment": self.thread_id,
            }
        return gettext("%(email)s: new comments on post #%(post)s") % {
            "email": self.email,
            "post": self.post_id,
        }


class Suppression(models.Model):
    """An address that asked for no mail at all from the site ("stop all mail")."""

    email = models.EmailField(_("email"), max_length=254, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("address that gets no mail")
        verbose_name_plural = _("addresses that get no mail")

    def __str__(self):
        return self.email


class OutgoingMail(Delivery):
    """One mail to one address, sent by the worker (``comments.delivery``)."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirm", _("Subscription confirmation")
        COMMENT = "comment", _("New comment")
        DIGEST = "digest", _("Digest of new comments")
        MODERATOR = "moderator", _("Moderator alert")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    to = models.EmailField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"), blank=True)
    html = models.TextField(_("HTML body"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    comment = models.ForeignKey(
        "comments.Comment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("comment"),
    )
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("subscription"),
    )
    # A comment held back by the per-address cap: the digest that will carry it.
    digest = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="held",
        verbose_name=_("digest"),
    )

    CONTENTS = {"body": "", "html": "", "headers": {}}

    class Meta:
        verbose_name = _("outgoing mail")
        # The same word in English; in German the plural has its own ending.
        verbose_name_plural = pgettext_lazy("plural", "outgoing mail")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="mail_due_idx"),
            models.Index(fields=["to", "-created_at"], name="mail_address_recent_idx"),
            # The sweep's search for contents to empty: only rows still holding them.
            models.Index(
                fields=["finished_at"],
                condition=models.Q(status__in=["sent", "cancelled"]) & ~models.Q(body=""),
                name="mail_contents_kept_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.to}"


class ModeratorAlerts(models.Model):
    """How a staff user wants to hear about comments waiting for moderation (opt-in)."""

    class Frequency(models.TextChoices):
        OFF = "off", _("No alerts")
        BATCHED = "batched", _("Soon after comments arrive, several in one mail")
        DAILY = "daily", _("One mail a day")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="moderator_alerts",
        verbose_name=_("user"),
    )
    frequency = models.CharField(
        _("alerts"), max_length=10, choices=Frequency.choices, default=Frequency.BATCHED
    )

    class Meta:
        verbose_name = _("moderator alert setting")
        verbose_name_plural = _("moderator alert settings")

    def __str__(self):
        return f"{self.user} ({self.get_frequency_display()})"
