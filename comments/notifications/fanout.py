"""Who hears about a newly visible comment, and how.

``comments.events`` enqueues, in the transaction that makes comments visible (a new approved
comment, an approval), one task; in the worker, ``notify_subscribers`` reads the
confirmed subscriptions to each comment's post and to the threads above it (an ancestor's
replies) and queues one mail per address (a reply subscription wins over a post one), except:

- imported comments (an archive's, ``source`` set): never news, even when approved later;
- the comment's own author (by address) and addresses that asked for no mail;
- an address that already has a mail for this comment (the mail's key is
  ``comment:<id>:<address>``: an approval, a removal and a restore send it once);
- an address past ``COMMENTS_NOTIFY_MAX_PER_WINDOW`` mails in the current
  ``COMMENTS_NOTIFY_WINDOW``: its comments are held and sent as one digest when the window ends.
"""

import math
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from ..delivery import Delivery
from ..models import Comment
from . import sending
from .models import OutgoingMail, Subscription, Suppression, normalize_email


def notify_subscribers(comment_ids):
    # Imported comments (``source`` set) are old news: approving one later mails nobody.
    comments = (
        Comment.objects.visible()
        .comments()
        .filter(pk__in=comment_ids, source="")
        .select_related("post")
        .order_by("pk")
    )
    for comment in comments:
        notify_comment(comment)


def _window_end(now):
    window = settings.COMMENTS_NOTIFY_WINDOW
    return datetime.fromtimestamp(math.floor(now.timestamp() / window + 1) * window, tz=UTC)


def _recent_counts(emails, now):
    """Mails (single or digest) each address was sent or will be sent in the last window."""
    since = now - timedelta(seconds=settings.COMMENTS_NOTIFY_WINDOW)
    return dict(
        OutgoingMail.objects.filter(
            to__in=emails,
            created_at__gte=since,
            kind__in=[OutgoingMail.Kind.COMMENT, OutgoingMail.Kind.DIGEST],
        )
        .exclude(status__in=[Delivery.Status.HELD, Delivery.Status.CANCELLED])
        .values_list("to")
        .annotate(n=Count("pk"))
        .values_list("to", "n")
    )


def _digest_for(email, now):
    """The digest that ends the current window for ``email`` (queued on first need)."""
    end = _window_end(now)
    key = f"digest:{email}:{end:%Y%m%dT%H%M%S}"
    sending.queue(key=key, kind=OutgoingMail.Kind.DIGEST, to=email, run_after=end)
    return OutgoingMail.objects.get(key=key)


def subscriptions_for(comment):
    """The confirmed subscriptions that want ``comment``, one per address: the post's, and
    those to the replies under any of its ancestors (preferred: the mail says "a reply")."""
    wanted = Q(post_id=comment.post_id, thread__isnull=True)
    if comment.parent_id is not None:
        wanted |= Q(
            thread__tree_id=comment.tree_id,
            thread__lft__lt=comment.lft,
            thread__rght__gt=comment.rght,
        )
    rows = (
        Subscription.objects.filter(wanted, status=Subscription.Status.CONFIRMED)
        .exclude(email=normalize_email(comment.author_email))
        .exclude(email__in=Suppression.objects.values("email"))
        .order_by("pk")
    )
    chosen = {}
    for sub in rows:
        if sub.email not in chosen or (sub.thread_id and not chosen[sub.email].thread_id):
            chosen[sub.email] = sub
    return sorted(chosen.values(), key=lambda sub: sub.pk)


@transaction.atomic
def notify_comment(comment):
    now = timezone.now()
    subscriptions = subscriptions_for(comment)
    if not subscriptions:
        return 0
    keys = {sub.email: f"comment:{comment.pk}:{sub.email}" for sub in subscriptions}
    done = set(OutgoingMail.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    todo = [sub for sub in subscriptions if keys[sub.email] not in done]
    counts = _recent_counts([sub.email for sub in todo], now)
    queued = []
    for sub in todo:
        sub.post = comment.post
        if counts.get(sub.email, 0) >= settings.COMMENTS_NOTIFY_MAX_PER_WINDOW:
            OutgoingMail.objects.get_or_create(
                key=keys[sub.email],
                defaults={
                    "kind": OutgoingMail.Kind.COMMENT,
                    "to": sub.email,
                    "status": Delivery.Status.HELD,
                    "comment": comment,
                    "subscription": sub,
                    "digest": _digest_for(sub.email, now),
                },
            )
            continue
        # The text is written when the mail is sent (``sending``), once per comment and batch.
        queued.append(
            OutgoingMail(
                key=keys[sub.email],
                kind=OutgoingMail.Kind.COMMENT,
                to=sub.email,
                comment=comment,
                subscription=sub,
                next_attempt_at=now,
                created_at=now,
            )
        )
    # One insert; a row another run of this task made meanwhile is skipped (same key), and
    # only the rows this run made are enqueued.
    OutgoingMail.objects.bulk_create(queued, ignore_conflicts=True, batch_size=500)
    made = OutgoingMail.objects.filter(
        key__in=[row.key for row in queued], created_at=now, attempts=0
    ).values_list("pk", flat=True)
    made = sorted(made)
    sending.enqueue_batches(made)
    return len(made)
