"""What every worker does now and then besides running tasks (``comments_worker``).

- Take over what a killed worker left behind. django-tasks-db marks a task RUNNING when a
  worker claims it and never looks at it again; if that worker dies, the task stays RUNNING.
  Every task of this app is short (bounded by ``EMAIL_TIMEOUT`` or
  ``COMMENTS_WEBHOOK_TIMEOUT``) and safe to run again, so a task RUNNING for longer than
  ``COMMENTS_DELIVERY_LEASE`` is marked failed and enqueued afresh; and a delivery whose lease
  ran out (its worker died while sending) is enqueued again.
- Queue the moderators' daily alerts when their hour has come.
- Shorten the IP addresses of comments older than ``COMMENTS_IP_RETENTION_DAYS``
  (``comments.privacy.reduce_old_ips``: batched, and a no-op once done), and empty the
  contents of mail and webhook calls finished longer than
  ``COMMENTS_DELIVERY_CONTENT_RETENTION_DAYS`` ago (``comments.privacy.empty_old_deliveries``).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from . import tasks
from .delivery import stale
from .notifications.models import OutgoingMail
from .notifications.moderators import daily_alerts
from .notifications.sending import enqueue_mail
from .privacy import empty_old_deliveries, reduce_old_ips
from .webhooks.models import WebhookDelivery
from .webhooks.sending import enqueue_webhook

logger = logging.getLogger(__name__)

# Each delivery model with the function that enqueues one attempt.
DELIVERIES = [(OutgoingMail, enqueue_mail), (WebhookDelivery, enqueue_webhook)]
TASK_PATHS = [each.module_path for each in tasks.ALL]
STOPPED = "The worker running this task stopped; it was enqueued again."


def _requeue_abandoned_tasks(now):
    cutoff = now - timedelta(seconds=settings.COMMENTS_DELIVERY_LEASE)
    abandoned = DBTaskResult.objects.filter(
        status="RUNNING", started_at__lt=cutoff, task_path__in=TASK_PATHS
    )
    count = 0
    with transaction.atomic():
        for result in abandoned.select_for_update(skip_locked=True):
            arguments = result.args_kwargs
            result.task.enqueue(*arguments["args"], **arguments["kwargs"])
            result.status = "FAILED"
            result.finished_at = now
            result.exception_class_path = f"{__name__}.WorkerStopped"
            result.traceback = STOPPED
            result.save(update_fields=["status", "finished_at", "exception_class_path",
                                       "traceback"])  # fmt: skip
            count += 1
    return count


def _requeue_abandoned_deliveries(now):
    count = 0
    for model, enqueue in DELIVERIES:
        with transaction.atomic():
            rows = stale(model, now).select_for_update(skip_locked=True)
            ids = list(rows.values_list("pk", flat=True))
            model.objects.filter(pk__in=ids).update(locked_until=None)
            for pk in ids:
                enqueue(pk, None)
            count += len(ids)
    return count


def sweep(now=None):
    """Enqueue again what a stopped worker left; queue due daily alerts; shorten old IP
    addresses; empty old deliveries' contents. Returns how many tasks and deliveries were
    enqueued again."""
    now = now or timezone.now()
    daily_alerts(now)
    requeued = _requeue_abandoned_tasks(now) + _requeue_abandoned_deliveries(now)
    if requeued:
        logger.warning("Enqueued %d tasks or deliveries a stopped worker left again.", requeued)
    reduce_old_ips(now=now)
    empty_old_deliveries(now=now)
    return requeued
