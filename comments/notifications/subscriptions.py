"""Subscribing to a post's new comments (double opt-in) and leaving again."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from ..delivery import Delivery
from . import mail, sending
from .models import OutgoingMail, Subscription, Suppression, normalize_email


@transaction.atomic
def subscription_request(*, post, email, now=None):
    """Ask ``email`` to confirm a subscription to ``post``'s new comments.

    Sends nothing to an address that is already subscribed, that asked for no mail, or that
    was sent a confirmation for this post, or ``COMMENTS_NOTIFY_CONFIRM_MAX_PER_ADDRESS`` for
    any posts, within ``COMMENTS_NOTIFY_CONFIRM_INTERVAL`` seconds.
    Returns the subscription (None for no address or a suppressed one).
    """
    email = normalize_email(email)
    if not email or Suppression.objects.filter(email=email).exists():
        return None
    now = now or timezone.now()
    subscription, _ = Subscription.objects.get_or_create(post=post, email=email)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status == Subscription.Status.CONFIRMED:
        return subscription
    interval = timedelta(seconds=settings.COMMENTS_NOTIFY_CONFIRM_INTERVAL)
    sent = subscription.confirmation_sent_at
    if sent is not None and now - sent < interval:
        return subscription
    recent = Subscription.objects.filter(email=email, confirmation_sent_at__gt=now - interval)
    if recent.count() >= settings.COMMENTS_NOTIFY_CONFIRM_MAX_PER_ADDRESS:
        return subscription
    subscription.status = Subscription.Status.PENDING
    subscription.confirmation_sent_at = now
    subscription.language = translation.get_language() or ""
    subscription.save(update_fields=["status", "confirmation_sent_at", "language"])
    subscription.post = post
    subject, body, headers = mail.confirmation(subscription)
    sending.queue(
        key=f"confirm:{subscription.pk}:{now.timestamp():.6f}",
        kind=OutgoingMail.Kind.CONFIRMATION,
        to=email,
        subject=subject,
        body=body,
        headers=headers,
        subscription=subscription,
    )
    return subscription


def _subscription(subscription_id, email):
    return (
        Subscription.objects.select_for_update()
        .select_related("post")
        .filter(pk=subscription_id, email=normalize_email(email))
        .first()
    )


@transaction.atomic
def subscription_confirm(*, subscription_id, email):
    """Confirm a pending subscription; None if it no longer waits for confirmation."""
    subscription = _subscription(subscription_id, email)
    if subscription is None or subscription.status == Subscription.Status.UNSUBSCRIBED:
        return None
    if subscription.status == Subscription.Status.PENDING:
        subscription.status = Subscription.Status.CONFIRMED
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["status", "confirmed_at"])
    return subscription


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
