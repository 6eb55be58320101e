"""What a decision about comments sets going outside the request: at most one task.

``comments_event`` runs inside the transaction of the decision (a new comment, a moderation
decision, an admin edit) and enqueues one task, ``handle_event``, or none when
there is nothing to do (``COMMENTS_NOTIFICATIONS_ENABLED`` off; no visible comment, no held
one and no webhook endpoint for the event). The task does, in the worker:

- ``published``: the subscribers' mail about newly visible comments (``notifications.fanout``);
- ``held``: the moderators' alerts about comments held for moderation
  (``notifications.moderators``);
- ``event``: one webhook delivery per endpoint (``webhooks.dispatch``).

So the request pays one INSERT at most, whatever the number of subscribers or endpoints, and
a rolled-back decision leaves no task. Each part is idempotent: a task run twice (a killed
worker) queues nothing twice.
"""

import uuid

from django.conf import settings
from django_tasks import task

from .notifications import fanout, moderators
from .webhooks import dispatch


def comments_event(event, comment_ids, *, status=None, published=False, held=False, batch=None):
    """Call inside the decision's transaction. ``event``: the webhook event (or None);
    ``status``: the comments' status at the event, for the webhook payload; ``batch``: a
    ``comments.statements.StatementBatch`` the task's row is written with, if any."""
    if not settings.COMMENTS_NOTIFICATIONS_ENABLED:
        return
    ids = sorted({int(pk) for pk in comment_ids})
    hooked = bool(event) and bool(dispatch.endpoints(event))
    if ids and (published or held or hooked):
        args = [
            event if hooked else None,
            ids,
            uuid.uuid4().hex if hooked else "",
            status,
            published,
            held,
        ]
        backend = handle_event.get_backend()
        if batch is not None and hasattr(backend, "enqueue_in"):
            backend.enqueue_in(batch, handle_event, args, {})
        else:
            handle_event.enqueue(*args)


@task()
def handle_event(event, comment_ids, decision, status, published, held):
    """In the worker: everything one decision about comments causes."""
    if published:
        fanout.notify_subscribers(comment_ids)
    if held:
        for comment_id in comment_ids:
            moderators.comment_held(comment_id)
    if event:
        dispatch.dispatch(event, comment_ids, decision, status)
