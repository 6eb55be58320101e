"""Subscribing to a post's new comments (double opt-in) and leaving again."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from ..delivery import Delivery
from . import mail, sending
from .models import OutgoingMail, Subscription, Suppression, normalize_email


def address_confirmed(email):
    """Whether ``email`` has followed a confirmation link once (double opt-in is per address)."""
    return Subscription.objects.filter(
        email=normalize_email(email), confirmed_at__isnull=False
    ).exists()


@transaction.atomic
def subscription_request(*, post, email, thread=None, now=None):
    """Subscribe ``email`` to ``post``'s new comments, or with ``thread`` (a comment) to the
    replies anywhere under that comment.

    An address that has confirmed once is subscribed at once. Otherwise the subscription waits
    for confirmation, and the address is sent one confirmation mail, whose link confirms every
    subscription it asked for meanwhile; a request for an address that was sent one within
    ``COMMENTS_NOTIFY_CONFIRM_INTERVAL`` seconds sends nothing. Nothing is sent to an address
    that asked for no mail. Returns the subscription (None for no address or a suppressed one).
    """
    email = normalize_email(email)
    if not email or Suppression.objects.filter(email=email).exists():
        return None
    now = now or timezone.now()
    if thread is not None:
        subscription, _ = Subscription.objects.get_or_create(
            thread=thread, email=email, defaults={"post": post}
        )
    else:
        subscription, _ = Subscription.objects.get_or_create(post=post, email=email, thread=None)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status == Subscription.Status.CONFIRMED:
        return subscription
    if address_confirmed(email):
        subscription.status = Subscription.Status.CONFIRMED
        subscription.confirmed_at = now
        subscription.language = translation.get_language() or ""
        subscription.save(update_fields=["status", "confirmed_at", "language"])
        return subscription
    subscription.status = Subscription.Status.PENDING
    subscription.language = translation.get_language() or ""
    subscription.save(update_fields=["status", "language"])
    interval = timedelta(seconds=settings.COMMENTS_NOTIFY_CONFIRM_INTERVAL)
    recent = Subscription.objects.filter(email=email, confirmation_sent_at__gt=now - interval)
    if recent.exists():
        return subscription  # one confirmation mail per address and interval
    subscription.confirmation_sent_at = now
    subscription.save(update_fields=["confirmation_sent_at"])
    subscription.post = post
    subject, body, html, headers = mail.confirmation(subscription)
    sending.queue(
        key=f"confirm:{email}:{now.timestamp():.6f}",
        kind=OutgoingMail.Kind.CONFIRMATION,
        to=email,
        subject=subject,
        body=body,
        html=html,
        headers=headers,
        subscription=subscription,
    )
    return subscription


def _named_by_link(subscription_id, email):
    """The subscription a mail's link names, with its post (a query of at most one row)."""
    return Subscription.objects.select_related("post").filter(
        pk=subscription_id, email=normalize_email(email)
    )


def subscription_of_link(*, subscription_id, email):
    """The subscription a mail's link names, to say what a button would end; None if it is
    gone. Reads only: opening a link changes nothing."""
    return _named_by_link(subscription_id, email).first()


def address_suppressed(*, email):
    """Whether ``email`` asked for no mail at all ("stop all mail")."""
    return Suppression.objects.filter(email=normalize_email(email)).exists()


def subscriptions_waiting(*, email):
    """What confirming ``email`` would start: its subscriptions waiting for confirmation, in
    the order they were asked for, with their posts."""
    return list(
        Subscription.objects.select_related("post")
        .filter(email=normalize_email(email), status=Subscription.Status.PENDING)
        .order_by("created_at", "pk")
    )


def _subscription(subscription_id, email):
    return _named_by_link(subscription_id, email).select_for_update().first()


@transaction.atomic
def subscription_confirm(*, subscription_id, email):
    """Confirm the address of a subscription: it and every other subscription of that address
    still waiting start. Returns the link's subscription and the subscriptions this started
    (none when the address was confirmed already); None if the subscription is gone or ended.
    """
    subscription = _subscription(subscription_id, email)
    if subscription is None or subscription.status == Subscription.Status.UNSUBSCRIBED:
        return None
    started = list(
        Subscription.objects.select_for_update(of=("self",))
        .select_related("post")
        .filter(email=subscription.email, status=Subscription.Status.PENDING)
        .order_by("created_at", "pk")
    )
    now = timezone.now()
    Subscription.objects.filter(pk__in=[waiting.pk for waiting in started]).update(
        status=Subscription.Status.CONFIRMED, confirmed_at=now
    )
    subscription.refresh_from_db()
    return subscription, started


def _cancel_waiting(mails):
    mails.filter(status__in=[Delivery.Status.PENDING, Delivery.Status.HELD]).update(
        status=Delivery.Status.CANCELLED, finished_at=timezone.now()
    )


@transaction.atomic
def subscription_cancel(*, subscription_id, email):
    """Unsubscribe; mail not yet sent for the subscription is dropped. None if unknown."""
    subscription = _subscription(subscription_id, email)
    if subscription is None:
        return None
    if subscription.status != Subscription.Status.UNSUBSCRIBED:
        subscription.status = Subscription.Status.UNSUBSCRIBED
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["status", "unsubscribed_at"])
    _cancel_waiting(OutgoingMail.objects.filter(subscription=subscription))
    return subscription


@transaction.atomic
def address_suppress(*, email):
    """Stop all mail to ``email``: every subscription ends, nothing queued is sent."""
    email = normalize_email(email)
    Suppression.objects.get_or_create(email=email)
    Subscription.objects.filter(email=email).exclude(
        status=Subscription.Status.UNSUBSCRIBED
    ).update(status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    _cancel_waiting(OutgoingMail.objects.filter(to=email))
    return email
