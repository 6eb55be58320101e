"""Commenters' personal data: how long an IP address is kept whole, what is stored about an
address (``commenter_data export``), erasing a person from their comments
(``commenter_data erase``, the admin actions), and the note beside the comment form.

What is personal here: a comment's author name, email, website and IP address; the
subscriptions and the outgoing mail of an address; an address's "stop all mail" request.
"""

import ipaddress
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .avatars import neutral_avatar_key
from .cache import discussions_changed
from .locks import lock_threads
from .models import Comment
from .notifications.models import OutgoingMail, Subscription, Suppression, normalize_email
from .webhooks.models import WebhookDelivery

logger = logging.getLogger(__name__)

IPV4_PREFIX = 24
IPV6_PREFIX = 48
BATCH_SIZE = 1000  # rows a retention step changes in one short transaction
BATCHES_PER_SWEEP = 20  # a sweep does at most this many batches of each; the next goes on


def reduced_ip(address):
    """The network an address belongs to, as an address: IPv4 /24, IPv6 /48
    (``203.0.113.77`` → ``203.0.113.0``, ``2001:db8:1:2::5`` → ``2001:db8:1::``)."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:  # an IPv4 client seen through IPv6
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def _reduce_ip_batch(cutoff, batch_size):
    with transaction.atomic():
        rows = list(
            Comment.objects.filter(
                ip_address__isnull=False, ip_reduced=False, created_at__lt=cutoff
            )
            .order_by("created_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", "ip_address")[:batch_size]
        )
        if rows:
            field = Comment._meta.get_field("ip_address")
            shortened = (When(pk=pk, then=Value(reduced_ip(ip), field)) for pk, ip in rows)
            Comment.objects.filter(pk__in=[pk for pk, _ip in rows]).update(
                ip_address=Case(*shortened, output_field=field), ip_reduced=True
            )
    return len(rows)


def _in_batches(step, batch_size, max_batches):
    """Run ``step(batch_size)`` (which returns how many rows it changed) until a batch comes
    back short or ``max_batches`` ran; return the rows changed in all."""
    total = 0
    for _batch in range(max_batches):
        done = step(batch_size)
        total += done
        if done < batch_size:
            break
    return total


def reduce_old_ips(*, now=None, batch_size=BATCH_SIZE, max_batches=BATCHES_PER_SWEEP):
    """Shorten the IP address of every comment older than ``COMMENTS_IP_RETENTION_DAYS``;
    return how many were shortened. Each batch is its own short transaction (rows another
    worker is shortening are skipped); a shortened address is marked and never read again,
    so running it twice changes nothing. Served by ``comment_whole_ip_idx``."""
    days = settings.COMMENTS_IP_RETENTION_DAYS
    if days is None:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    total = _in_batches(lambda size: _reduce_ip_batch(cutoff, size), batch_size, max_batches)
    if total:
        logger.info("Shortened the IP addresses of %d comments older than %d days.", total, days)
    return total


def _empty_delivery_batch(model, cutoff, batch_size):
    with transaction.atomic():
        ids = list(
            model.objects.filter(
                status__in=[model.Status.SENT, model.Status.CANCELLED], finished_at__lt=cutoff
            )
            .exclude(body="")
            .order_by("finished_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:batch_size]
        )
        model.objects.filter(pk__in=ids).update(**model.CONTENTS)
    return len(ids)


def empty_old_deliveries(*, now=None, batch_size=BATCH_SIZE, max_batches=BATCHES_PER_SWEEP):
    """Empty the contents (``Delivery.CONTENTS``: a mail's text with its signed links and its
    headers, a webhook call's payload) of every mail or call sent or cancelled more than
    ``COMMENTS_DELIVERY_CONTENT_RETENTION_DAYS`` ago; return how many. The row stays, so the
    log still says what went where and when, and its key still keeps a mail from being sent
    twice. Failed rows keep their contents, to be sent again from the admin. Batched like the
    IP addresses; served by the partial indexes ``*_contents_kept_idx``."""
    days = settings.COMMENTS_DELIVERY_CONTENT_RETENTION_DAYS
    if days is None:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    total = sum(
        _in_batches(
            lambda size, model=model: _empty_delivery_batch(model, cutoff, size),
            batch_size,
            max_batches,
        )
        for model in (OutgoingMail, WebhookDelivery)
    )
    if total:
        logger.info("Emptied the contents of %d deliveries older than %d days.", total, days)
    return total


# --- One person's data -------------------------------------------------------------------


def _comments_of(email):
    return Comment.objects.filter(author_email__iexact=normalize_email(email))


def commenter_comment_count(email):
    """How many comments were written with ``email`` (as the export and the erasure find them)."""
    return _comments_of(email).count()


def _when(value):
    return value.isoformat() if value else None


def commenter_data(email):
    """Everything stored about ``email``, as plain JSON-ready data: the comments written with
    it, its subscriptions, the mail sent or waiting for it, the webhook payloads about its
    comments, and a "stop all mail" request."""
    address = normalize_email(email)
    comments = _comments_of(address).select_related("post").order_by("created_at", "pk")
    subscriptions = Subscription.objects.filter(email=address).order_by("created_at", "pk")
    mails = OutgoingMail.objects.filter(to__iexact=address).order_by("created_at", "pk")
    suppression = Suppression.objects.filter(email=address).first()
    return {
        "email": address,
        "exported_at": timezone.now().isoformat(),
        "comments": [
            {
                "id": c.pk,
                "url": settings.SITE_URL + c.get_absolute_url(),
                "post": {"id": c.post_id, "title": c.post.title, "slug": c.post.slug},
                "parent_id": c.parent_id,
                "author_name": c.author_name,
                "author_email": c.author_email,
                "author_url": c.author_url,
                "ip_address": c.ip_address,
                "ip_address_shortened": c.ip_reduced,
                "created_at": _when(c.created_at),
                "status": c.status,
                "kind": c.kind,
                "text": c.body,
            }
            for c in comments
        ],
        "subscriptions": [
            {
                "id": s.pk,
                "post_id": s.post_id,
                "replies_to_comment_id": s.thread_id,
                "status": s.status,
                "language": s.language,
                "created_at": _when(s.created_at),
                "confirmation_sent_at": _when(s.confirmation_sent_at),
                "confirmed_at": _when(s.confirmed_at),
                "unsubscribed_at": _when(s.unsubscribed_at),
            }
            for s in subscriptions
        ],
        "mail": [
            {
                "id": m.pk,
                "kind": m.kind,
                "to": m.to,
                "subject": m.subject,
                "text": m.body,
                "status": m.status,
                "attempts": m.attempts,
                "created_at": _when(m.created_at),
                "finished_at": _when(m.finished_at),
            }
            for m in mails
        ],
        "webhook_deliveries": [
            {
                "id": w.pk,
                "event": w.event,
                "endpoint": w.url,
                "status": w.status,
                "created_at": _when(w.created_at),
                "body": json.loads(w.body),
            }
            for w in _webhook_deliveries_of([c.pk for c in comments]).order_by("created_at", "pk")
        ],
        "no_mail_requested_at": _when(suppression.created_at) if suppression else None,
    }


def log_commenter_action(*, user, comment_ids, message):
    """Record a privacy action in the admin history of each comment concerned."""
    if user is None or not comment_ids:
        return
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=list(Comment.objects.filter(pk__in=comment_ids)),
        action_flag=CHANGE,
        change_message=message,
    )


def _webhook_deliveries_of(comment_ids):
    """Webhook deliveries about these comments (their key is ``event:comment_id:url:…``)."""
    deliveries = WebhookDelivery.objects.none()
    ids = sorted(comment_ids)
    for start in range(0, len(ids), 500):
        chunk = "|".join(str(pk) for pk in ids[start : start + 500])
        deliveries |= WebhookDelivery.objects.filter(key__regex=rf"^[^:]+:({chunk}):")
    return deliveries


def _redact_webhook_bodies(comment_ids, *, remove_text):
    """The payloads sent (or to be sent) about these comments carry the author's name,
    website and text: keep them without those."""
    erased = {"author_name": "", "author_url": ""} | ({"body": ""} if remove_text else {})
    for delivery in _webhook_deliveries_of(comment_ids).only("pk", "body"):
        data = json.loads(delivery.body)
        data["comment"].update(erased)
        delivery.body = json.dumps(data)
        delivery.save(update_fields=["body"])


def _scrub_admin_history(comment_ids):
    """Earlier admin history names each comment as it was ("#7 by Alice: …"): name it anew."""
    content_type = ContentType.objects.get_for_model(Comment)
    entries = LogEntry.objects.filter(
        content_type=content_type, object_id__in=[str(pk) for pk in comment_ids]
    )
    named = {int(pk) for pk in entries.values_list("object_id", flat=True).distinct()}
    renamed = Comment.objects.filter(pk__in=named).only("id", "author_name", "body")
    for comment in renamed:
        entries.filter(object_id=str(comment.pk)).update(object_repr=str(comment)[:200])


@transaction.atomic
def commenter_erase(*, email, remove_text=False, user=None, dry_run=False):
    """Remove a person's name, email, website and IP address from every comment written with
    ``email``, and give those comments the neutral avatar of an anonymous one; with
    ``remove_text`` their text too (the comment then shows as "Comment removed." where it has
    visible replies, and disappears where it has none: threads keep their shape). Their
    subscriptions and the mail to the address go; the copies of their
    comments in mail already sent to others are emptied, and the webhook payloads about them
    lose the name and website (and the text). A "stop all mail" request stays, so
    the address is never mailed again.

    Takes the locks of every thread concerned and refreshes those discussions on commit.
    Returns ``{"comments": n, "subscriptions": n, "mails": n}``; ``dry_run`` changes nothing.
    """
    address = normalize_email(email)
    rows = list(_comments_of(address).values_list("pk", "tree_id", "post_id"))
    lock_threads(tree_id for _pk, tree_id, _post in rows)
    # Read again under the locks: a reply may have been stored meanwhile.
    comments = _comments_of(address)
    ids = list(comments.values_list("pk", flat=True))
    subscriptions = Subscription.objects.filter(email=address)
    mails = OutgoingMail.objects.filter(to__iexact=address)
    counts = {"comments": len(ids), "subscriptions": subscriptions.count(), "mails": mails.count()}
    if dry_run:
        return counts

    changes = {
        "author_name": "",
        "author_email": "",
        "author_url": "",
        "ip_address": None,
        # Their avatar was drawn from the address: it would still tie their comments together.
        "avatar_key": neutral_avatar_key(),
    }
    if remove_text:
        changes.update(body="", body_html="", status=Comment.Status.REMOVED)
    Comment.objects.filter(pk__in=ids).update(**changes)
    # Mail about these comments sent to other people carried the name and the text.
    OutgoingMail.objects.filter(Q(comment_id__in=ids) & ~Q(to__iexact=address)).update(
        subject="", body="", html=""
    )
    mails.delete()
    subscriptions.delete()
    _redact_webhook_bodies(ids, remove_text=remove_text)
    _scrub_admin_history(ids)
    discussions_changed(post for _pk, _tree, post in rows)
    message = (
        _("Commenter's personal data and text erased.")
        if remove_text
        else _("Commenter's personal data erased.")
    )
    log_commenter_action(user=user, comment_ids=ids, message=message)
    logger.info(
        "Erased a commenter's personal data%s: %d comments, %d subscriptions, %d mails.",
        " and text" if remove_text else "",
        counts["comments"],
        counts["subscriptions"],
        counts["mails"],
    )
    return counts


def erase_summary(counts):
    """One sentence for the operator or the admin message (each number with its own plural)."""
    erased = ngettext(
        "Erased the personal data of %(count)d comment",
        "Erased the personal data of %(count)d comments",
        counts["comments"],
    ) % {"count": counts["comments"]}
    subscriptions = ngettext(
        "%(count)d subscription", "%(count)d subscriptions", counts["subscriptions"]
    ) % {"count": counts["subscriptions"]}
    mails = ngettext("%(count)d mail", "%(count)d mails", counts["mails"]) % {
        "count": counts["mails"]
    }
    return _("%(erased)s (%(subscriptions)s and %(mails)s deleted).") % {
        "erased": erased,
        "subscriptions": subscriptions,
        "mails": mails,
    }


def privacy_note():
    """The note beside the comment form: ``COMMENTS_PRIVACY_NOTE``, else the default text."""
    if settings.COMMENTS_PRIVACY_NOTE:
        return settings.COMMENTS_PRIVACY_NOTE
    days = settings.COMMENTS_IP_RETENTION_DAYS
    stored = _(
        "Your name, email address and website are stored with your comment; your name and "
        "website are shown with it, your email address never."
    )
    if days is None:
        return " ".join([stored, _("Your IP address is stored to fight abuse.")])
    return " ".join(
        [
            stored,
            ngettext(
                "Your IP address is stored to fight abuse and shortened after %(days)d day.",
                "Your IP address is stored to fight abuse and shortened after %(days)d days.",
                days,
            )
            % {"days": days},
        ]
    )
