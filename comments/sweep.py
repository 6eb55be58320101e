"""What every worker does now and then besides running tasks: take over deliveries a killed
worker left behind (``comments.delivery.stale``) by enqueueing them again, and queue the
moderators' daily alerts when their hour has come."""

import logging

from django.db import transaction

from . import tasks
from .delivery import stale
from .notifications.models import OutgoingMail
from .notifications.moderators import daily_alerts
from .webhooks.models import WebhookDelivery

logger = logging.getLogger(__name__)

# Each delivery model with the function that enqueues one attempt.
DELIVERIES = [(OutgoingMail, tasks.enqueue_mail), (WebhookDelivery, tasks.enqueue_webhook)]


def sweep():
    """Enqueue every stale delivery again (return how many); queue the daily alerts."""
    daily_alerts()
    requeued = 0
    for model, enqueue in DELIVERIES:
        with transaction.atomic():
            for pk in stale(model).select_for_update(skip_locked=True).values_list("pk", flat=True):
                enqueue(pk, None)
                requeued += 1
    if requeued:
        logger.warning("Requeued %d deliveries a stopped worker left unfinished.", requeued)
    return requeued
