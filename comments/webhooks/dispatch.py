"""Which webhook events a decision about comments causes, and what they say.

Events: ``comment.created`` (a new comment, whatever its status: published, held or spam;
the payload says which), ``comment.approved``, ``comment.spam`` (marked as spam) and
``comment.removed`` (moderation decisions). ``comments.events`` enqueues, in the decision's
transaction, the one task that (only when ``COMMENTS_WEBHOOKS`` names endpoints for the event)
writes one delivery per endpoint and event. Its key includes a random id made at enqueue time,
so a task that runs twice (a killed worker) writes nothing twice, while a later decision (a
restore) is an event of its own.
"""

import json
import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from ..models import Comment
from ..notifications.mail import absolute
from .models import WebhookDelivery
from .sending import enqueue_webhook

CREATED = "comment.created"
APPROVED = "comment.approved"
SPAM = "comment.spam"
REMOVED = "comment.removed"
EVENTS = (CREATED, APPROVED, SPAM, REMOVED)
# The status a decision's event reports (the comment's own may have changed since).
STATUS_AFTER = {
    APPROVED: Comment.Status.APPROVED,
    SPAM: Comment.Status.SPAM,
    REMOVED: Comment.Status.REMOVED,
}


def event_for_status(status):
    """The event of a moderation decision setting ``status`` (None: sending back to pending)."""
    return {
        Comment.Status.APPROVED: APPROVED,
        Comment.Status.SPAM: SPAM,
        Comment.Status.REMOVED: REMOVED,
    }.get(Comment.Status(status))


def endpoints(event):
    return [hook for hook in settings.COMMENTS_WEBHOOKS if event in hook.get("events", EVENTS)]


def payload(event, comment, delivery_id, status=None):
    return {
        "event": event,
        "delivery": str(delivery_id),
        "sent_at": timezone.now(),
        "comment": {
            "id": comment.pk,
            "post": {"id": comment.post_id, "title": comment.post.title,
                     "url": absolute(comment.post.get_absolute_url())},
            "parent": comment.parent_id,
            "author_name": comment.author_name,
            "author_url": comment.author_url,
            "body": comment.body,
            "status": status or STATUS_AFTER.get(event, comment.status),
            "kind": comment.kind,
            "created_at": comment.created_at,
            "url": absolute(comment.get_absolute_url()),
        },
    }  # fmt: skip


@transaction.atomic
def dispatch(event, comment_ids, decision, status=None):
    """Write (and enqueue) one delivery per endpoint for each comment."""
    comments = Comment.objects.filter(pk__in=comment_ids).select_related("post").order_by("pk")
    for comment in comments:
        for hook in endpoints(event):
            key = f"{event}:{comment.pk}:{hook['url']}:{decision}"
            if WebhookDelivery.objects.filter(key=key).exists():
                continue
            delivery_id = uuid.uuid4()
            body = json.dumps(payload(event, comment, delivery_id, status), cls=DjangoJSONEncoder)
            row = WebhookDelivery.objects.create(
                key=key, delivery_id=delivery_id, url=hook["url"], event=event, body=body
            )
            enqueue_webhook(row.pk)
