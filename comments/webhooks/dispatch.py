"""Which webhook events a decision about comments causes, and what they say.

Events: ``comment.published`` (a comment became visible: published at once or approved),
``comment.held`` (a new comment waits for moderation), ``comment.hidden`` (removed or marked
as spam). ``comments_changed`` runs in the decision's transaction and enqueues one task, only
when ``COMMENTS_WEBHOOKS`` names endpoints; the task writes one delivery per endpoint and
event. Its key includes a random id made at enqueue time, so a task that runs twice (a killed
worker) writes nothing twice, while a later decision (a restore) is an event of its own.
"""

import json
import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .. import tasks
from ..models import Comment
from .models import WebhookDelivery

PUBLISHED = "comment.published"
HELD = "comment.held"
HIDDEN = "comment.hidden"
EVENTS = (PUBLISHED, HELD, HIDDEN)


def event_for_status(status):
    return {
        Comment.Status.APPROVED: PUBLISHED,
        Comment.Status.PENDING: HELD,
        Comment.Status.REMOVED: HIDDEN,
        Comment.Status.SPAM: HIDDEN,
    }[Comment.Status(status)]


def endpoints(event):
    return [hook for hook in settings.COMMENTS_WEBHOOKS if event in hook.get("events", EVENTS)]


def comments_changed(event, comment_ids):
    """Call inside the transaction of the decision; enqueues nothing without endpoints."""
    ids = sorted({int(pk) for pk in comment_ids})
    if ids and endpoints(event):
        tasks.dispatch_webhooks.enqueue(event, ids, uuid.uuid4().hex)


def payload(event, comment, delivery_id):
    from ..notifications.mail import absolute

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
            "status": comment.status,
            "kind": comment.kind,
            "created_at": comment.created_at,
            "url": absolute(comment.get_absolute_url()),
        },
    }  # fmt: skip


@transaction.atomic
def dispatch(event, comment_ids, decision):
    """Write (and enqueue) one delivery per endpoint for each comment."""
    comments = Comment.objects.filter(pk__in=comment_ids).select_related("post").order_by("pk")
    for comment in comments:
        for hook in endpoints(event):
            key = f"{event}:{comment.pk}:{hook['url']}:{decision}"
            if WebhookDelivery.objects.filter(key=key).exists():
                continue
            delivery_id = uuid.uuid4()
            body = json.dumps(payload(event, comment, delivery_id), cls=DjangoJSONEncoder)
            row = WebhookDelivery.objects.create(
                key=key, delivery_id=delivery_id, url=hook["url"], event=event, body=body
            )
            tasks.enqueue_webhook(row.pk)
